package org.pistream.core.fanout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.pistream.core.jpeg.TestJpegs;

class StreamEncoderTest {
    private static final String B = MultipartFraming.BOUNDARY;
    private static final String HEADERS = "Content-Type: image/jpeg\r\n\r\n";

    private static final FrameSubscriber NO_OP = new FrameSubscriber() {
        @Override
        public void deliver(Subscription s) {
        }

        @Override
        public void broadcasterClosed(Subscription s) {
        }
    };

    private final FrameRing ring = new FrameRing(8);
    /** The test thread polls for the encoder: no fan-out threads, so every step happens in order. */
    private final Subscription subscription = new Subscription(ring.newCursor(true), new FanoutCounters(), s -> { },
            NO_OP, Runnable::run, 1);
    /** The frame-rate cap's clock, moved by hand. */
    private long nowNanos = 1_000_000_000L;

    private Frame publish(int seed) {
        byte[] jpeg = TestJpegs.noise(8, 8, seed);
        return ring.append(seq -> MultipartFraming.frame(seq, 1_700_000_000_000_000L + seed, jpeg, 0, jpeg.length, false));
    }

    /**
     * A timer that runs nothing by itself: it keeps what it is asked to schedule, and the test runs
     * a task when it has moved the clock to the task's time.
     */
    private static final class ManualTimer extends ScheduledThreadPoolExecutor {
        final List<Runnable> tasks = new ArrayList<>();
        final List<Long> delaysNanos = new ArrayList<>();

        ManualTimer() {
            super(1);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
            tasks.add(task);
            delaysNanos.add(unit.toNanos(delay));
            return null; // the wake-up's caller keeps no handle
        }
    }

    private static byte[] jpegOf(Frame f) {
        return Arrays.copyOfRange(f.part(), f.jpegOffset(), f.jpegOffset() + f.jpegLength());
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Strings (as ASCII) and byte arrays, one after the other. */
    private static byte[] bytes(Object... pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object piece : pieces) {
            out.writeBytes(piece instanceof String text ? ascii(text) : (byte[]) piece);
        }
        return out.toByteArray();
    }

    /** Every chunk up to the first null, added to {@code wire} as a client would receive them. */
    private List<StreamEncoder.Chunk> drain(StreamEncoder encoder, ByteArrayOutputStream wire) {
        List<StreamEncoder.Chunk> chunks = new ArrayList<>();
        StreamEncoder.Chunk c;
        while ((c = encoder.next(subscription)) != null) {
            chunks.add(c);
            wire.write(c.bytes(), c.offset(), c.length());
        }
        return chunks;
    }

    /** The preamble, then {@link #drain}. */
    private List<StreamEncoder.Chunk> startAndDrain(StreamEncoder encoder, ByteArrayOutputStream wire) {
        StreamEncoder.Chunk preamble = encoder.preamble();
        wire.write(preamble.bytes(), preamble.offset(), preamble.length());
        return drain(encoder, wire);
    }

    @Test
    void standardLayoutSendsEachFramesSharedPartWhole() {
        StreamEncoder encoder = new StreamEncoder(StreamOptions.STANDARD);
        Frame f0 = publish(0);
        Frame f1 = publish(1);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        List<StreamEncoder.Chunk> chunks = startAndDrain(encoder, wire);

        assertEquals(2, chunks.size());
        assertSame(f0.part(), chunks.get(0).bytes(), "the shared buffer, not a copy");
        assertSame(f1.part(), chunks.get(1).bytes());
        assertTrue(chunks.stream().allMatch(StreamEncoder.Chunk::endsFrame));
        wire.writeBytes(encoder.closing());
        assertArrayEquals(bytes("--" + B + "\r\n", f0.part(), f1.part(), "--" + B + "--\r\n"), wire.toByteArray());
        assertTrue(new String(f0.part(), StandardCharsets.ISO_8859_1).startsWith("Content-Type: image/jpeg\r\nContent-Length: "));
    }

    @Test
    void advanceHeadersSendTheJpegFromTheSharedPartThenTheNextPartsHeaders() {
        StreamEncoder encoder = new StreamEncoder(new StreamOptions(true, false));
        Frame f0 = publish(0);
        Frame f1 = publish(1);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        List<StreamEncoder.Chunk> chunks = startAndDrain(encoder, wire);

        assertEquals(4, chunks.size());
        assertSame(f0.part(), chunks.get(0).bytes(), "the shared buffer, not a copy");
        assertEquals(f0.jpegOffset(), chunks.get(0).offset());
        assertFalse(chunks.get(0).endsFrame());
        assertTrue(chunks.get(1).endsFrame(), "a frame ends with the next part's headers");
        assertSame(f1.part(), chunks.get(2).bytes());
        wire.writeBytes(encoder.closing());
        String afterFrame = "\r\n--" + B + "\r\n" + HEADERS;
        assertArrayEquals(bytes("--" + B + "\r\n" + HEADERS, jpegOf(f0), afterFrame, jpegOf(f1), afterFrame,
                "\r\n--" + B + "--\r\n"), wire.toByteArray(), "the open part is closed empty");
    }

    @Test
    void advanceHeadersCloseWithoutAnEmptyPartWhenTheNextHeadersAreNotSentYet() {
        StreamEncoder encoder = new StreamEncoder(new StreamOptions(true, false));
        publish(0);
        encoder.preamble();
        encoder.next(subscription); // the JPEG and the boundary line; the headers would come next
        assertArrayEquals(ascii("--" + B + "--\r\n"), encoder.closing());
    }

    @Test
    void dualFinalFramesRepeatsTheLastFrameOnceWhenTheClientHasCaughtUp() {
        StreamEncoder encoder = new StreamEncoder(new StreamOptions(false, true));
        encoder.preamble();
        assertNull(encoder.next(subscription), "nothing to repeat before the first frame");
        Frame f0 = publish(0);
        Frame f1 = publish(1);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        List<StreamEncoder.Chunk> burst = drain(encoder, wire);
        assertEquals(3, burst.size(), "f0, f1, then f1 again: only the final frame of a burst is doubled");
        assertSame(f0.part(), burst.get(0).bytes());
        assertSame(f1.part(), burst.get(1).bytes());
        assertSame(f1.part(), burst.get(2).bytes(), "the repeat is the same shared part");
        assertNull(encoder.next(subscription), "repeated once only");

        Frame f2 = publish(2);
        List<StreamEncoder.Chunk> next = drain(encoder, new ByteArrayOutputStream());
        assertEquals(2, next.size());
        assertSame(f2.part(), next.get(0).bytes());
        assertSame(f2.part(), next.get(1).bytes());
    }

    @Test
    void bothOptionsTogetherRepeatTheFinalFrameInTheAdvanceLayout() {
        StreamEncoder encoder = new StreamEncoder(new StreamOptions(true, true));
        Frame f0 = publish(0);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        startAndDrain(encoder, wire);
        String afterFrame = "\r\n--" + B + "\r\n" + HEADERS;
        assertArrayEquals(bytes("--" + B + "\r\n" + HEADERS, jpegOf(f0), afterFrame, jpegOf(f0), afterFrame),
                wire.toByteArray());
    }

    @Test
    void thePreambleComesFirstAndOnce() {
        StreamEncoder encoder = new StreamEncoder(StreamOptions.STANDARD);
        assertFalse(encoder.started());
        assertThrows(IllegalStateException.class, () -> encoder.next(subscription));
        encoder.preamble();
        assertTrue(encoder.started());
        assertThrows(IllegalStateException.class, encoder::preamble);
    }

    @Test
    void optionsDescribeThemselvesAsQueryParameters() {
        assertEquals("", StreamOptions.STANDARD.describe());
        assertEquals("advance_headers", new StreamOptions(true, false).describe());
        assertEquals("dual_final_frames", new StreamOptions(false, true).describe());
        assertEquals("advance_headers,dual_final_frames", new StreamOptions(true, true).describe());
    }

    @Test
    void cappedClientGetsTheNewestFramePassingOverOlderOnes() {
        ManualTimer timer = new ManualTimer();
        try {
            StreamEncoder encoder = new StreamEncoder(new StreamOptions(false, false, 10), timer, () -> nowNanos);
            Frame f0 = publish(0);
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            List<StreamEncoder.Chunk> first = startAndDrain(encoder, wire);
            assertEquals(1, first.size());
            assertSame(f0.part(), first.get(0).bytes());
            publish(1);
            publish(2);
            Frame f3 = publish(3);
            nowNanos += 99_000_000L;
            assertTrue(drain(encoder, wire).isEmpty(), "not due yet: nothing, not a queue");
            assertEquals(List.of(1_000_000L), timer.delaysNanos, "a wake-up when the frame is due, 100 ms after the first");
            nowNanos += 1_000_000L;
            List<StreamEncoder.Chunk> second = drain(encoder, wire);
            assertEquals(1, second.size());
            assertSame(f3.part(), second.get(0).bytes(), "the newest frame");
            assertEquals(2, subscription.framesPassedOver());
            assertEquals(0, subscription.framesSkipped(), "passing over is not the skipping of a slow client");
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void cappedClientIsWokenWhenAWaitingFrameBecomesDueEvenIfNoNewFrameComes() {
        ManualTimer timer = new ManualTimer();
        List<byte[]> sent = new ArrayList<>();
        StreamEncoder encoder = new StreamEncoder(new StreamOptions(false, false, 5), timer, () -> nowNanos);
        encoder.preamble();
        // Drains run on the signalling thread: the test sees every step in order.
        Subscription capped = new Subscription(ring.newCursor(true), new FanoutCounters(), s -> { }, new FrameSubscriber() {
            @Override
            public void deliver(Subscription s) {
                StreamEncoder.Chunk c;
                while ((c = encoder.next(s)) != null) {
                    sent.add(c.bytes());
                }
            }

            @Override
            public void broadcasterClosed(Subscription s) {
            }
        }, Runnable::run, 2);
        try {
            Frame f10 = publish(10);
            capped.signal();
            assertEquals(List.of(f10.part()), sent);

            nowNanos += 10_000_000L;
            Frame f11 = publish(11); // 190 ms early; then the camera pauses
            capped.signal();
            assertEquals(1, sent.size(), "not sent before it is due");
            assertEquals(List.of(190_000_000L), timer.delaysNanos, "one wake-up, for when the frame is due");
            capped.drainNow(); // the connection became writable meanwhile
            assertEquals(1, timer.tasks.size(), "at most one wake-up pending per client");

            nowNanos += 190_000_000L;
            timer.tasks.get(0).run();
            assertEquals(2, sent.size(), "delivered by the wake-up, with no frame published after it");
            assertSame(f11.part(), sent.get(1));
            assertEquals(0, capped.lag());
        } finally {
            capped.close();
            timer.shutdownNow();
        }
    }
}
