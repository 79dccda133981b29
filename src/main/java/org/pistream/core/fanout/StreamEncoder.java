package org.pistream.core.fanout;

import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

/**
 * What one client's stream sends next, as slices of buffers shared by every client: no frame is
 * copied per client, whatever its {@link StreamOptions}.
 *
 * <p>The frame's shared part is laid out as headers, JPEG, trailing boundary line. The standard
 * layout sends it whole. The advance-headers layout sends the slice from the JPEG to the end (the
 * JPEG and the boundary line) and then one constant block with the next part's headers; it needs no
 * second copy of the frame, so nothing is built per frame either, and a client asking for it costs
 * what a standard client costs. Dual final frames re-sends the same shared slices.
 *
 * <p>With a frame-rate cap ({@link StreamOptions#maxFps}) a frame goes only when the client's
 * {@link FramePacer} says it is due, and it is then the newest frame: the ones in between are passed
 * over, never queued. A frame that is waiting when nothing else would wake the client (the camera
 * paused right after it) is not left behind: the client asks the pi-stream timer to signal it once
 * the frame is due; no thread or timer task exists per client beyond that one pending wake-up.
 *
 * <p>Threading: confined to the client's drain loop (one thread at a time, see {@link Subscription}).
 */
public final class StreamEncoder {
    /**
     * Bytes to write: {@code length} bytes from {@code offset} of {@code bytes} (on the heap) or,
     * when {@code bytes} is null, of {@code offHeap} (a frame's part in a direct buffer); never
     * modified. A chunk with {@code offHeap} from {@link #next} comes with one reference to it, which
     * the writer {@linkplain OffHeapPart#release() releases} once the container is done with the write.
     */
    public record Chunk(byte[] bytes, int offset, int length, boolean endsFrame, OffHeapPart offHeap) {
        public Chunk(byte[] bytes, int offset, int length, boolean endsFrame) {
            this(bytes, offset, length, endsFrame, null);
        }
    }

    private static final Chunk PREAMBLE = constant(MultipartFraming.preamble(), false);
    private static final Chunk ADVANCE_PREAMBLE = constant(MultipartFraming.advancePreamble(), false);
    // The next part's headers complete a frame in the advance layout: the frame's bytes are counted then.
    private static final Chunk NEXT_PART_HEADERS = constant(MultipartFraming.nextPartHeaders(), true);
    private static final byte[] CLOSING = MultipartFraming.closing();
    private static final byte[] CLOSING_OPEN_PART = MultipartFraming.closingOpenPart();

    private final StreamOptions options;
    private final FramePacer pacer;
    private final ScheduledExecutorService timer;
    private final LongSupplier clock;
    private boolean started;
    /** Advance layout: the JPEG and boundary are sent, the next part's headers are not yet. */
    private boolean headersPending;
    private Frame last;
    private boolean lastRepeated;

    /** An encoder for a client at the camera's full rate. */
    public StreamEncoder(StreamOptions options) {
        this(options, null);
    }

    /** @param timer wakes a capped client when its next frame is due; needed when {@code options} cap the rate */
    public StreamEncoder(StreamOptions options, ScheduledExecutorService timer) {
        this(options, timer, System::nanoTime);
    }

    /** @param clock {@link System#nanoTime()}, or a clock a test moves by hand, for the frame-rate cap */
    StreamEncoder(StreamOptions options, ScheduledExecutorService timer, LongSupplier clock) {
        if (options.maxFps() > 0 && timer == null) {
            throw new IllegalArgumentException("a frame-rate cap needs a timer to wake the client");
        }
        this.options = options;
        this.pacer = options.maxFps() > 0 ? new FramePacer(options.maxFps()) : null;
        this.timer = timer;
        this.clock = clock;
    }

    public StreamOptions options() {
        return options;
    }

    /** The frame of the last frame chunk handed out, or null before the first. */
    public Frame lastFrame() {
        return last;
    }

    /** Whether the preamble was handed out, so the stream has begun and needs its closing. */
    public boolean started() {
        return started;
    }

    /** The first bytes of the stream, before any frame exists (ffmpeg needs the boundary first). */
    public Chunk preamble() {
        if (started) {
            throw new IllegalStateException("The preamble was already sent");
        }
        started = true;
        return options.advanceHeaders() ? ADVANCE_PREAMBLE : PREAMBLE;
    }

    /**
     * The next chunk to write after the {@link #preamble()}, or null when the client has every
     * published frame. Polls the subscription for frames; the caller writes each chunk whole before
     * asking for the next, and releases the reference a chunk with an off-heap part comes with. A
     * chunk that {@code endsFrame} completes one part.
     */
    public Chunk next(Subscription subscription) {
        if (!started) {
            throw new IllegalStateException("Send the preamble first");
        }
        if (headersPending) {
            headersPending = false;
            return NEXT_PART_HEADERS;
        }
        Frame frame = pacer == null ? subscription.poll() : pacedPoll(subscription);
        if (frame != null) {
            last = frame;
            lastRepeated = false;
        } else if (options.dualFinalFrames() && last != null && !lastRepeated) {
            // Caught up: the frame just sent ends a burst; send it once more so that a browser that
            // waits for the next part before showing one shows this frame now, not at the next frame.
            lastRepeated = true;
            if (!last.retainPart()) {
                return null; // it has left the ring meanwhile: a newer frame is on its way
            }
            frame = last;
        } else {
            return null;
        }
        if (options.advanceHeaders()) {
            headersPending = true;
            return frame.fromJpeg();
        }
        return frame.wholePart();
    }

    /** The newest frame if one is new and due, else null; schedules a wake-up for a new frame that is not due yet. */
    private Frame pacedPoll(Subscription subscription) {
        if (subscription.lag() == 0) {
            return null;
        }
        long now = clock.getAsLong();
        long wait = pacer.waitNanos(now);
        if (wait > 0) {
            subscription.wakeAfter(wait, timer);
            return null;
        }
        Frame frame = subscription.pollNewest();
        if (frame != null) {
            pacer.sent(now);
        }
        return frame;
    }

    /**
     * The bytes that end the stream, to write after the last whole chunk. In the advance layout a
     * part whose headers were sent is still open: it is closed empty, as RFC 2046 allows.
     */
    public byte[] closing() {
        return options.advanceHeaders() && started && !headersPending ? CLOSING_OPEN_PART.clone() : CLOSING.clone();
    }

    private static Chunk constant(byte[] bytes, boolean endsFrame) {
        return new Chunk(bytes, 0, bytes.length, endsFrame);
    }

    @Override
    public String toString() {
        return "StreamEncoder{" + (options.describe().isEmpty() ? "standard" : options.describe()) + "}";
    }
}
