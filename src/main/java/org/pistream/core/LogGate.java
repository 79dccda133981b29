package org.pistream.core;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Lets the log lines of a repeated event through at most a few times per interval, and counts the
 * ones it holds back, so an attack that repeats one event thousands of times a second writes a
 * line every few seconds instead of filling the disk, and the next line says how many were left
 * out: {@code "... (4,210 more in the last 10 s)"}. Thread-safe; the events themselves are counted
 * elsewhere too ({@code /stats}, {@code /metrics}).
 *
 * <pre>{@code
 * String more = refusalLog.pass();
 * if (more != null) {
 *     log.warn("Refused a stream for {}: ...{}", address, more);
 * }
 * }</pre>
 */
public final class LogGate {
    private final int linesPerInterval;
    private final long intervalNanos;
    private final LongSupplier clock;
    /** Guarded by this: start of the current interval, lines written in it, events held back since the last line. */
    private long intervalStart;
    private int lines;
    private long heldBack;
    private long lastLineNanos;
    private boolean anyLine;

    /** One line per interval. */
    public LogGate(long interval, TimeUnit unit) {
        this(1, interval, unit, System::nanoTime);
    }

    /** Up to {@code linesPerInterval} lines per interval, for events that differ (one per address, say). */
    public LogGate(int linesPerInterval, long interval, TimeUnit unit) {
        this(linesPerInterval, interval, unit, System::nanoTime);
    }

    /** @param clock nanoseconds, as {@link System#nanoTime()}; tests pass their own */
    LogGate(int linesPerInterval, long interval, TimeUnit unit, LongSupplier clock) {
        if (linesPerInterval < 1 || interval <= 0) {
            throw new IllegalArgumentException("a log gate needs lines > 0 per interval > 0, was: " + linesPerInterval
                    + " per " + interval + " " + unit);
        }
        this.linesPerInterval = linesPerInterval;
        this.intervalNanos = unit.toNanos(interval);
        this.clock = clock;
    }

    /**
     * Counts one event. Returns null when its line is to be left out; otherwise what to append to
     * the line: {@code ""}, or {@code " (N more in the last S s)"} when lines were left out since
     * the last one written.
     */
    public String pass() {
        return pass("");
    }

    /**
     * The same, naming what was left out when the line itself does not say it:
     * {@code pass("connects")} gives {@code " (1,234 more connects in the last 10 s)"}.
     */
    public String pass(String events) {
        long now = clock.getAsLong();
        long held;
        long since;
        synchronized (this) {
            if (!anyLine || now - intervalStart >= intervalNanos) {
                intervalStart = now;
                lines = 0;
            }
            if (lines >= linesPerInterval) {
                heldBack++;
                return null;
            }
            lines++;
            held = heldBack;
            since = anyLine ? now - lastLineNanos : 0;
            heldBack = 0;
            lastLineNanos = now;
            anyLine = true;
        }
        if (held == 0) {
            return "";
        }
        long seconds = Math.max(1, (since + 999_999_999L) / 1_000_000_000L);
        return String.format(Locale.ROOT, " (%,d more%s in the last %d s)", held, events.isEmpty() ? "" : " " + events, seconds);
    }
}
