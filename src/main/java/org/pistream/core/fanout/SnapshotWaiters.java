package org.pistream.core.fanout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Snapshot requests waiting for the next camera frame (before the first, or while the camera is
 * down or idle). Each waiter is called at most once, with the first camera frame offered after it
 * was added; placeholders and repeats are never offered.
 *
 * <p>Threading: waiters are added and cancelled on request and timer threads, and called on the
 * thread that offers the frame (the camera's), so they must not block. Removing before calling
 * makes sure a waiter that races with its cancel, or with a second frame, runs once at most.
 */
final class SnapshotWaiters {
    private final List<Consumer<Frame>> waiters = new CopyOnWriteArrayList<>();

    /** Adds {@code waiter}; the returned handle cancels it (harmless after it ran). */
    Runnable add(Consumer<Frame> waiter) {
        waiters.add(waiter);
        return () -> waiters.remove(waiter);
    }

    /** Calls every waiter with {@code frame}, and forgets it. */
    void offer(Frame frame) {
        if (waiters.isEmpty()) {
            return;
        }
        for (Consumer<Frame> waiter : waiters) {
            if (waiters.remove(waiter)) {
                waiter.accept(frame);
            }
        }
    }

    boolean isEmpty() {
        return waiters.isEmpty();
    }

    void clear() {
        waiters.clear();
    }
}
