package org.pistream.core.stats;

import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts observed values into fixed buckets, for {@code /metrics} histograms, without locks or
 * allocation: {@link #observe} is a short search over the bounds and two {@link LongAdder}
 * increments, so many threads may call it once per frame per client.
 *
 * <p>Threading: any thread observes; any thread reads a {@link #snapshot()}. A snapshot taken while
 * values are observed may be off by the few observations in flight (each adder is read on its
 * own), which a scraper cannot tell from observations a moment earlier or later.
 */
public final class Histogram {
    private final long[] upperBounds;
    /** Per bucket, not cumulative; the last one counts values above the highest bound. */
    private final LongAdder[] counts;
    private final LongAdder sum = new LongAdder();

    /** @param upperBounds inclusive upper bounds, strictly increasing, in the unit of the observed values */
    public Histogram(long... upperBounds) {
        if (upperBounds.length == 0) {
            throw new IllegalArgumentException("a histogram needs at least one bucket bound");
        }
        for (int i = 1; i < upperBounds.length; i++) {
            if (upperBounds[i] <= upperBounds[i - 1]) {
                throw new IllegalArgumentException("bucket bounds must increase, was: " + Arrays.toString(upperBounds));
            }
        }
        this.upperBounds = upperBounds.clone();
        this.counts = new LongAdder[upperBounds.length + 1];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    public void observe(long value) {
        // Linear: a dozen bounds, and most values fall in the first few, so it beats a binary search.
        int i = 0;
        while (i < upperBounds.length && value > upperBounds[i]) {
            i++;
        }
        counts[i].increment();
        sum.add(value);
    }

    /** The bounds, without the implicit last bucket (+Inf). */
    public long[] upperBounds() {
        return upperBounds.clone();
    }

    public Snapshot snapshot() {
        long[] perBucket = new long[counts.length];
        for (int i = 0; i < counts.length; i++) {
            perBucket[i] = counts[i].sum();
        }
        return new Snapshot(upperBounds.clone(), perBucket, sum.sum());
    }

    /**
     * One reading.
     *
     * @param upperBounds the finite bounds
     * @param counts      per bucket (not cumulative): values above the previous bound and at or
     *                    below this one; one more entry at the end for values above the last bound
     * @param sum         the sum of all values
     */
    public record Snapshot(long[] upperBounds, long[] counts, long sum) {
        public long count() {
            long n = 0;
            for (long c : counts) {
                n += c;
            }
            return n;
        }

        /** The mean of the observed values, or 0 before the first. */
        public double mean() {
            long n = count();
            return n == 0 ? 0 : (double) sum / n;
        }
    }
}
