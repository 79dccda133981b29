package org.pistream.core.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FramePacerTest {
    private static final long MS = 1_000_000L;

    @Test
    void firstFrameGoesAtOnceThenOneEveryInterval() {
        FramePacer pacer = new FramePacer(2);
        assertEquals(500 * MS, pacer.intervalNanos());
        assertEquals(0, pacer.waitNanos(1_000 * MS));
        pacer.sent(1_000 * MS);
        assertEquals(500 * MS, pacer.waitNanos(1_000 * MS));
        assertEquals(100 * MS, pacer.waitNanos(1_400 * MS));
        assertEquals(0, pacer.waitNanos(1_500 * MS));
    }

    @Test
    void lateSendsKeepTheScheduleSoTheAverageRateIsExact() {
        FramePacer pacer = new FramePacer(2);
        long now = 0;
        pacer.sent(now);
        int sent = 1;
        // Frames every 40 ms (25 fps): each send happens up to 40 ms after it was due.
        for (now = 40 * MS; now <= 10_000 * MS; now += 40 * MS) {
            if (pacer.waitNanos(now) == 0) {
                pacer.sent(now);
                sent++;
            }
        }
        assertEquals(21, sent, "2 a second over 10 s, plus the first");
    }

    @Test
    void aPauseLongerThanAnIntervalStartsTheScheduleOverWithoutABurst() {
        FramePacer pacer = new FramePacer(10);
        pacer.sent(0);
        pacer.sent(5_000 * MS); // the camera paused for 5 s
        assertEquals(100 * MS, pacer.waitNanos(5_000 * MS), "the next frame is an interval away, not due at once");
    }

    @Test
    void capsOutsideTheRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new FramePacer(0));
        assertThrows(IllegalArgumentException.class, () -> new FramePacer(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new FramePacer(121));
        assertEquals(10_000 * MS, new FramePacer(0.1).intervalNanos());
    }
}
