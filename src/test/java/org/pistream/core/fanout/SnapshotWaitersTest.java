package org.pistream.core.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.pistream.core.jpeg.TestJpegs;

class SnapshotWaitersTest {
    private static final byte[] JPEG = TestJpegs.noise(8, 8, 1);

    private static Frame frame(long sequence) {
        return MultipartFraming.frame(sequence, 1_700_000_000_000_000L, JPEG, 0, JPEG.length);
    }

    @Test
    void eachWaiterGetsTheNextFrameOnce() {
        SnapshotWaiters waiters = new SnapshotWaiters();
        List<String> calls = new ArrayList<>();
        assertTrue(waiters.isEmpty());
        waiters.add(f -> calls.add("a" + f.sequence()));
        waiters.add(f -> calls.add("b" + f.sequence()));
        assertFalse(waiters.isEmpty());

        waiters.offer(frame(3));
        waiters.offer(frame(4));
        assertEquals(List.of("a3", "b3"), calls, "in the order they came, with the first frame only");
        assertTrue(waiters.isEmpty());
    }

    @Test
    void aCancelledWaiterIsNotCalledAndCancellingAfterwardsIsHarmless() {
        SnapshotWaiters waiters = new SnapshotWaiters();
        List<Long> calls = new ArrayList<>();
        Runnable cancelA = waiters.add(f -> calls.add(-f.sequence()));
        Runnable cancelB = waiters.add(f -> calls.add(f.sequence()));
        cancelA.run();
        waiters.offer(frame(7));
        cancelB.run();
        cancelB.run();
        assertEquals(List.of(7L), calls);
        assertTrue(waiters.isEmpty());
    }

    @Test
    void aWaiterAddedWhileAFrameIsOfferedWaitsForTheNextFrame() {
        SnapshotWaiters waiters = new SnapshotWaiters();
        List<Long> calls = new ArrayList<>();
        waiters.add(f -> waiters.add(g -> calls.add(g.sequence())));
        waiters.offer(frame(1));
        assertEquals(List.of(), calls);
        waiters.offer(frame(2));
        assertEquals(List.of(2L), calls);
    }

    @Test
    void clearForgetsEveryWaiter() {
        SnapshotWaiters waiters = new SnapshotWaiters();
        List<Long> calls = new ArrayList<>();
        waiters.add(f -> calls.add(f.sequence()));
        waiters.clear();
        waiters.offer(frame(1));
        assertEquals(List.of(), calls);
    }
}
