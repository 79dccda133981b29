package org.pistream.core.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.pistream.core.jpeg.TestJpegs;

/** The ring and its cursors, on one thread: where a client is, its lag, and the skip to the newest. */
class FrameRingTest {
    private static final byte[] JPEG = TestJpegs.noise(8, 8, 1);

    private static Frame append(FrameRing ring) {
        return ring.append(seq -> MultipartFraming.frame(seq, 1_700_000_000_000_000L + seq, JPEG, 0, JPEG.length, false));
    }

    private static Frame appendPlaceholder(FrameRing ring) {
        return ring.append(seq -> MultipartFraming.frame(seq, 1_700_000_000_000_000L + seq, JPEG, 0, JPEG.length, true));
    }

    private static List<Long> pollAll(FrameRing.Cursor cursor) {
        List<Long> sequences = new ArrayList<>();
        Frame f;
        while ((f = cursor.poll()) != null) {
            sequences.add(f.sequence());
        }
        return sequences;
    }

    @Test
    void framesAreNumberedConsecutivelyFromZero() {
        FrameRing ring = new FrameRing(4);
        assertEquals(-1, ring.latestSequence());
        assertNull(ring.latest());
        for (int i = 0; i < 10; i++) {
            Frame f = append(ring);
            assertEquals(i, f.sequence());
            assertSame(f, ring.latest());
        }
        Frame again = ring.append(ring.latest()::repeat);
        assertEquals(10, again.sequence());
        assertSame(ring.latest(), again);
    }

    @Test
    void aFrameBuiltForAnotherSequenceIsRefused() {
        FrameRing ring = new FrameRing(4);
        append(ring);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ring.append(seq -> MultipartFraming.frame(seq + 5, 0, JPEG, 0, JPEG.length, false)));
        assertTrue(e.getMessage().contains("as sequence 1"), e.getMessage());
        assertEquals(0, ring.latestSequence());
    }

    @Test
    void capacityMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FrameRing(0));
        assertEquals("buffer-size must be >= 1, was: 0", e.getMessage());
    }

    @Test
    void cursorGetsEveryFrameInOrderAndItsLagCountsWhatIsLeft() {
        FrameRing ring = new FrameRing(8);
        FrameRing.Cursor cursor = ring.newCursor(true);
        assertEquals(0, cursor.lag());
        assertNull(cursor.poll(), "nothing before the first frame");
        List<Frame> appended = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            appended.add(append(ring));
        }
        assertEquals(5, cursor.lag());
        assertSame(appended.get(0), cursor.poll(), "the shared frame itself");
        assertEquals(4, cursor.lag());
        assertEquals(List.of(1L, 2L, 3L, 4L), pollAll(cursor));
        assertEquals(0, cursor.lag());
        assertEquals(5, cursor.nextSequence());
        assertEquals(0, cursor.framesSkipped());
    }

    @Test
    void newCursorStartsAtTheNewestFrameOrTheNextOne() {
        FrameRing ring = new FrameRing(8);
        assertEquals(0, ring.newCursor(false).nextSequence(), "an empty ring: the first frame, whatever the camera does");
        for (int i = 0; i < 5; i++) {
            append(ring);
        }
        FrameRing.Cursor withNewest = ring.newCursor(true);
        assertEquals(1, withNewest.lag());
        assertEquals(List.of(4L), pollAll(withNewest));

        FrameRing.Cursor afterNewest = ring.newCursor(false);
        assertEquals(0, afterNewest.lag(), "a stale newest frame is not shown: wait for the next");
        assertNull(afterNewest.poll());
        append(ring);
        assertEquals(List.of(5L), pollAll(afterNewest));

        appendPlaceholder(ring);
        assertEquals(List.of(6L), pollAll(ring.newCursor(false)), "the no-signal picture is shown at once");
    }

    @Test
    void lagBeyondCapacitySkipsToNewestAndCountsTheSkippedFrames() {
        int capacity = 4;
        FrameRing ring = new FrameRing(capacity);
        FrameRing.Cursor cursor = ring.newCursor(true);
        for (int i = 0; i < 10; i++) {
            append(ring);
        }
        assertEquals(10, cursor.lag());
        assertEquals(9, cursor.poll().sequence(), "first frame after falling behind is the newest");
        assertEquals(9, cursor.framesSkipped());
        assertEquals(9, ring.framesSkipped());
        assertEquals(0, cursor.lag());

        // Caught up: the next frames come one by one, none skipped.
        for (int i = 0; i < 3; i++) {
            append(ring);
        }
        assertEquals(List.of(10L, 11L, 12L), pollAll(cursor));
        assertEquals(9, cursor.framesSkipped());
    }

    @Test
    void lagOfOneMoreThanCapacitySkipsToNewest() {
        int capacity = 4;
        FrameRing ring = new FrameRing(capacity);
        FrameRing.Cursor cursor = ring.newCursor(true);
        for (int i = 0; i <= capacity; i++) {
            append(ring);
        }
        assertEquals(List.of((long) capacity), pollAll(cursor));
        assertEquals(capacity, cursor.framesSkipped());
        assertEquals(capacity, ring.framesSkipped());
    }

    @Test
    void lagOfExactlyCapacityLosesNothing() {
        int capacity = 4;
        FrameRing ring = new FrameRing(capacity);
        FrameRing.Cursor cursor = ring.newCursor(true);
        for (int i = 0; i < capacity; i++) {
            append(ring);
        }
        assertEquals(List.of(0L, 1L, 2L, 3L), pollAll(cursor));
        assertEquals(0, cursor.framesSkipped());
        assertEquals(0, ring.framesSkipped());
    }

    @Test
    void everyCursorSkipsOnItsOwnAndTheRingCountsThemAll() {
        FrameRing ring = new FrameRing(2);
        FrameRing.Cursor a = ring.newCursor(true);
        FrameRing.Cursor b = ring.newCursor(true);
        for (int i = 0; i < 5; i++) {
            append(ring);
        }
        assertEquals(List.of(4L), pollAll(a));
        append(ring);
        assertEquals(List.of(5L), pollAll(b), "b is 6 behind: it skips to the newest, 5");
        assertEquals(4, a.framesSkipped());
        assertEquals(5, b.framesSkipped());
        assertEquals(9, ring.framesSkipped());
        assertEquals(List.of(5L), pollAll(a), "a was one behind: nothing skipped");
        assertEquals(4, a.framesSkipped());
    }

    @Test
    void pollNewestPassesOverOlderFramesWithoutCountingThemAsSkipped() {
        FrameRing ring = new FrameRing(8);
        FrameRing.Cursor cursor = ring.newCursor(true);
        for (int i = 0; i < 4; i++) {
            append(ring);
        }
        assertEquals(3, cursor.pollNewest().sequence());
        assertEquals(3, cursor.framesPassedOver());
        assertEquals(0, cursor.framesSkipped());
        assertEquals(0, ring.framesSkipped());
        assertNull(cursor.pollNewest(), "nothing new");
        append(ring);
        assertEquals(4, cursor.pollNewest().sequence());
        assertEquals(3, cursor.framesPassedOver(), "the next frame is not passed over");
    }

    @Test
    void aCursorAtAFrameLetGoWhileNobodyWatchedGoesToTheNewest() {
        FrameRing ring = new FrameRing(4);
        append(ring);
        append(ring);
        FrameRing.Cursor cursor = ring.newCursor(true); // at #1, as a client that joins now
        for (int i = 0; i < 2; i++) {
            ring.append(seq -> MultipartFraming.frame(seq, 1_700_000_000_000_000L + seq, JPEG, 0, JPEG.length, false), true);
        }
        assertEquals(List.of(3L), pollAll(cursor), "the emptied slots are passed over, not waited on");
        append(ring);
        assertEquals(List.of(4L), pollAll(cursor));
    }
}
