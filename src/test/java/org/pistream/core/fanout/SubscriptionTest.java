package org.pistream.core.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.pistream.core.jpeg.TestJpegs;

/**
 * The drain guard of one subscription, driven by hand: an executor that runs nothing until the
 * test says so, so every interleaving is an order, not a race.
 */
class SubscriptionTest {
    private static final byte[] JPEG = TestJpegs.noise(8, 8, 1);

    private final FrameRing ring = new FrameRing(8);
    private final FanoutCounters counters = new FanoutCounters();
    private final List<Subscription> left = new ArrayList<>();

    /** Keeps the tasks it is given; {@link #runAll()} runs them on the test thread. */
    private static final class ManualExecutor implements Executor {
        final Queue<Runnable> tasks = new ArrayDeque<>();
        boolean rejecting;

        @Override
        public void execute(Runnable task) {
            if (rejecting) {
                throw new RejectedExecutionException("shutting down");
            }
            tasks.add(task);
        }

        void runAll() {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                task.run();
            }
        }
    }

    /** Takes every frame it is offered; {@link #duringDelivery} runs inside its first delivery. */
    private static class Recorder implements FrameSubscriber {
        final List<Long> sequences = new ArrayList<>();
        final List<String> threads = new ArrayList<>();
        int deliverCalls;
        int closedCalls;
        Runnable duringDelivery;

        @Override
        public void deliver(Subscription s) {
            deliverCalls++;
            threads.add(Thread.currentThread().getName());
            Frame f;
            while ((f = s.poll()) != null) {
                sequences.add(f.sequence());
                s.sent(f.part().length);
            }
            Runnable r = duringDelivery;
            duringDelivery = null;
            if (r != null) {
                r.run();
            }
        }

        @Override
        public void broadcasterClosed(Subscription s) {
            closedCalls++;
        }
    }

    /** A broken client: every delivery throws, after counting itself in {@code calls}. */
    static FrameSubscriber throwing(AtomicInteger calls) {
        return new FrameSubscriber() {
            @Override
            public void deliver(Subscription subscription) {
                calls.incrementAndGet();
                throw new IllegalStateException("broken on purpose");
            }

            @Override
            public void broadcasterClosed(Subscription subscription) {
            }
        };
    }

    private Frame append() {
        return ring.append(seq -> MultipartFraming.frame(seq, 1_700_000_000_000_000L + seq, JPEG, 0, JPEG.length, false));
    }

    private Subscription subscription(FrameSubscriber subscriber, Executor executor) {
        return new Subscription(ring.newCursor(true), counters, left::add, subscriber, executor, 1);
    }

    @Test
    void signalsBeforeTheDrainRunsQueueOneTask() {
        ManualExecutor executor = new ManualExecutor();
        Recorder r = new Recorder();
        Subscription s = subscription(r, executor);
        append();
        s.signal();
        append();
        s.signal();
        s.signal();
        assertEquals(1, executor.tasks.size(), "one drain queued for three signals");
        executor.runAll();
        assertEquals(List.of(0L, 1L), r.sequences);
        assertTrue(executor.tasks.isEmpty());
    }

    @Test
    void frameSignalledDuringDeliveryIsNotLost() {
        ManualExecutor executor = new ManualExecutor();
        Recorder r = new Recorder();
        Subscription s = subscription(r, executor);
        append();
        r.duringDelivery = () -> {
            append(); // the camera publishes while the drain runs, after the client took frame 0
            s.signal();
        };
        s.signal();
        executor.runAll();
        assertEquals(List.of(0L, 1L), r.sequences, "the running drain looped once more, with no further task");
        assertEquals(2, r.deliverCalls);
        assertTrue(executor.tasks.isEmpty());
    }

    @Test
    void drainNowRunsOnTheCallingThreadUnlessADrainIsRunning() {
        ManualExecutor executor = new ManualExecutor();
        Recorder r = new Recorder();
        Subscription s = subscription(r, executor);
        append();
        s.drainNow();
        assertEquals(List.of(Thread.currentThread().getName()), r.threads);
        assertEquals(List.of(0L), r.sequences);

        r.duringDelivery = s::drainNow; // "writable" while this drain runs: it makes the drain loop, not nest
        append();
        s.drainNow();
        assertEquals(3, r.deliverCalls);
        assertEquals(List.of(0L, 1L), r.sequences);
        assertTrue(executor.tasks.isEmpty(), "drainNow never hands off");
    }

    @Test
    void drainSoonHandsTheDrainToTheExecutor() {
        ManualExecutor executor = new ManualExecutor();
        Recorder r = new Recorder();
        Subscription s = subscription(r, executor);
        s.drainSoon();
        assertEquals(0, r.deliverCalls, "not on the caller's thread");
        executor.runAll();
        assertEquals(1, r.deliverCalls);
    }

    @Test
    void subscriberThatThrowsIsClosedAndLeavesOnce() {
        AtomicInteger calls = new AtomicInteger();
        Subscription s = subscription(throwing(calls), Runnable::run);
        append();
        s.signal();
        assertTrue(s.isClosed());
        assertEquals(List.of(s), left, "left the broadcaster");
        s.signal();
        s.drainNow();
        assertEquals(1, calls.get(), "a closed subscription is not delivered to");
    }

    @Test
    void closeLeavesOnceWhateverTheNumberOfCalls() {
        Subscription s = subscription(new Recorder(), Runnable::run);
        s.close();
        s.close();
        assertTrue(s.isClosed());
        assertEquals(List.of(s), left);
    }

    @Test
    void closingBroadcasterEndsTheClientOnTheDrainThread() {
        ManualExecutor executor = new ManualExecutor();
        Recorder r = new Recorder();
        Subscription s = subscription(r, executor);
        append();
        s.closeFromBroadcaster();
        assertEquals(0, r.closedCalls, "on the executor, not the stopping thread");
        executor.runAll();
        assertEquals(1, r.closedCalls);
        assertEquals(0, r.deliverCalls, "no frame after the broadcaster closed");
        assertTrue(s.isClosed());
        assertEquals(List.of(s), left);
    }

    @Test
    void aRejectedDrainIsNotLeftPending() {
        ManualExecutor executor = new ManualExecutor();
        Recorder r = new Recorder();
        Subscription s = subscription(r, executor);
        append();
        executor.rejecting = true;
        s.signal();
        executor.rejecting = false;
        s.signal();
        assertEquals(1, executor.tasks.size(), "the rejected signal did not leave the guard taken");
        executor.runAll();
        assertEquals(List.of(0L), r.sequences);
    }

    @Test
    void sentCountsForTheClientAndTheFanOut() {
        Subscription s = subscription(new Recorder(), Runnable::run);
        s.sent(100);
        s.sent(50);
        assertEquals(2, s.framesSent());
        assertEquals(150, s.bytesSent());
        assertEquals(2, counters.framesOut.sum());
        assertEquals(150, counters.bytesOut.sum());
    }

    @Test
    void cursorNumbersAreTheSubscriptions() {
        Subscription s = subscription(new Recorder(), Runnable::run);
        for (int i = 0; i < 12; i++) {
            append();
        }
        assertEquals(12, s.lag());
        Frame f = s.poll();
        assertSame(ring.latest(), f);
        assertEquals(11, s.framesSkipped());
        for (int i = 0; i < 3; i++) {
            append();
        }
        assertEquals(14, s.pollNewest().sequence());
        assertEquals(2, s.framesPassedOver());
        assertEquals(0, s.lag());
    }

    @Test
    void atMostOneWakeUpIsPendingAndNoneAfterClose() {
        List<Long> scheduled = new ArrayList<>();
        List<Runnable> tasks = new ArrayList<>();
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1) {
            @Override
            public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
                scheduled.add(unit.toNanos(delay));
                tasks.add(task);
                return null;
            }
        };
        try {
            ManualExecutor executor = new ManualExecutor();
            Recorder r = new Recorder();
            Subscription s = subscription(r, executor);
            s.wakeAfter(5, timer);
            s.wakeAfter(3, timer);
            assertEquals(List.of(5L), scheduled);
            tasks.get(0).run();
            assertEquals(1, executor.tasks.size(), "the wake-up signals the drain; it does not run it on the timer");
            s.wakeAfter(7, timer);
            assertEquals(List.of(5L, 7L), scheduled, "a new wake-up once the last one ran");
            tasks.get(1).run();
            s.close();
            s.wakeAfter(9, timer);
            assertEquals(List.of(5L, 7L), scheduled);
            assertFalse(executor.tasks.isEmpty());
        } finally {
            timer.shutdownNow();
        }
    }
}
