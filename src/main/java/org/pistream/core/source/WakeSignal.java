package org.pistream.core.source;

import java.util.function.BooleanSupplier;

/**
 * Where a camera's reader thread waits between runs (the restart backoff, the idle sleep) and how
 * other threads cut that wait short: stop, sleep and wake change a flag, then call {@link #wakeAll}.
 */
final class WakeSignal {
    private final Object lock = new Object();

    void wakeAll() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    /**
     * Waits up to {@code millis} ({@link Long#MAX_VALUE}: no limit) while {@code keepWaiting} holds;
     * checked again after every wake-up. An interrupt ends the wait and stays set.
     */
    void await(long millis, BooleanSupplier keepWaiting) {
        long deadline = millis == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + millis * 1_000_000;
        synchronized (lock) {
            while (keepWaiting.getAsBoolean()) {
                long left = deadline == Long.MAX_VALUE ? 0 : (deadline - System.nanoTime()) / 1_000_000;
                if (deadline != Long.MAX_VALUE && left <= 0) {
                    return;
                }
                try {
                    lock.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
