package org.pistream.core.fanout;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream client of the broadcaster: its {@link FrameRing.Cursor} (where it is in the ring),
 * what it was sent, and the guard that serialises its writes.
 *
 * <p>Threading: {@link #signal()} (a new frame) and {@link #drainNow()} (the connection became
 * writable) may be called from any thread at any time. A work-in-progress counter makes sure
 * exactly one thread runs the subscriber's {@code deliver} at a time and that no signal is lost: a
 * signal that arrives while a drain runs makes that drain loop once more. Counters are written
 * only inside the drain and read racily by stats.
 */
public final class Subscription {
    private static final Logger log = LoggerFactory.getLogger(Subscription.class);
    private final FrameRing.Cursor cursor;
    private final FanoutCounters counters;
    private final Consumer<Subscription> onClose;
    private final FrameSubscriber subscriber;
    private final Executor executor;
    private final AtomicInteger wip = new AtomicInteger();
    /** A wake-up is scheduled on the timer: a capped client has at most one (see {@link #wakeAfter}). */
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final long id;
    private final long connectedAtMillis = System.currentTimeMillis();

    private volatile boolean closed;
    private volatile boolean broadcasterClosed;
    private volatile long framesSent;
    private volatile long bytesSent;

    /**
     * @param onClose  called once, by the first {@link #close()}, to leave the broadcaster
     * @param executor where {@link #signal()} runs the drain (a fan-out thread)
     */
    Subscription(FrameRing.Cursor cursor, FanoutCounters counters, Consumer<Subscription> onClose,
                 FrameSubscriber subscriber, Executor executor, long id) {
        this.cursor = cursor;
        this.counters = counters;
        this.onClose = onClose;
        this.subscriber = subscriber;
        this.executor = executor;
        this.id = id;
    }

    public FrameSubscriber subscriber() {
        return subscriber;
    }

    public long id() {
        return id;
    }

    public long connectedAtMillis() {
        return connectedAtMillis;
    }

    public long framesSent() {
        return framesSent;
    }

    /** Frames this client skipped because it fell more than buffer-size frames behind. */
    public long framesSkipped() {
        return cursor.framesSkipped();
    }

    /** Frames this client's frame-rate cap passed over for newer ones (not counted as skipped). */
    public long framesPassedOver() {
        return cursor.framesPassedOver();
    }

    public long bytesSent() {
        return bytesSent;
    }

    /** Frames published that this client has not been sent yet. */
    public long lag() {
        return cursor.lag();
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * The next frame this client should get, or null when it has them all. A client that fell out
     * of the ring (more than buffer-size frames behind) skips to the newest frame.
     */
    public Frame poll() {
        return cursor.poll();
    }

    /**
     * The newest frame if the client has not had it, passing over older unsent ones: for a client
     * with a frame-rate cap, which wants the newest picture, not the next one. Passed-over frames
     * are the client's choice, so they are counted apart from the skips of a client that is slow.
     */
    public Frame pollNewest() {
        return cursor.pollNewest();
    }

    /**
     * Runs the drain again after {@code nanos} on {@code timer}, for a client whose next frame is
     * not due yet. At most one wake-up is pending per client; a later request while one is pending
     * is dropped (the pending one comes no later than the frame is due). The timer task only hands
     * the drain to a fan-out thread, so it does not hold up the timer.
     */
    public void wakeAfter(long nanos, ScheduledExecutorService timer) {
        if (closed || !wakePending.compareAndSet(false, true)) {
            return;
        }
        try {
            timer.schedule(() -> {
                wakePending.set(false);
                signal();
            }, nanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            wakePending.set(false);
        }
    }

    /** Records that {@code bytes} of a frame were handed to the connection. */
    public void sent(long bytes) {
        framesSent++;
        bytesSent += bytes;
        counters.sent(bytes);
    }

    /** A new frame exists: runs the drain on a fan-out thread unless one is already running. */
    void signal() {
        if (wip.getAndIncrement() == 0) {
            try {
                executor.execute(this::drainLoop);
            } catch (RejectedExecutionException shuttingDown) {
                wip.set(0);
            }
        }
    }

    /**
     * The subscriber has just become able to write (its connection is set up): runs the drain on a
     * fan-out thread unless one is running, not on the caller's, which may be a container's request
     * thread that must return.
     */
    public void drainSoon() {
        signal();
    }

    /** The connection can take bytes: drains on the calling thread unless a drain is already running. */
    public void drainNow() {
        if (wip.getAndIncrement() == 0) {
            drainLoop();
        }
    }

    /** Leaves the broadcaster. Safe to call more than once, from any thread. */
    public void close() {
        if (!closed) {
            closed = true;
            onClose.accept(this);
        }
    }

    void closeFromBroadcaster() {
        broadcasterClosed = true;
        signal();
    }

    private void drainLoop() {
        int missed = 1;
        while (true) {
            if (!closed) {
                try {
                    if (broadcasterClosed) {
                        subscriber.broadcasterClosed(this);
                        close();
                    } else {
                        subscriber.deliver(this);
                    }
                } catch (RuntimeException e) {
                    // A broken subscriber must not wedge its slot or the fan-out thread.
                    log.warn("Subscriber #{} failed and is dropped", id, e);
                    close();
                }
            }
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "Subscription{#" + id + " sent=" + framesSent + " skipped=" + cursor.framesSkipped() + (closed ? " closed" : "") + "}";
    }
}
