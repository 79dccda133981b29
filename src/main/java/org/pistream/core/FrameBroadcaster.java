package org.pistream.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares each camera frame with every client.
 *
 * <p>Frames go into a ring of the last {@code capacity} frames (the {@code buffer-size}); each
 * client keeps only its position in it, so memory for frames does not grow with the number of
 * clients, and a client that falls more than {@code capacity} frames behind skips to the newest.
 *
 * <p>Threading: {@link #publish} is called by the one camera thread and never waits for a client:
 * it stores the frame and signals subscribers, whose writes run on this broadcaster's fan-out
 * threads ({@code frame-fanout-N}, created in start, joined in stop). A subscriber's pending work
 * is at most one task, so the fan-out queue is bounded by the number of clients.
 */
public final class FrameBroadcaster extends Lifecycle {
    private static final Logger log = LoggerFactory.getLogger(FrameBroadcaster.class);

    private final int capacity;
    private final int maxSubscribers;
    private final int fanoutThreads;
    private final AtomicReferenceArray<Frame> ring;
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final List<Consumer<Frame>> frameWaiters = new CopyOnWriteArrayList<>();
    /** The fan-out pool's threads, joined in stop: pool termination is signalled before they exit. */
    private final List<Thread> fanoutThreadList = new CopyOnWriteArrayList<>();
    private final AtomicInteger subscriberCount = new AtomicInteger();
    private final AtomicLong nextId = new AtomicLong(1);
    private final RateMeter inputRate = new RateMeter();

    private final LongAdder framesOut = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder framesSkipped = new LongAdder();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong bytesIn = new AtomicLong();

    private volatile long latestSequence = -1;
    private volatile ExecutorService fanout;

    public FrameBroadcaster(int capacity, int maxSubscribers, int fanoutThreads) {
        if (capacity < 1) {
            throw new IllegalArgumentException("buffer-size must be >= 1, was: " + capacity);
        }
        if (maxSubscribers < 1) {
            throw new IllegalArgumentException("max-clients must be >= 1, was: " + maxSubscribers);
        }
        if (fanoutThreads < 1) {
            throw new IllegalArgumentException("fanoutThreads must be >= 1, was: " + fanoutThreads);
        }
        this.capacity = capacity;
        this.maxSubscribers = maxSubscribers;
        this.fanoutThreads = fanoutThreads;
        this.ring = new AtomicReferenceArray<>(capacity);
    }

    @Override
    protected void doStart() {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(fanoutThreads, fanoutThreads, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = Threads.daemon("frame-fanout-" + n.incrementAndGet(), r);
                    fanoutThreadList.removeIf(old -> !old.isAlive()); // a worker replaced after a task threw
                    fanoutThreadList.add(t);
                    return t;
                });
        pool.prestartAllCoreThreads();
        fanout = pool;
    }

    @Override
    protected void doStop() {
        ExecutorService pool = fanout;
        for (Subscription s : subscriptions) {
            s.closeFromBroadcaster();
        }
        if (pool != null) {
            pool.shutdown();
            try {
                boolean terminated = pool.awaitTermination(5, TimeUnit.SECONDS);
                if (!terminated) {
                    pool.shutdownNow();
                    terminated = pool.awaitTermination(2, TimeUnit.SECONDS);
                    if (!terminated) {
                        log.warn("Fan-out threads did not end within 7 s");
                    }
                }
                if (terminated) {
                    for (Thread t : fanoutThreadList) {
                        t.join(1000); // the workers have finished their last task and are exiting
                    }
                }
            } catch (InterruptedException e) {
                pool.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        subscriptions.clear();
        frameWaiters.clear();
    }

    /**
     * Publishes a complete JPEG; the bytes are copied once into the shared part. Called by the
     * camera thread only.
     */
    public Frame publish(byte[] jpeg, int offset, int length, long captureMicros) {
        long sequence = latestSequence + 1;
        Frame frame = MultipartFraming.frame(sequence, captureMicros, jpeg, offset, length);
        ring.set((int) (sequence % capacity), frame);
        latestSequence = sequence; // volatile write publishes the slot
        bytesIn.addAndGet(length);
        inputRate.record(System.nanoTime());
        for (Subscription s : subscriptions) {
            s.signal();
        }
        if (!frameWaiters.isEmpty()) {
            for (Consumer<Frame> waiter : frameWaiters) {
                if (frameWaiters.remove(waiter)) {
                    waiter.accept(frame);
                }
            }
        }
        return frame;
    }

    /**
     * Adds a stream client, or returns null when {@code max-clients} are already connected (the
     * rejection is counted). The client's first frame is the newest one.
     */
    public Subscription subscribe(FrameSubscriber subscriber) {
        if (isStopping()) {
            rejected.incrementAndGet();
            return null;
        }
        ExecutorService executor = fanoutExecutor(); // throws before a slot is taken when not started
        while (true) {
            int current = subscriberCount.get();
            if (current >= maxSubscribers) {
                rejected.incrementAndGet();
                return null;
            }
            if (subscriberCount.compareAndSet(current, current + 1)) {
                break;
            }
        }
        accepted.incrementAndGet();
        long latest = latestSequence;
        Subscription s = new Subscription(this, subscriber, executor, nextId.getAndIncrement(), Math.max(0, latest));
        subscriptions.add(s);
        if (isStopping()) {
            s.closeFromBroadcaster(); // stop() may have walked the list before this subscriber was in it
        } else if (latest >= 0) {
            s.signal();
        }
        return s;
    }

    /**
     * Calls {@code waiter} once with the next published frame (on the camera thread; it must not
     * block). Returns a handle that cancels the wait.
     */
    public Runnable awaitNextFrame(Consumer<Frame> waiter) {
        frameWaiters.add(waiter);
        return () -> frameWaiters.remove(waiter);
    }

    /** The newest frame, or null before the first one. */
    public Frame latest() {
        long seq = latestSequence;
        return seq < 0 ? null : ring.get((int) (seq % capacity));
    }

    public long latestSequence() {
        return latestSequence;
    }

    public int capacity() {
        return capacity;
    }

    public int maxSubscribers() {
        return maxSubscribers;
    }

    public int subscriberCount() {
        return subscriberCount.get();
    }

    public List<Subscription> subscriptions() {
        return List.copyOf(subscriptions);
    }

    public long framesIn() {
        return latestSequence + 1;
    }

    public long bytesIn() {
        return bytesIn.get();
    }

    public long framesOut() {
        return framesOut.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    public long framesSkipped() {
        return framesSkipped.sum();
    }

    public long accepted() {
        return accepted.get();
    }

    public long rejected() {
        return rejected.get();
    }

    /** Frames per second published over the last {@code seconds} whole seconds. */
    public double inputFps(int seconds) {
        return inputRate.perSecond(System.nanoTime(), seconds);
    }

    Frame frameAt(long sequence) {
        return ring.get((int) (sequence % capacity));
    }

    void countSent(long bytes) {
        framesOut.increment();
        bytesOut.add(bytes);
    }

    void countSkipped(long frames) {
        framesSkipped.add(frames);
    }

    void remove(Subscription s) {
        if (subscriptions.remove(s)) {
            subscriberCount.decrementAndGet();
        }
    }

    private ExecutorService fanoutExecutor() {
        ExecutorService pool = fanout;
        if (pool == null) {
            throw new IllegalStateException("FrameBroadcaster is not started");
        }
        return pool;
    }

    @Override
    public String toString() {
        return "FrameBroadcaster{" + state() + " frames=" + framesIn() + " clients=" + subscriberCount() + "/" + maxSubscribers + "}";
    }
}
