package org.pistream.core.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class HistogramTest {

    @Test
    void valuesLandInTheFirstBucketWhoseBoundTheyDoNotExceed() {
        Histogram h = new Histogram(10, 100, 1000);
        for (long v : new long[] {0, 10, 11, 100, 101, 1000, 1001, 5_000_000}) {
            h.observe(v);
        }
        Histogram.Snapshot s = h.snapshot();
        assertArrayEquals(new long[] {10, 100, 1000}, s.upperBounds());
        assertArrayEquals(new long[] {2, 2, 2, 2}, s.counts(), "bounds are inclusive; the last bucket is +Inf");
        assertEquals(8, s.count());
        assertEquals(0 + 10 + 11 + 100 + 101 + 1000 + 1001 + 5_000_000, s.sum());
        assertEquals(s.sum() / 8.0, s.mean(), 1e-9);
    }

    @Test
    void emptyHistogramHasZeroMean() {
        Histogram.Snapshot s = new Histogram(1).snapshot();
        assertEquals(0, s.count());
        assertEquals(0, s.mean());
    }

    @Test
    void boundsMustIncrease() {
        assertThrows(IllegalArgumentException.class, Histogram::new);
        assertThrows(IllegalArgumentException.class, () -> new Histogram(5, 5));
        assertThrows(IllegalArgumentException.class, () -> new Histogram(10, 3));
    }

    @Test
    void concurrentObservationsAreAllCounted() throws Exception {
        Histogram h = new Histogram(100, 200, 300);
        int threads = 4;
        int each = 200_000;
        List<Thread> list = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    h.observe(i % 400);
                }
            });
            list.add(thread);
            thread.start();
        }
        for (Thread thread : list) {
            thread.join();
        }
        Histogram.Snapshot s = h.snapshot();
        assertEquals((long) threads * each, s.count());
        // i % 400 puts 101 values (0..100) in the first bucket, 100 in each of the others.
        long rounds = (long) threads * each / 400;
        assertArrayEquals(new long[] {101 * rounds, 100 * rounds, 100 * rounds, 99 * rounds}, s.counts());
        assertEquals(rounds * (399L * 400 / 2), s.sum());
    }
}
