package org.pistream.core.source;

import java.util.function.BooleanSupplier;

/**
 * The time a {@link SupervisedSource} runs by: a monotonic clock (run lengths, the watchdog's
 * progress, the time left before a restart) and the wait between runs. Tests replace it, so a
 * 30 s backoff takes no time and its steps can be counted.
 */
interface SourceClock {
    /** {@link System#nanoTime()} and a real wait. */
    SourceClock SYSTEM = new SourceClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void pause(WakeSignal signal, long millis, BooleanSupplier keepWaiting) {
            signal.await(millis, keepWaiting);
        }
    };

    long nanoTime();

    /**
     * Waits up to {@code millis} on the reader thread while {@code keepWaiting} holds; stop, sleep
     * and wake cut it short through {@code signal}.
     */
    void pause(WakeSignal signal, long millis, BooleanSupplier keepWaiting);
}
