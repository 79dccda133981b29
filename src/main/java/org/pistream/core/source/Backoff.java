package org.pistream.core.source;

import java.time.Duration;

/**
 * Stepped restart delay: starts at {@code initial}, doubles after each failed run up to {@code cap},
 * and starts over after a run that lasted at least {@code healthyRun}. Not thread-safe: owned by
 * the supervisor thread.
 */
public final class Backoff {
    private final long initialMillis;
    private final long capMillis;
    private final long healthyRunMillis;
    private long nextMillis;

    public Backoff(Duration initial, Duration cap, Duration healthyRun) {
        if (initial.isNegative() || initial.isZero() || cap.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= cap, was: " + initial + ", " + cap);
        }
        this.initialMillis = initial.toMillis();
        this.capMillis = cap.toMillis();
        this.healthyRunMillis = healthyRun.toMillis();
        this.nextMillis = initialMillis;
    }

    /** The camera's defaults: 1 s doubling to 30 s, reset after 30 s of healthy running. */
    public static Backoff cameraDefault() {
        return new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(30));
    }

    /** The longest delay, and the next one too: for a source that fails the same way every time. */
    public long capDelayMillis() {
        nextMillis = capMillis;
        return capMillis;
    }

    /** The delay before the next start, given how long the last run lasted and whether it was healthy. */
    public long nextDelayMillis(long lastRunMillis, boolean producedFrames) {
        if (producedFrames && lastRunMillis >= healthyRunMillis) {
            nextMillis = initialMillis;
        }
        long delay = nextMillis;
        nextMillis = Math.min(capMillis, nextMillis * 2);
        return delay;
    }
}
