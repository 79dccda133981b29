package org.pistream.core.fanout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.pistream.core.Lifecycle;
import org.pistream.core.stats.ClientStats;
import org.pistream.core.stats.FanoutStats;
import org.pistream.core.stats.Histogram;

/**
 * Shares each camera frame with every client: the face of the fan-out stage, made of a
 * {@link FrameRing} (the last {@code buffer-size} frames and each client's cursor), the
 * {@link FanOut} threads that drain the clients, the {@link Admission} of new clients
 * ({@code max-clients}), the {@link SnapshotWaiters} and the {@link FanoutCounters}. Frames arrive
 * ready to send: fixes to the JPEG (Huffman tables) happen in the source stage, before publish.
 *
 * <p>Threading: {@link #publish} is called by the camera thread, {@link #publishPlaceholder} and
 * {@link #republish} by the pi-stream timer; the ring orders them. None waits for a client: they
 * store the frame and wake the subscribers, whose writes run on the fan-out threads
 * ({@code frame-fanout-N}, created in start, joined in stop).
 */
public final class FrameBroadcaster extends Lifecycle {
    /** A newcomer is not shown a frame older than this (camera idle or down): it waits for the next. */
    private static final long STALE_NANOS = 2_000_000_000L;
    /**
     * The off-heap budget per camera ({@link #offHeapParts}): what is in use is about the ring's
     * frames plus the few that writes still read (33 buffers of 160 KB = 5.3 MB at 1080p), so
     * this is room for bursts of slow clients each holding an older frame; past it, frames go out
     * from the heap.
     */
    public static final long OFF_HEAP_PART_BYTES = 16L << 20;

    private final FrameRing ring;
    private final FanOut fanOut;
    private final Admission admission;
    private final SnapshotWaiters waiters = new SnapshotWaiters();
    private final FanoutCounters counters = new FanoutCounters();
    private final AtomicLong nextId = new AtomicLong(1);
    private volatile Frame latestReal;
    private volatile Runnable demandListener = () -> { };
    private volatile BooleanSupplier liveCheck = () -> true;
    /** Where frames are built off-heap, or null (on the heap): only a container that writes buffers uses one. */
    private volatile PartPool parts;

    public FrameBroadcaster(int capacity, int maxSubscribers, int fanoutThreads) {
        this.ring = new FrameRing(capacity);
        this.admission = new Admission(maxSubscribers);
        this.fanOut = new FanOut(fanoutThreads);
    }

    @Override
    protected void doStart() {
        fanOut.start();
    }

    @Override
    protected void doStop() {
        fanOut.stop();
        waiters.clear();
    }

    /**
     * Publishes a camera frame; the bytes are copied once into the shared part. Never waits for a
     * client. Called by the camera thread, with a JPEG the source stage has already fixed up.
     */
    public Frame publish(byte[] jpeg, int offset, int length, long captureMicros) {
        PartPool pool = parts;
        Frame[] previous = new Frame[1];
        Frame frame = ring.append(seq -> {
            Frame built = MultipartFraming.frame(seq, captureMicros, jpeg, offset, length, false, pool);
            built.retainPart(); // latestReal's own reference: it outlives the frame's time in the ring
            previous[0] = latestReal;
            latestReal = built; // under the ring's lock: see publishPlaceholder
            return built;
        }, fanOut.isEmpty());
        if (previous[0] != null) {
            previous[0].releasePart();
        }
        counters.cameraFrame(length);
        fanOut.wakeAll();
        waiters.offer(frame);
        return frame;
    }

    /** Publishes the no-signal picture. Snapshot waiters are not woken by it. */
    public Frame publishPlaceholder(byte[] jpeg, long captureMicros) {
        return publishPlaceholder(jpeg, captureMicros, latestReal);
    }

    /**
     * Publishes the no-signal picture drawn when {@code latestReal()} was {@code shownAfter}, unless
     * a camera frame has been published since: drawing takes a while, and a picture saying "waiting
     * for the camera" must not follow the camera's first frame. Returns null when it was not sent.
     */
    public Frame publishPlaceholder(byte[] jpeg, long captureMicros, Frame shownAfter) {
        PartPool pool = parts;
        Frame frame = ring.append(seq -> latestReal != shownAfter ? null
                : MultipartFraming.frame(seq, captureMicros, jpeg, 0, jpeg.length, true, pool), fanOut.isEmpty());
        if (frame != null) {
            counters.placeholderFrames.incrementAndGet();
            fanOut.wakeAll();
        }
        return frame;
    }

    /**
     * Sends {@code frame} once more to every client (keep-alive), sharing its bytes; null, and
     * nothing sent, when its off-heap part was already given back ({@link #latestReal()} always
     * still has its part).
     */
    public Frame republish(Frame frame) {
        Frame again = ring.append(frame::repeat, fanOut.isEmpty());
        if (again != null) {
            counters.repeatedFrames.incrementAndGet();
            fanOut.wakeAll();
        }
        return again;
    }

    /**
     * From now on, frames are built in a pool of direct buffers of at most {@code maxBytes} instead
     * of the heap, for clients whose container writes buffers without copying them (the embedded
     * Jetty). A frame that finds no room in the pool is built on the heap. Call once, before
     * clients connect.
     */
    public void offHeapParts(long maxBytes) {
        parts = new PartPool(maxBytes);
    }

    /** The pool of off-heap parts, or null (tests: the pool must return to the ring's share when clients leave). */
    PartPool partPool() {
        return parts;
    }

    /** Off-heap buffers that frames in the ring or clients' writes hold now; 0 without a pool. */
    public int offHeapBuffersInUse() {
        PartPool pool = parts;
        return pool == null ? 0 : pool.buffersInUse();
    }

    /** Direct memory the off-heap pool holds, idle or in use; 0 without a pool. */
    public long offHeapBytes() {
        PartPool pool = parts;
        return pool == null ? 0 : pool.allocatedBytes();
    }

    /** Tells whether the camera is delivering now; when not, a newcomer waits for the next frame. */
    public void liveCheck(BooleanSupplier cameraLive) {
        liveCheck = cameraLive;
    }

    /** Called when a client starts watching or waiting, e.g. to start an idle camera. Must not block. */
    public void onDemand(Runnable listener) {
        demandListener = listener;
    }

    /**
     * Adds a stream client, or returns null when {@code max-clients} are already connected or the
     * broadcaster stops (the rejection is counted). The client's first frame is the newest one.
     */
    public Subscription subscribe(FrameSubscriber subscriber) {
        if (isStopping()) {
            admission.refuse(RejectReason.SHUTTING_DOWN);
            return null;
        }
        Executor executor = fanOut.executor(); // throws before a slot is taken when not started
        if (!admission.tryAdmit()) {
            return null;
        }
        demandListener.run();
        // A newcomer starts with the newest frame, unless it is stale (camera idle or down): then with the next one.
        boolean fresh = liveCheck.getAsBoolean() && System.nanoTime() - ring.lastAppendNanos() <= STALE_NANOS;
        FrameRing.Cursor cursor = ring.newCursor(fresh);
        Subscription s = new Subscription(cursor, counters, this::remove, subscriber, executor, nextId.getAndIncrement());
        fanOut.add(s);
        if (isStopping()) {
            s.closeFromBroadcaster(); // stop() may have walked the list before this subscriber was in it
        } else if (cursor.lag() > 0) {
            s.signal();
        }
        return s;
    }

    private void remove(Subscription s) {
        if (fanOut.remove(s)) {
            admission.release();
        }
    }

    /**
     * Calls {@code waiter} once with the next published camera frame (on the camera thread; it must
     * not block). Returns a handle that cancels the wait.
     */
    public Runnable awaitNextFrame(Consumer<Frame> waiter) {
        Runnable cancel = waiters.add(waiter);
        demandListener.run();
        return cancel;
    }

    /** The newest frame sent to clients (camera frame, repeat or placeholder), or null before the first. */
    public Frame latest() {
        return ring.latest();
    }

    /** The newest frame from the camera, or null before the first. */
    public Frame latestReal() {
        return latestReal;
    }

    /** {@link System#nanoTime()} of the last publish of any kind. */
    public long lastPublishNanos() {
        return ring.lastAppendNanos();
    }

    public boolean hasFrameWaiters() {
        return !waiters.isEmpty();
    }

    public int maxSubscribers() {
        return admission.maxClients();
    }

    public int subscriberCount() {
        return admission.clients();
    }

    public List<Subscription> subscriptions() {
        return fanOut.subscriptions();
    }

    /** Where stream clients observe each frame's delivery latency, in nanoseconds. */
    public Histogram deliveryLatency() {
        return counters.deliveryLatency;
    }

    /** The fan-out's numbers now, for the camera's stats snapshot. */
    public FanoutStats stats() {
        Frame real = latestReal;
        int[] size = real == null ? null : real.size();
        Map<String, Long> rejected = new LinkedHashMap<>();
        for (RejectReason reason : RejectReason.values()) {
            rejected.put(reason.key(), admission.rejected(reason));
        }
        List<ClientStats> clients = new ArrayList<>();
        for (Subscription s : fanOut.subscriptions()) {
            clients.add(new ClientStats(s.id(), s.subscriber().viewer(), s.connectedAtMillis(), s.framesSent(),
                    s.framesSkipped(), s.framesPassedOver(), s.bytesSent(), s.lag()));
        }
        long now = System.nanoTime();
        return new FanoutStats(counters.framesIn.get(), counters.bytesIn.get(), counters.inputRate.perSecond(now, 1),
                counters.inputRate.perSecond(now, 10), size == null ? null : size[0], size == null ? null : size[1],
                counters.frameSizes.snapshot(), admission.clients(), admission.maxClients(), admission.accepted(), rejected,
                clients, counters.framesOut.sum(), counters.bytesOut.sum(), ring.framesSkipped(),
                counters.placeholderFrames.get(), counters.repeatedFrames.get(), counters.deliveryLatency.snapshot());
    }

    @Override
    public String toString() {
        return "FrameBroadcaster{" + state() + " frames=" + counters.framesIn.get() + " clients=" + subscriberCount() + "/"
                + maxSubscribers() + "}";
    }
}
