package org.pistream.core.fanout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pistream.core.stats.ClientStats;

/**
 * Frames' off-heap parts: written bytes equal the heap part, every reference comes back (the pool
 * returns to the ring's share when clients leave, whatever they were doing), direct memory stays
 * within the budget and stops growing once the pool has what the frames need.
 */
class OffHeapPartsTest {
    private static final int RING = 8;
    private final List<FrameBroadcaster> broadcasters = new ArrayList<>();

    @AfterEach
    void stop() {
        broadcasters.forEach(FrameBroadcaster::stop);
    }

    /** A broadcaster with one viewer that never reads (so the ring keeps all its frames). */
    private FrameBroadcaster started(long budget) {
        FrameBroadcaster b = unwatched(budget);
        b.subscribe(new FrameSubscriber() {
            @Override
            public void deliver(Subscription s) {
            }

            @Override
            public void broadcasterClosed(Subscription s) {
            }
        });
        return b;
    }

    private FrameBroadcaster unwatched(long budget) {
        FrameBroadcaster b = new FrameBroadcaster(RING, 100, 2);
        b.offHeapParts(budget);
        broadcasters.add(b);
        b.start();
        return b;
    }

    /**
     * With nobody watching, the ring keeps only the newest frame: an idle camera holds one buffer,
     * not buffer-size of them (2.7 MB at 720p), and the pool does not grow; a viewer's arrival makes
     * the ring keep frames again.
     */
    @Test
    void withNobodyWatchingOnlyTheNewestFrameIsKeptAndThePoolStaysSmall() {
        FrameBroadcaster b = unwatched(16L << 20);
        for (int i = 0; i < 100; i++) {
            publish(b, 70_000, i);
        }
        PartPool pool = b.partPool();
        assertEquals(1, pool.buffersInUse(), "the newest frame only (also the newest camera frame)");
        assertTrue(pool.allocations() <= 2, "no buffer per ring slot: " + pool.allocations());
        Frame newest = b.latest();
        assertNotNull(newest.jpeg(), "the newest frame is there for snapshots");
        List<Frame> got = new ArrayList<>();
        Subscription viewer = b.subscribe(new FrameSubscriber() {
            @Override
            public void deliver(Subscription s) {
            }

            @Override
            public void broadcasterClosed(Subscription s) {
            }
        });
        Frame first = viewer.poll();
        assertSame(newest, first, "a newcomer starts at the newest frame");
        got.add(first);
        for (int i = 0; i < RING; i++) {
            publish(b, 70_000, 200 + i);
        }
        assertEquals(RING + 1, pool.buffersInUse(), "watched: the ring keeps its frames (and the viewer its first)");
        got.forEach(Frame::releasePart);
        viewer.close();
    }

    private static byte[] jpeg(int size, int seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        b[0] = (byte) 0xFF;
        b[1] = (byte) 0xD8;
        b[size - 2] = (byte) 0xFF;
        b[size - 1] = (byte) 0xD9;
        return b;
    }

    private static Frame publish(FrameBroadcaster b, int size, int seed) {
        byte[] j = jpeg(size, seed);
        return b.publish(j, 0, j.length, 1_700_000_000_000_000L + seed);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    @Test
    void theOffHeapPartHoldsTheFramesBytesAndTheChunksCarryItWithoutAHeapCopy() {
        FrameBroadcaster b = started(16L << 20);
        Frame f = publish(b, 70_000, 1);
        byte[] expected = MultipartFraming.frame(f.sequence(), f.captureMicros(), jpeg(70_000, 1), 0, 70_000).part();
        StreamEncoder.Chunk whole = f.wholePart();
        assertNotNull(whole.offHeap());
        assertNull(whole.bytes(), "the ring's frames take no heap");
        assertTrue(whole.offHeap().retain());
        assertArrayEquals(expected, bytes(whole.offHeap().slice(whole.offset(), whole.length())));
        StreamEncoder.Chunk jpeg = f.fromJpeg();
        assertSame(whole.offHeap(), jpeg.offHeap());
        byte[] fromJpeg = Arrays.copyOfRange(expected, f.jpegOffset(), expected.length);
        assertArrayEquals(fromJpeg, bytes(jpeg.offHeap().slice(jpeg.offset(), jpeg.length())));
        whole.offHeap().release();
        assertArrayEquals(expected, f.part(), "a copy for who asks for the bytes");
        Frame.Bytes j = f.jpeg();
        assertArrayEquals(jpeg(70_000, 1), Arrays.copyOfRange(j.array(), j.offset(), j.offset() + j.length()));
    }

    @Test
    void theNewestCameraFrameKeepsItsPartAfterTheRingDroppedItSoSnapshotsAndKeepAlivesCanUseIt() {
        FrameBroadcaster b = started(16L << 20);
        Frame real = publish(b, 30_000, 7);
        for (int i = 0; i < 2 * RING; i++) {
            b.publishPlaceholder(jpeg(1_000, 100 + i), 0); // camera down: placeholders fill the ring
        }
        assertSame(real, b.latestReal());
        Frame.Bytes j = real.jpeg();
        assertNotNull(j, "still readable");
        assertArrayEquals(jpeg(30_000, 7), Arrays.copyOfRange(j.array(), j.offset(), j.offset() + j.length()));
        Frame again = b.republish(real);
        assertNotNull(again, "a keep-alive of it can be sent");
        assertSame(real.wholePart().offHeap(), again.wholePart().offHeap());
        publish(b, 30_000, 8); // a newer camera frame: the old one is let go once the ring drops its repeat
        for (int i = 0; i < RING; i++) {
            b.publishPlaceholder(jpeg(1_000, 200 + i), 0);
        }
        assertNull(real.jpeg(), "given back: the broadcaster's newest is asked instead");
        assertNull(b.republish(real), "nothing to repeat any more");
    }

    @Test
    void withoutAPoolFramesStayOnTheHeap() {
        FrameBroadcaster b = new FrameBroadcaster(RING, 10, 1);
        broadcasters.add(b);
        b.start();
        Frame f = publish(b, 1000, 1);
        assertNull(f.wholePart().offHeap());
        assertNull(b.partPool());
    }

    @Test
    void buffersComeBackWhenTheRingDropsTheirFramesAndArePooledNotAllocatedAgain() {
        FrameBroadcaster b = started(16L << 20);
        for (int i = 0; i < RING; i++) {
            publish(b, 50_000 + i, i);
        }
        PartPool pool = b.partPool();
        assertEquals(RING, pool.buffersInUse(), "one buffer per frame in the ring");
        long allocations = pool.allocations();
        for (int i = RING; i < 500; i++) {
            publish(b, 50_000 + (i % 7) * 100, i);
        }
        assertEquals(RING, pool.buffersInUse(), "the ring's frames only");
        assertTrue(pool.allocations() <= allocations + 1, "reused, not allocated per frame: " + pool.allocations());
        assertTrue(pool.allocatedBytes() <= (RING + 1) * 64L * 1024, pool.toString());
    }

    @Test
    void aClientHoldingAFrameKeepsItsBufferUntilItLetsGoEvenAfterTheRingDroppedIt() {
        FrameBroadcaster b = started(16L << 20);
        Frame held = publish(b, 40_000, 0);
        OffHeapPart part = held.wholePart().offHeap();
        assertTrue(part.retain(), "a client takes a reference for its write");
        for (int i = 1; i <= RING; i++) {
            publish(b, 40_000, i); // the ring drops the held frame
        }
        assertEquals(1, part.references());
        assertEquals(RING + 1, b.partPool().buffersInUse());
        for (int i = 0; i < 100; i++) {
            publish(b, 40_000, 100 + i);
            assertArrayEquals(held.part(), bytes(part.slice(0, held.part().length)), "not reused while held");
        }
        part.release();
        assertEquals(RING, b.partPool().buffersInUse());
        assertFalse(part.retain(), "given back: a late client gets a newer frame");
        assertThrows(IllegalStateException.class, part::release);
    }

    @Test
    void repeatsShareThePartAndEachRingSlotHoldsItsOwnReference() {
        FrameBroadcaster b = started(16L << 20);
        Frame f = publish(b, 30_000, 0);
        Frame again = b.republish(f);
        assertSame(f.wholePart().offHeap(), again.wholePart().offHeap());
        assertEquals(3, f.wholePart().offHeap().references(), "two ring slots and the broadcaster's newest camera frame");
        assertEquals(1, b.partPool().buffersInUse());
        for (int i = 1; i <= RING; i++) {
            publish(b, 30_000, i);
        }
        assertEquals(0, f.wholePart().offHeap().references());
        assertEquals(RING, b.partPool().buffersInUse());
    }

    @Test
    void aFrameBeyondTheBudgetGoesOutFromTheHeapAndTheBudgetIsNeverPassed() {
        long budget = 4 * 64 * 1024;
        FrameBroadcaster b = started(budget);
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < RING; i++) {
            frames.add(publish(b, 60_000, i));
        }
        assertEquals(4, frames.stream().filter(f -> f.wholePart().offHeap() != null).count());
        assertTrue(b.partPool().overBudget() >= 4);
        assertTrue(b.partPool().allocatedBytes() <= budget);
        // Larger frames: the idle buffers that are too small make room; still within the budget.
        for (int i = 0; i < 3 * RING; i++) {
            publish(b, 120_000, 100 + i);
            assertTrue(b.partPool().allocatedBytes() <= budget, b.partPool().toString());
        }
    }

    /**
     * Clients on several threads poll frames and write them from their off-heap part while the
     * camera publishes (as the drain loops do): every write carries exactly the frame's bytes (a
     * buffer is never reused while a reference is held), and once the clients have left, the pool
     * is back to the ring's frames and direct memory did not grow with the frames sent.
     */
    @Test
    void racingClientsNeverSeeAnotherFramesBytesAndEveryReferenceComesBack() throws Exception {
        FrameBroadcaster b = started(16L << 20);
        long directBefore = directMemoryUsed();
        int clients = 6;
        AtomicInteger written = new AtomicInteger();
        AtomicReference<String> wrong = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(clients);
        List<Subscription> subscriptions = new ArrayList<>();
        List<Writer> writers = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Writer w = new Writer(written, wrong);
            writers.add(w);
            subscriptions.add(b.subscribe(w));
        }
        ExecutorService camera = Executors.newSingleThreadExecutor();
        try {
            camera.submit(() -> {
                for (int i = 0; i < 2_000; i++) {
                    byte[] j = patterned(20_000 + (i % 13) * 500, i);
                    b.publish(j, 0, j.length, BASE_MICROS + i);
                    if (i % 50 == 0) {
                        Thread.onSpinWait();
                    }
                }
            }).get(30, TimeUnit.SECONDS);
        } finally {
            camera.shutdown();
        }
        Thread.sleep(200); // the last drains
        for (Subscription s : subscriptions) {
            s.close();
        }
        b.stop(); // joins the fan-out threads: no drain runs any more
        writers.forEach(Writer::leave);
        assertEquals(null, wrong.get());
        assertTrue(written.get() > 100, "clients wrote from the off-heap parts: " + written);
        PartPool pool = b.partPool();
        assertEquals(RING, pool.buffersInUse(), "back to the ring's frames once the clients left: " + pool);
        assertTrue(pool.allocations() < 100, "buffers are reused: " + pool.allocations() + " allocated for 2,000 frames");
        assertTrue(directMemoryUsed() - directBefore <= pool.allocatedBytes() + (1 << 20),
                "direct memory grew by the pool only: " + (directMemoryUsed() - directBefore) + " vs " + pool);
    }

    private static final long BASE_MICROS = 1_700_000_000_000_000L;

    /** A JPEG-framed body whose every byte follows from its seed: cheap to check in full. */
    private static byte[] patterned(int size, int seed) {
        byte[] b = new byte[size];
        for (int k = 0; k < size; k++) {
            b[k] = (byte) (k * 31 + seed);
        }
        b[0] = (byte) 0xFF;
        b[1] = (byte) 0xD8;
        b[size - 2] = (byte) 0xFF;
        b[size - 1] = (byte) 0xD9;
        return b;
    }

    /**
     * A client that writes each frame from its off-heap part, holding it until its next write (as
     * StreamClient does): the frame it polls comes with a reference, given back once the next is written.
     */
    private static final class Writer implements FrameSubscriber {
        private final AtomicInteger written;
        private final AtomicReference<String> wrong;
        private Frame held;

        Writer(AtomicInteger written, AtomicReference<String> wrong) {
            this.written = written;
            this.wrong = wrong;
        }

        @Override
        public void deliver(Subscription s) {
            Frame f;
            while ((f = s.poll()) != null) {
                leave(); // the previous write is done
                held = f;
                OffHeapPart part = f.wholePart().offHeap();
                if (part == null) {
                    wrong.set("frame " + f.sequence() + " has no off-heap part");
                    continue;
                }
                String problem = check(f, bytes(part.slice(0, f.wholePart().length())));
                if (problem != null) {
                    wrong.set("frame " + f.sequence() + ": " + problem);
                }
                written.incrementAndGet();
            }
        }

        /** Null when {@code part} is exactly frame {@code f}'s part: its own headers and its own JPEG. */
        private static String check(Frame f, byte[] part) {
            int seed = (int) (f.captureMicros() - BASE_MICROS);
            byte[] jpeg = patterned(f.jpegLength(), seed);
            byte[] expected = MultipartFraming.frame(f.sequence(), f.captureMicros(), jpeg, 0, jpeg.length).part();
            return Arrays.equals(expected, part) ? null : "read another frame's bytes";
        }

        @Override
        public void broadcasterClosed(Subscription s) {
        }

        @Override
        public ClientStats.Viewer viewer() {
            return new ClientStats.Viewer("test", "", "/stream", 0);
        }

        void leave() {
            if (held != null) {
                held.releasePart();
                held = null;
            }
        }
    }

    private static long directMemoryUsed() {
        for (BufferPoolMXBean p : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (p.getName().equals("direct")) {
                return p.getMemoryUsed();
            }
        }
        throw new AssertionError("no direct buffer pool bean");
    }

}
