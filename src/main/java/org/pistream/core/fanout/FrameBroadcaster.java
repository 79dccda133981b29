package org.pistream.core.fanout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import org.pistream.core.Lifecycle;
import org.pistream.core.Threads;
import org.pistream.core.jpeg.HuffmanTables;
import org.pistream.core.stats.Histogram;
import org.pistream.core.stats.RateMeter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares each camera frame with every client.
 *
 * <p>Frames go into a ring of the last {@code capacity} frames (the {@code buffer-size}); each
 * client keeps only its position in it, so memory for frames does not grow with the number of
 * clients, and a client that falls more than {@code capacity} frames behind skips to the newest.
 *
 * <p>Threading: {@link #publish} is called by the camera thread, {@link #publishPlaceholder} and
 * {@link #republish} by the pi-stream timer; a short lock orders them. None waits for a client:
 * they store the frame and signal subscribers, whose writes run on this broadcaster's fan-out
 * threads ({@code frame-fanout-N}, created in start, joined in stop). A subscriber's pending work
 * is at most one task, so the fan-out queue is bounded by the number of clients.
 */
public final class FrameBroadcaster extends Lifecycle {
    private static final Logger log = LoggerFactory.getLogger(FrameBroadcaster.class);

    private final int capacity;
    private final int maxSubscribers;
    private final int fanoutThreads;
    private final AtomicReferenceArray<Frame> ring;
    private final java.util.concurrent.atomic.AtomicIntegerArray sliceQueued;
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
    private final AtomicLongArray rejected = new AtomicLongArray(RejectReason.values().length);
    private final AtomicLong bytesIn = new AtomicLong();

    private static final long STALE_NANOS = 2_000_000_000L;

    private final Object publishLock = new Object();
    private final AtomicLong realFrames = new AtomicLong();
    private final AtomicLong placeholderFrames = new AtomicLong();
    private final AtomicLong repeatedFrames = new AtomicLong();
    private volatile long latestSequence = -1;
    private volatile long lastPublishNanos = System.nanoTime();
    private volatile Frame latestReal;
    private volatile Runnable demandListener = () -> { };
    private volatile java.util.function.BooleanSupplier liveCheck = () -> true;
    private volatile ExecutorService fanout;

    /** Sizes of camera frames, in bytes (observed once per frame, on publish). */
    private final Histogram frameSizes = new Histogram(8L << 10, 16L << 10, 32L << 10, 64L << 10, 128L << 10,
            256L << 10, 512L << 10, 1L << 20, 2L << 20, 4L << 20);
    /**
     * Per client and frame, nanoseconds from the frame's publish to its last byte handed to the
     * client's connection: fan-out queueing plus the write (observed by the stream client).
     */
    private final Histogram deliveryLatency = new Histogram(250_000L, 500_000L, 1_000_000L, 2_500_000L, 5_000_000L,
            10_000_000L, 25_000_000L, 50_000_000L, 100_000_000L, 250_000_000L, 500_000_000L, 1_000_000_000L,
            2_500_000_000L);

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
        this.sliceQueued = new java.util.concurrent.atomic.AtomicIntegerArray(fanoutThreads);
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
     * Publishes a camera frame; the bytes are copied once into the shared part. Never waits for a
     * client. Called by the camera thread.
     */
    public Frame publish(byte[] jpeg, int offset, int length, long captureMicros) {
        Frame frame;
        synchronized (publishLock) {
            frame = store(MultipartFraming.frame(latestSequence + 1, captureMicros, jpeg, offset, length, false));
        }
        latestReal = frame;
        realFrames.incrementAndGet();
        bytesIn.addAndGet(length);
        frameSizes.observe(length);
        inputRate.record(System.nanoTime());
        signalAll();
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
     * Publishes a camera frame as {@link #publish} does, with the standard Huffman tables inserted
     * first when the JPEG has none (UVC webcams, {@code ffmpeg -c copy}), since Safari shows no such frame.
     */
    public Frame publishWithHuffmanTables(byte[] jpeg, int offset, int length, long captureMicros) {
        byte[] fixed = HuffmanTables.insertIfMissing(jpeg, offset, length);
        return fixed != null ? publish(fixed, 0, fixed.length, captureMicros) : publish(jpeg, offset, length, captureMicros);
    }

    /** Publishes the no-signal picture. Snapshot waiters are not woken by it. */
    public Frame publishPlaceholder(byte[] jpeg, long captureMicros) {
        Frame frame;
        synchronized (publishLock) {
            frame = store(MultipartFraming.frame(latestSequence + 1, captureMicros, jpeg, 0, jpeg.length, true));
        }
        placeholderFrames.incrementAndGet();
        signalAll();
        return frame;
    }

    /** Sends {@code frame} once more to every client (keep-alive), sharing its bytes. */
    public Frame republish(Frame frame) {
        Frame again;
        synchronized (publishLock) {
            again = store(frame.repeat(latestSequence + 1));
        }
        repeatedFrames.incrementAndGet();
        signalAll();
        return again;
    }

    /** Called with {@code publishLock} held; the frame's sequence is {@code latestSequence + 1}. */
    private Frame store(Frame frame) {
        ring.set((int) (frame.sequence() % capacity), frame);
        latestSequence = frame.sequence(); // volatile write publishes the slot
        lastPublishNanos = System.nanoTime();
        return frame;
    }

    /**
     * Wakes every subscriber with one task per fan-out thread, each draining its share of the
     * subscribers inline: a frame costs a handful of task hand-offs, not one per client, so the
     * camera thread's cost does not grow with the audience. Nothing here allocates per client.
     */
    private void signalAll() {
        if (subscriptions.isEmpty()) {
            return;
        }
        ExecutorService pool = fanout;
        if (pool == null) {
            return;
        }
        for (int slice = 0; slice < fanoutThreads; slice++) {
            // At most one queued task per slice: a queued task sees the newest frame when it runs,
            // so a fan-out that falls behind the camera cannot pile up work.
            if (sliceQueued.compareAndSet(slice, 0, 1)) {
                int mine = slice;
                try {
                    pool.execute(() -> drainSlice(mine));
                } catch (java.util.concurrent.RejectedExecutionException stopping) {
                    sliceQueued.set(slice, 0); // shutting down: subscribers are being closed
                }
            }
        }
    }

    private void drainSlice(int slice) {
        sliceQueued.set(slice, 0); // before iterating: a frame published from now on queues another pass
        int i = 0;
        for (Subscription s : subscriptions) {
            if (i++ % fanoutThreads == slice) {
                s.drainNow();
            }
        }
    }

    /** Tells whether the camera is delivering now; when not, a newcomer waits for the next frame. */
    public void liveCheck(java.util.function.BooleanSupplier cameraLive) {
        liveCheck = cameraLive;
    }

    /** Called when a client starts watching or waiting, e.g. to start an idle camera. Must not block. */
    public void onDemand(Runnable listener) {
        demandListener = listener;
    }

    /**
     * Adds a stream client, or returns null when {@code max-clients} are already connected (the
     * rejection is counted). The client's first frame is the newest one.
     */
    public Subscription subscribe(FrameSubscriber subscriber) {
        if (isStopping()) {
            rejected.incrementAndGet(RejectReason.SHUTTING_DOWN.ordinal());
            return null;
        }
        ExecutorService executor = fanoutExecutor(); // throws before a slot is taken when not started
        while (true) {
            int current = subscriberCount.get();
            if (current >= maxSubscribers) {
                rejected.incrementAndGet(RejectReason.MAX_CLIENTS.ordinal());
                return null;
            }
            if (subscriberCount.compareAndSet(current, current + 1)) {
                break;
            }
        }
        accepted.incrementAndGet();
        demandListener.run();
        long latest = latestSequence;
        // A newcomer starts with the newest frame, unless it is stale (camera idle or down): then with the next one.
        boolean fresh = liveCheck.getAsBoolean() && System.nanoTime() - lastPublishNanos <= STALE_NANOS;
        Frame newest = latest < 0 ? null : frameAt(latest);
        long first = latest < 0 ? 0 : fresh || (newest != null && newest.isPlaceholder()) ? latest : latest + 1;
        Subscription s = new Subscription(this, subscriber, executor, nextId.getAndIncrement(), first);
        subscriptions.add(s);
        if (isStopping()) {
            s.closeFromBroadcaster(); // stop() may have walked the list before this subscriber was in it
        } else if (first <= latest) {
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
        demandListener.run();
        return () -> frameWaiters.remove(waiter);
    }

    /** The newest frame sent to clients (camera frame, repeat or placeholder), or null before the first. */
    public Frame latest() {
        long seq = latestSequence;
        return seq < 0 ? null : ring.get((int) (seq % capacity));
    }

    /** The newest frame from the camera, or null before the first. */
    public Frame latestReal() {
        return latestReal;
    }

    /** {@link System#nanoTime()} of the last publish of any kind. */
    public long lastPublishNanos() {
        return lastPublishNanos;
    }

    public boolean hasFrameWaiters() {
        return !frameWaiters.isEmpty();
    }

    public long placeholderFrames() {
        return placeholderFrames.get();
    }

    public long repeatedFrames() {
        return repeatedFrames.get();
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

    /** Camera frames published (not placeholders or repeats). */
    public long framesIn() {
        return realFrames.get();
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

    /** Stream clients turned away, for any reason. */
    public long rejected() {
        long sum = 0;
        for (RejectReason reason : RejectReason.values()) {
            sum += rejected.get(reason.ordinal());
        }
        return sum;
    }

    public long rejected(RejectReason reason) {
        return rejected.get(reason.ordinal());
    }

    /** Sizes of camera frames, in bytes. */
    public Histogram frameSizes() {
        return frameSizes;
    }

    /** Per client write, nanoseconds from a frame's publish to its last byte handed to the connection. */
    public Histogram deliveryLatency() {
        return deliveryLatency;
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
