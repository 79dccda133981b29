package org.pistream.core;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets a log line through at most once per interval, so an attack that repeats one event
 * thousands of times a second writes a line every few seconds instead of filling the disk.
 * Thread-safe; the events themselves are counted elsewhere.
 */
public final class LogGate {
    private final long intervalNanos;
    private final AtomicLong lastNanos;

    public LogGate(long interval, TimeUnit unit) {
        this.intervalNanos = unit.toNanos(interval);
        this.lastNanos = new AtomicLong(System.nanoTime() - intervalNanos);
    }

    /** True for the first caller of each interval. */
    public boolean pass() {
        long now = System.nanoTime();
        long last = lastNanos.get();
        return now - last >= intervalNanos && lastNanos.compareAndSet(last, now);
    }
}
