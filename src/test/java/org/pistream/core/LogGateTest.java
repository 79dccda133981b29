package org.pistream.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class LogGateTest {
    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(5 * SECOND);

    @Test
    void firstLineOfEachIntervalPassesAndTheNextSaysHowManyWereLeftOut() {
        LogGate gate = new LogGate(1, 10, TimeUnit.SECONDS, now::get);
        assertEquals("", gate.pass());
        for (int i = 0; i < 4210; i++) {
            now.addAndGet(1_000_000L);
            assertNull(gate.pass(), "held back within the interval");
        }
        now.set(5 * SECOND + 10 * SECOND);
        assertEquals(" (4,210 more in the last 10 s)", gate.pass());
        now.addAndGet(30 * SECOND);
        assertEquals("", gate.pass(), "nothing left out since");
        now.addAndGet(SECOND);
        assertNull(gate.pass());
        now.addAndGet(59 * SECOND);
        assertEquals(" (1 more in the last 60 s)", gate.pass(), "the seconds since the last line written");
    }

    @Test
    void aFewLinesPerIntervalForEventsThatDiffer() {
        LogGate gate = new LogGate(3, 10, TimeUnit.SECONDS, now::get);
        assertEquals("", gate.pass());
        assertEquals("", gate.pass());
        assertEquals("", gate.pass());
        assertNull(gate.pass());
        assertNull(gate.pass());
        now.addAndGet(10 * SECOND);
        assertEquals(" (2 more in the last 10 s)", gate.pass());
        assertEquals("", gate.pass());
    }

    @Test
    void theLineCanNameWhatWasLeftOut() {
        LogGate gate = new LogGate(2, 10, TimeUnit.SECONDS, now::get);
        assertEquals("", gate.pass("connects"));
        assertEquals("", gate.pass("connects"));
        for (int i = 0; i < 1234; i++) {
            assertNull(gate.pass("connects"));
        }
        now.addAndGet(10 * SECOND);
        assertEquals(" (1,234 more connects in the last 10 s)", gate.pass("connects"));
    }

    @Test
    void manyThreadsWriteAtMostTheAllowedLinesAndLoseNoCount() throws Exception {
        LogGate gate = new LogGate(1, 1, TimeUnit.HOURS, now::get);
        AtomicLong passed = new AtomicLong();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    if (gate.pass() != null) {
                        passed.incrementAndGet();
                    }
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(1, passed.get());
        now.addAndGet(3600 * SECOND);
        assertEquals(" (39,999 more in the last 3600 s)", gate.pass());
    }
}
