package org.pistream.core.source;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A {@link SourceClock} whose time moves only when a source pauses between runs (by exactly the
 * pause) or when a test says so. Each pause is recorded, so a test reads the backoff steps. While
 * {@link #hold()} is in force a pause waits until stop, sleep or {@link #release()} ends it, so a
 * test can look at a source that is backing off.
 */
final class FakeClock implements SourceClock {
    private long now = 1_000_000_000_000L;
    private final List<Long> pauses = new ArrayList<>();
    private boolean holding;
    private WakeSignal signal;

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    synchronized void advanceMillis(long millis) {
        now += millis * 1_000_000;
    }

    /** Pauses wait (from now on) until {@link #release()}, stop or sleep. */
    synchronized void hold() {
        holding = true;
    }

    /** Ends a held pause, and lets later ones pass at once. */
    void release() {
        WakeSignal s;
        synchronized (this) {
            holding = false;
            s = signal;
        }
        if (s != null) {
            s.wakeAll();
        }
    }

    synchronized List<Long> pauses() {
        return List.copyOf(pauses);
    }

    /** Waits until the source has begun {@code n} pauses. */
    void awaitPauses(int n) {
        Await.until(() -> "pause #" + n + ", pauses so far " + pauses(), () -> pauses().size() >= n);
    }

    @Override
    public void pause(WakeSignal signal, long millis, BooleanSupplier keepWaiting) {
        synchronized (this) {
            pauses.add(millis);
            this.signal = signal;
        }
        signal.await(Long.MAX_VALUE, () -> keepWaiting.getAsBoolean() && isHolding());
        if (keepWaiting.getAsBoolean()) {
            advanceMillis(millis);
        }
    }

    private synchronized boolean isHolding() {
        return holding;
    }
}
