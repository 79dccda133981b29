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

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pistream.core.jpeg.TestJpegs;

class StreamEncoderTest {
    private static final String B = MultipartFraming.BOUNDARY;
    private static final String HEADERS = "Content-Type: image/jpeg\r\n\r\n";

    private FrameBroadcaster broadcaster;
    private Subscription subscription;

    @BeforeEach
    void subscribe() {
        broadcaster = new FrameBroadcaster(8, 10, 1);
        broadcaster.start();
        // The test thread polls for the encoder; the broadcaster's own deliveries do nothing.
        subscription = broadcaster.subscribe(new FrameSubscriber() {
            @Override
            public void deliver(Subscription s) {
            }

            @Override
            public void broadcasterClosed(Subscription s) {
            }
        });
    }

    @AfterEach
    void stop() {
        broadcaster.stop();
    }

    private Frame publish(int seed) {
        byte[] jpeg = TestJpegs.noise(8, 8, seed);
        return broadcaster.publish(jpeg, 0, jpeg.length, 1_700_000_000_000_000L + seed);
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
    void cappedClientGetsTheNewestFramePassingOverOlderOnes() throws Exception {
        java.util.concurrent.ScheduledThreadPoolExecutor timer = new java.util.concurrent.ScheduledThreadPoolExecutor(1);
        try {
            StreamEncoder encoder = new StreamEncoder(new StreamOptions(false, false, 10), timer);
            Frame f0 = publish(0);
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            List<StreamEncoder.Chunk> first = startAndDrain(encoder, wire);
            assertEquals(1, first.size());
            assertSame(f0.part(), first.get(0).bytes());
            publish(1);
            publish(2);
            Frame f3 = publish(3);
            assertTrue(drain(encoder, wire).isEmpty(), "not due yet: nothing, not a queue");
            Thread.sleep(120);
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
    void cappedClientIsWokenWhenAWaitingFrameBecomesDueEvenIfNoNewFrameComes() throws Exception {
        java.util.concurrent.ScheduledThreadPoolExecutor timer = new java.util.concurrent.ScheduledThreadPoolExecutor(1);
        java.util.concurrent.BlockingQueue<Long> sentAt = new java.util.concurrent.LinkedBlockingQueue<>();
        java.util.concurrent.BlockingQueue<byte[]> sent = new java.util.concurrent.LinkedBlockingQueue<>();
        StreamEncoder encoder = new StreamEncoder(new StreamOptions(false, false, 5), timer);
        encoder.preamble();
        Subscription capped = broadcaster.subscribe(new FrameSubscriber() {
            @Override
            public void deliver(Subscription s) {
                StreamEncoder.Chunk c;
                while ((c = encoder.next(s)) != null) {
                    sentAt.add(System.nanoTime());
                    sent.add(c.bytes());
                }
            }

            @Override
            public void broadcasterClosed(Subscription s) {
            }
        });
        try {
            Frame f10 = publish(10);
            assertSame(f10.part(), sent.poll(2, java.util.concurrent.TimeUnit.SECONDS));
            long first = sentAt.take();
            Frame f11 = publish(11); // 200 ms early; then the camera pauses
            assertSame(f11.part(), sent.poll(2, java.util.concurrent.TimeUnit.SECONDS),
                    "delivered by the wake-up, with no frame published after it");
            long gapMillis = (sentAt.take() - first) / 1_000_000;
            assertTrue(gapMillis >= 195 && gapMillis < 400, "sent when due, " + gapMillis + " ms after the first");
        } finally {
            capped.close();
            timer.shutdownNow();
        }
    }
}
