package org.pistream.core.stats;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Events per second over the last whole seconds, in 16 one-second buckets. One thread records;
 * any thread reads.
 */
public final class RateMeter {
    private static final int BUCKETS = 16;
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLongArray bucketSecond = new AtomicLongArray(BUCKETS);
    private final AtomicLongArray bucketCount = new AtomicLongArray(BUCKETS);

    public RateMeter() {
        for (int i = 0; i < BUCKETS; i++) {
            bucketSecond.set(i, Long.MIN_VALUE);
        }
    }

    public void record(long nanoTime) {
        long second = Math.floorDiv(nanoTime, SECOND);
        int i = (int) Math.floorMod(second, BUCKETS);
        if (bucketSecond.get(i) != second) {
            bucketCount.set(i, 0);
            bucketSecond.set(i, second);
        }
        bucketCount.incrementAndGet(i);
    }

    /** Average rate over the {@code seconds} whole seconds before the current one (1..15). */
    public double perSecond(long nanoTime, int seconds) {
        int window = Math.max(1, Math.min(BUCKETS - 1, seconds));
        long now = Math.floorDiv(nanoTime, SECOND);
        long sum = 0;
        for (int i = 0; i < BUCKETS; i++) {
            long s = bucketSecond.get(i);
            if (s < now && s >= now - window) {
                sum += bucketCount.get(i);
            }
        }
        return (double) sum / window;
    }
}
