package org.pistream.web.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;

import org.pistream.core.fanout.FrameSubscriber;
import org.pistream.core.fanout.StreamEncoder;
import org.pistream.core.fanout.StreamOptions;
import org.pistream.core.fanout.Subscription;
import org.pistream.core.stats.ClientStats;
import org.pistream.core.stats.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MJPEG stream client: its async request, its output stream and its broadcaster subscription.
 *
 * <p>All writing happens in {@link #deliver}, which the subscription runs on one thread at a time
 * (a fan-out thread for a new frame, the container's thread for {@code onWritePossible}). It
 * writes while {@code isReady()} and returns when the connection is full; the container then calls
 * {@code onWritePossible} again. Frames are written whole from the shared buffer, and the output is
 * flushed once the client has caught up if bytes may still sit in the container's buffer (always
 * in a container; in the embedded server only after small writes: see {@link ChunkWriter}).
 * {@link #finish} runs once, whichever of error, timeout, completion or shutdown comes first.
 */
public final class StreamClient implements FrameSubscriber, WriteListener, AsyncListener {
    private static final Logger log = LoggerFactory.getLogger(StreamClient.class);
    private final String remote;
    private final String userAgent;
    private final String path;
    private final long startNanos = System.nanoTime();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final Histogram deliveryLatency;
    // Confined to the drain loop.
    private final StreamEncoder encoder;
    private final ChunkWriter writer;
    /** The off-heap part the last write may still read: released when the stream is ready again or complete. */
    private final InFlight inFlight = new InFlight();
    /** The connection for writes straight to it, or null: all writes go through the servlet output. */
    private volatile ConnectionWrites.Connection connection;
    /** Frames go straight to the connection: the servlet output has sent the headers and preamble. */
    private volatile boolean direct;
    /** The preamble was flushed to switch to direct writes once the output is ready. */
    private boolean flushedForDirect;
    /** A write straight to the connection has not completed yet: its completion drains again. */
    private volatile boolean directPending;
    /** The thread running {@link #deliver} now, so a write that completes inside it does not drain again. */
    private volatile Thread delivering;

    private volatile AsyncContext async;
    private volatile ServletOutputStream out;
    private volatile Subscription subscription;
    /** When the connection last refused bytes and has taken none since; 0 while it takes them ({@link StallWatch}). */
    private volatile long blockedSinceNanos;
    // Confined to the drain loop.
    private boolean needsFlush;
    private long frameBytes;

    /** @param deliveryLatency where each frame's publish-to-written time goes, in nanoseconds */
    StreamClient(String remote, String userAgent, String path, StreamOptions options, ScheduledExecutorService timer,
                 Histogram deliveryLatency, ChunkWriter writer) {
        this.remote = remote;
        this.userAgent = userAgent == null ? "" : userAgent;
        this.path = path;
        this.encoder = new StreamEncoder(options, timer);
        this.deliveryLatency = deliveryLatency;
        this.writer = writer;
    }

    /** Starts writing: called once the request is async and the subscription exists. */
    void attach(Subscription subscription, AsyncContext async, ServletOutputStream out) {
        attach(subscription, async, out, null);
    }

    /**
     * The same, for a request whose connection the writer can write to straight ({@link ConnectionWrites}):
     * frames then go there once the servlet output has sent the headers and the preamble.
     */
    void attach(Subscription subscription, AsyncContext async, ServletOutputStream out, HttpServletRequest request) {
        this.subscription = subscription;
        this.async = async;
        this.connection = request == null ? null : writer.connection(request, this::directWriteDone);
        async.addListener(this);
        // The output is not ours to write until the container has the listener: a fan-out thread that
        // wrote before would write in blocking mode, and setWriteListener would then fail (seen with
        // 2,000 viewers joining a running camera). So out is published only after it.
        out.setWriteListener(this);
        this.out = out;
        // onWritePossible may have come (on a container thread) while out was unset, and found nothing
        // to write with: drain once more, through the subscription, so only one thread writes, and on
        // a fan-out thread, so this request thread returns at once (a container counts a thread still
        // in a request at undeploy as a leak).
        subscription.drainSoon();
    }

    public String remote() {
        return remote;
    }

    public String userAgent() {
        return userAgent;
    }

    public String path() {
        return path;
    }

    long blockedSinceNanos() {
        return blockedSinceNanos;
    }

    public StreamOptions options() {
        return encoder.options();
    }

    @Override
    public ClientStats.Viewer viewer() {
        return new ClientStats.Viewer(remote, userAgent, path, encoder.options().maxFps());
    }

    @Override
    public void deliver(Subscription s) {
        ServletOutputStream o = out;
        if (o == null || finished.get()) {
            return; // not attached yet: onWritePossible will drain
        }
        if (direct) {
            deliverDirect(s);
            return;
        }
        try {
            boolean progressed = false;
            while (o.isReady()) {
                inFlight.writeDone();
                progressed = true;
                if (!encoder.started()) {
                    needsFlush = writer.write(o, encoder.preamble());
                    continue;
                }
                if (connection != null) {
                    // The headers and preamble must be on the connection before any frame goes there.
                    if (!flushedForDirect) {
                        flushedForDirect = true;
                        needsFlush = false;
                        o.flush();
                        continue;
                    }
                    direct = true;
                    deliverDirect(s);
                    return;
                }
                StreamEncoder.Chunk chunk = encoder.next(s);
                if (chunk == null) {
                    if (!needsFlush) {
                        if (blockedSinceNanos != 0) {
                            blockedSinceNanos = 0; // caught up: not stalled
                        }
                        return;
                    }
                    needsFlush = false;
                    o.flush();
                    continue;
                }
                needsFlush = writer.write(o, chunk, inFlight);
                frameBytes += chunk.length();
                if (chunk.endsFrame()) {
                    s.sent(frameBytes);
                    deliveryLatency.observe(System.nanoTime() - encoder.lastFrame().publishedNanos());
                    frameBytes = 0;
                }
            }
            // The connection is full. It took bytes since it was last full (progressed), or it still holds them.
            if (progressed || blockedSinceNanos == 0) {
                blockedSinceNanos = System.nanoTime();
            }
        } catch (IOException | IllegalStateException e) {
            finish("write failed: " + e.getMessage());
        }
    }

    /**
     * Writes chunks straight to the connection, one at a time, until the client has every frame or a
     * write is left pending (the socket is full); that write's completion drains again.
     */
    private void deliverDirect(Subscription s) {
        ConnectionWrites.Connection c = connection;
        delivering = Thread.currentThread();
        try {
            while (!directPending && !finished.get()) {
                StreamEncoder.Chunk chunk = encoder.next(s);
                if (chunk == null) {
                    if (blockedSinceNanos != 0) {
                        blockedSinceNanos = 0; // caught up: not stalled
                    }
                    return;
                }
                ByteBuffer buffer;
                if (chunk.offHeap() != null) {
                    buffer = chunk.offHeap().slice(chunk.offset(), chunk.length());
                    inFlight.hold(chunk.offHeap()); // the reference the chunk came with, released when the write is done
                } else {
                    buffer = ByteBuffer.wrap(chunk.bytes(), chunk.offset(), chunk.length());
                }
                frameBytes += chunk.length();
                if (chunk.endsFrame()) {
                    s.sent(frameBytes);
                    deliveryLatency.observe(System.nanoTime() - encoder.lastFrame().publishedNanos());
                    frameBytes = 0;
                }
                directPending = true;
                try {
                    c.write(buffer);
                } catch (RuntimeException e) {
                    // Not through the callback: e.g. the server wrote to the connection itself meanwhile.
                    directPending = false;
                    inFlight.writeDone();
                    finish("write failed: " + e);
                    return;
                }
                if (directPending) {
                    blockedSinceNanos = System.nanoTime(); // the connection is full: it took the previous write
                }
            }
        } finally {
            delivering = null;
        }
    }

    /** A write straight to the connection is done (null) or failed. */
    private void directWriteDone(Throwable failure) {
        inFlight.writeDone();
        directPending = false;
        if (failure != null) {
            finish("write failed: " + failure.getMessage());
            return;
        }
        Subscription s = subscription;
        if (s != null && delivering != Thread.currentThread()) {
            s.drainNow();
        }
    }

    @Override
    public void broadcasterClosed(Subscription s) {
        ServletOutputStream o = out;
        try {
            if (direct) {
                if (!directPending) {
                    directPending = true;
                    connection.write(ByteBuffer.wrap(encoder.closing()));
                }
            } else if (o != null && encoder.started() && o.isReady()) {
                o.write(encoder.closing());
            }
        } catch (IOException | IllegalStateException e) {
            // Closing anyway.
        }
        finish("server stopping");
    }

    @Override
    public void onWritePossible() {
        Subscription s = subscription;
        if (s != null) {
            s.drainNow();
        }
    }

    @Override
    public void onError(Throwable t) {
        finish("connection error: " + t);
    }

    @Override
    public void onComplete(AsyncEvent event) {
        inFlight.close(); // the response is done: no write reads the frame's buffer any more
        finish("completed");
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        finish("timed out");
    }

    @Override
    public void onError(AsyncEvent event) {
        Throwable t = event.getThrowable();
        finish("connection closed" + (t == null ? "" : ": " + t.getMessage()));
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // Not re-dispatched.
    }

    void finish(String reason) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        Subscription s = subscription;
        if (s != null) {
            s.close();
        }
        ConnectionWrites.Connection c = connection;
        if (direct && directPending && c != null) {
            c.abort(); // the servlet output cannot complete over a write it does not know of
        }
        AsyncContext a = async;
        if (a != null) {
            AsyncResponses.completeQuietly(a);
        }
        if (s != null) {
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            ViewerLog.Line line = ViewerLog.disconnected(seconds);
            if (log.isEnabledForLevel(line.level())) {
                log.atLevel(line.level()).log(String.format(Locale.ROOT,
                        "Client #%d %s disconnected after %.1f s: %d frames, %.2f MB, %d skipped (%s)%s",
                        s.id(), remote, seconds, s.framesSent(), s.bytesSent() / 1e6, s.framesSkipped(), reason, line.more()));
            }
        }
    }
}
