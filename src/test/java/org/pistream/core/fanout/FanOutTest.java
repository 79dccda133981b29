package org.pistream.core.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pistream.core.jpeg.TestJpegs;

class FanOutTest {
    private static final byte[] JPEG = TestJpegs.noise(8, 8, 1);

    private final FrameRing ring = new FrameRing(8);
    private final FanOut fanOut = new FanOut(3);

    @AfterEach
    void stop() {
        fanOut.stop();
    }

    /**
     * The fan-out threads that were not in {@code before}, once there are {@code expected} of them or
     * 10 s have passed: a thread the pool has just started can be missing from the JVM's thread list
     * for a moment on a loaded machine (seen once), so the count is awaited, then asserted exactly.
     */
    private static Set<Thread> startedSince(Set<Thread> before, int expected) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        Set<Thread> mine;
        do {
            mine = new HashSet<>(fanoutThreads());
            mine.removeAll(before);
        } while (mine.size() < expected && System.nanoTime() < deadline && pause());
        return mine;
    }

    private static boolean pause() {
        Thread.onSpinWait();
        Thread.yield();
        return true;
    }

    private static Set<Thread> fanoutThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("frame-fanout"))
                .collect(Collectors.toSet());
    }

    /** Counts its deliveries and the threads they ran on, and its close. */
    private static final class Counting implements FrameSubscriber {
        final AtomicInteger delivered = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        final CountDownLatch firstFrame = new CountDownLatch(1);

        @Override
        public void deliver(Subscription s) {
            delivered.incrementAndGet();
            threads.add(Thread.currentThread().getName());
            if (s.poll() != null) {
                firstFrame.countDown();
            }
        }

        @Override
        public void broadcasterClosed(Subscription s) {
            closed.incrementAndGet();
        }
    }

    private final AtomicInteger nextId = new AtomicInteger(1);

    private Subscription add(FrameSubscriber subscriber, List<Subscription> left) {
        Subscription s = new Subscription(ring.newCursor(true), new FanoutCounters(), sub -> {
            left.add(sub);
            fanOut.remove(sub);
        }, subscriber, fanOut.executor(), nextId.getAndIncrement());
        fanOut.add(s);
        return s;
    }

    @Test
    void executorBeforeStartIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class, fanOut::executor);
        assertEquals("FrameBroadcaster is not started", e.getMessage());
    }

    @Test
    void threadCountMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FanOut(0));
        assertEquals("fanoutThreads must be >= 1, was: 0", e.getMessage());
    }

    @Test
    void wakeAllDrainsEverySubscriberOnTheFanOutThreads() throws InterruptedException {
        fanOut.start();
        List<Counting> subscribers = new ArrayList<>();
        List<Subscription> left = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            Counting c = new Counting();
            subscribers.add(c);
            add(c, left);
        }
        ring.append(seq -> MultipartFraming.frame(seq, 0, JPEG, 0, JPEG.length, false));
        fanOut.wakeAll();
        for (Counting c : subscribers) {
            assertTrue(c.firstFrame.await(5, TimeUnit.SECONDS), "every subscriber was drained");
            assertTrue(c.threads.stream().allMatch(t -> t.startsWith("frame-fanout-")), c.threads.toString());
        }
        assertEquals(7, fanOut.subscriptions().size());
    }

    @Test
    void stopClosesEverySubscriberAndEndsItsThreadsWithoutTheFallback() {
        Set<Thread> before = fanoutThreads();
        fanOut.start();
        Set<Thread> mine = startedSince(before, 3);
        assertEquals(3, mine.size(), "fan-out threads started: " + mine);

        List<Subscription> left = new ArrayList<>();
        List<Counting> subscribers = List.of(new Counting(), new Counting(), new Counting());
        List<Subscription> subscriptions = new ArrayList<>();
        for (Counting c : subscribers) {
            subscriptions.add(add(c, left));
        }

        assertTrue(fanOut.stop(), "the threads ended by themselves: no interrupt, no 5 s fallback");

        for (Counting c : subscribers) {
            assertEquals(1, c.closed.get(), "broadcasterClosed called once, before stop returns");
        }
        assertTrue(subscriptions.stream().allMatch(Subscription::isClosed));
        assertEquals(3, left.size());
        assertTrue(fanOut.isEmpty());
        for (Thread t : mine) {
            assertFalse(t.isAlive(), t.getName() + " still alive after stop");
        }
        Set<Thread> after = new HashSet<>(fanoutThreads());
        after.removeAll(before);
        assertEquals(Set.of(), after, "frame-fanout threads after stop");
    }

    /**
     * A client that leaves while a frame is being fanned out does not make another client miss that
     * frame. Slices used to be places in the list: when a client left, the others' places shifted,
     * and a pass that began before the leave and one that began after could both pass over the
     * same client, whose frame then waited for the next one (seen as a frame arriving with the next,
     * half a second late at 2 fps, for a viewer that joined as another left).
     */
    @Test
    void aClientLeavingDuringAFanOutDoesNotMakeAnotherMissTheFrame() throws InterruptedException {
        for (int round = 0; round < 300; round++) {
            FrameBroadcaster b = new FrameBroadcaster(4, 10, 2);
            b.start();
            try {
                List<Subscription> leaving = new ArrayList<>();
                List<CountDownLatch> got = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    leaving.add(b.subscribe(new FrameSubscriber() {
                        @Override
                        public void deliver(Subscription s) {
                            Frame f = s.poll();
                            if (f != null) {
                                f.releasePart();
                                s.close(); // leaves on its first frame, while the other slice may be iterating
                            }
                        }

                        @Override
                        public void broadcasterClosed(Subscription s) {
                        }
                    }));
                    CountDownLatch latch = new CountDownLatch(1);
                    got.add(latch);
                    b.subscribe(new FrameSubscriber() {
                        @Override
                        public void deliver(Subscription s) {
                            Frame f = s.poll();
                            if (f != null) {
                                f.releasePart();
                                latch.countDown();
                            }
                        }

                        @Override
                        public void broadcasterClosed(Subscription s) {
                        }
                    });
                }
                b.publish(JPEG, 0, JPEG.length, 1);
                for (int i = 0; i < got.size(); i++) {
                    assertTrue(got.get(i).await(2, TimeUnit.SECONDS), "round " + round + ": staying client " + i + " got the frame");
                }
            } finally {
                b.stop();
            }
        }
    }
}
