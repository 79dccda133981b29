package org.pistream.core.fanout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.pistream.core.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fan-out threads ({@code frame-fanout-N}) and the subscriptions they drain. A new frame wakes
 * every subscriber with one task per thread, each draining its share (slice) of the subscriptions
 * inline: a frame costs a handful of task hand-offs, not one per client, so the camera thread's cost
 * does not grow with the audience, and nothing here allocates per client.
 *
 * <p>Threading: {@link #wakeAll()} is called by publishers and never waits; at most one task per
 * slice is queued, so the queue is bounded by the number of threads plus the number of clients
 * (a {@link Subscription} queues at most one drain of its own). Threads are created in
 * {@link #start()}, and ended and joined in {@link #stop()}.
 */
final class FanOut {
    private static final Logger log = LoggerFactory.getLogger(FanOut.class);

    private final int threads;
    private final AtomicIntegerArray sliceQueued;
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    /** The pool's threads, joined in stop: pool termination is signalled before they exit. */
    private final List<Thread> threadList = new CopyOnWriteArrayList<>();
    private volatile ExecutorService pool;

    FanOut(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("fanoutThreads must be >= 1, was: " + threads);
        }
        this.threads = threads;
        this.sliceQueued = new AtomicIntegerArray(threads);
    }

    void start() {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor p = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = Threads.daemon("frame-fanout-" + n.incrementAndGet(), r);
                    threadList.removeIf(old -> !old.isAlive()); // a worker replaced after a task threw
                    threadList.add(t);
                    return t;
                });
        p.prestartAllCoreThreads();
        pool = p;
    }

    /**
     * Tells every subscriber the broadcaster is closing (each ends on a fan-out thread), then ends
     * the threads and joins them. Returns true when they ended by themselves, false when they had
     * to be interrupted (a subscriber that blocked) or did not end within 7 s.
     */
    boolean stop() {
        ExecutorService p = pool;
        for (Subscription s : subscriptions) {
            s.closeFromBroadcaster();
        }
        boolean graceful = true;
        if (p != null) {
            p.shutdown();
            try {
                boolean terminated = p.awaitTermination(5, TimeUnit.SECONDS);
                if (!terminated) {
                    graceful = false;
                    p.shutdownNow();
                    terminated = p.awaitTermination(2, TimeUnit.SECONDS);
                    if (!terminated) {
                        log.warn("Fan-out threads did not end within 7 s");
                    }
                }
                if (terminated) {
                    for (Thread t : threadList) {
                        t.join(1000); // the workers have finished their last task and are exiting
                    }
                }
            } catch (InterruptedException e) {
                graceful = false;
                p.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        subscriptions.clear();
        return graceful;
    }

    /** Where subscriptions run their drains; throws before {@link #start()}. */
    Executor executor() {
        ExecutorService p = pool;
        if (p == null) {
            throw new IllegalStateException("FrameBroadcaster is not started");
        }
        return p;
    }

    void add(Subscription s) {
        subscriptions.add(s);
    }

    /** True when {@code s} was there (so a slot is given back once). */
    boolean remove(Subscription s) {
        return subscriptions.remove(s);
    }

    boolean isEmpty() {
        return subscriptions.isEmpty();
    }

    /** The subscriptions now, in the order they came. */
    List<Subscription> subscriptions() {
        return List.copyOf(subscriptions);
    }

    /** Drains every subscriber soon, on the fan-out threads. Never waits. */
    void wakeAll() {
        if (subscriptions.isEmpty()) {
            return;
        }
        ExecutorService p = pool;
        if (p == null) {
            return;
        }
        for (int slice = 0; slice < threads; slice++) {
            // At most one queued task per slice: a queued task sees the newest frame when it runs,
            // so a fan-out that falls behind the camera cannot pile up work.
            if (sliceQueued.compareAndSet(slice, 0, 1)) {
                int mine = slice;
                try {
                    p.execute(() -> drainSlice(mine));
                } catch (RejectedExecutionException stopping) {
                    sliceQueued.set(slice, 0); // shutting down: subscribers are being closed
                }
            }
        }
    }

    private void drainSlice(int slice) {
        sliceQueued.set(slice, 0); // before iterating: a frame published from now on queues another pass
        for (Subscription s : subscriptions) {
            // By id, not by place in the list: when a client leaves, the others' places shift, and a
            // pass that began before and one that began after could both pass over the same client.
            if (s.id() % threads == slice) {
                s.drainNow();
            }
        }
    }
}
