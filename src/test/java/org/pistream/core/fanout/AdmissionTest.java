package org.pistream.core.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class AdmissionTest {

    @Test
    void admitsUpToTheLimitAndCountsTheRest() {
        Admission admission = new Admission(2);
        assertTrue(admission.tryAdmit());
        assertTrue(admission.tryAdmit());
        assertFalse(admission.tryAdmit());
        assertFalse(admission.tryAdmit());
        assertEquals(2, admission.clients());
        assertEquals(2, admission.accepted());
        assertEquals(2, admission.rejected(RejectReason.MAX_CLIENTS));
        assertEquals(0, admission.rejected(RejectReason.SHUTTING_DOWN));
    }

    @Test
    void aReleasedSlotIsTakenAgain() {
        Admission admission = new Admission(1);
        assertTrue(admission.tryAdmit());
        assertFalse(admission.tryAdmit());
        admission.release();
        assertEquals(0, admission.clients());
        assertTrue(admission.tryAdmit());
        assertEquals(2, admission.accepted());
        assertEquals(1, admission.rejected(RejectReason.MAX_CLIENTS));
    }

    @Test
    void refusalsAreCountedByReasonAndTakeNoSlot() {
        Admission admission = new Admission(1);
        admission.refuse(RejectReason.SHUTTING_DOWN);
        assertEquals(1, admission.rejected(RejectReason.SHUTTING_DOWN));
        assertEquals(0, admission.clients());
        assertTrue(admission.tryAdmit());
    }

    @Test
    void concurrentRequestsNeverExceedTheLimit() throws InterruptedException {
        int limit = 7;
        Admission admission = new Admission(limit);
        AtomicInteger admitted = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 1000; i++) {
                    if (admission.tryAdmit()) {
                        admitted.incrementAndGet();
                    }
                }
            }, "test-admit-" + t);
            thread.start();
            threads.add(thread);
        }
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(limit, admitted.get());
        assertEquals(limit, admission.clients());
        assertEquals(limit, admission.accepted());
        assertEquals(4000 - limit, admission.rejected(RejectReason.MAX_CLIENTS));
    }

    @Test
    void theLimitMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Admission(-3));
        assertEquals("max-clients must be >= 1, was: -3", e.getMessage());
    }
}
