package org.pistream.core.fanout;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongFunction;

/**
 * The last {@code capacity} frames ({@code buffer-size}), shared by every client, and each client's
 * {@link Cursor} into them. A client keeps only its position, so memory for frames does not grow
 * with the number of clients; a client that falls more than {@code capacity} frames behind skips to
 * the newest.
 *
 * <p>Threading: {@link #append} may be called from any thread (a short lock orders the camera
 * thread's frames with the timer's placeholders and repeats); it never waits for a reader. Readers
 * take no lock: the volatile write of the newest sequence publishes the slot written before it, and
 * a reader that finds its slot overwritten (lapped) re-reads. A {@link Cursor} is confined to one
 * client's drain loop; its counters are read racily by stats.
 */
final class FrameRing {
    private final int capacity;
    private final AtomicReferenceArray<Frame> slots;
    private final Object appendLock = new Object();
    /** Frames all cursors of this ring skipped because their client fell out of the ring. */
    private final LongAdder framesSkipped = new LongAdder();
    private volatile long latestSequence = -1;
    private volatile long lastAppendNanos = System.nanoTime();

    FrameRing(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("buffer-size must be >= 1, was: " + capacity);
        }
        this.capacity = capacity;
        this.slots = new AtomicReferenceArray<>(capacity);
    }

    /**
     * Stores the frame {@code build} makes for the next sequence number (the newest plus one) and
     * returns it; returns null and stores nothing when {@code build} returns null. {@code build} runs
     * under the ring's lock, so it must only build the frame.
     */
    Frame append(LongFunction<Frame> build) {
        return append(build, false);
    }

    /**
     * The same; with {@code onlyNewest}, the older frames are let go too (their slots emptied): with
     * nobody watching, no client can need them (a newcomer starts at the newest frame), so an idle
     * camera holds one frame's memory instead of {@code capacity} frames'.
     */
    Frame append(LongFunction<Frame> build, boolean onlyNewest) {
        synchronized (appendLock) {
            long sequence = latestSequence + 1;
            Frame frame = build.apply(sequence);
            if (frame == null) {
                return null;
            }
            if (frame.sequence() != sequence) {
                throw new IllegalStateException("frame " + frame + " appended as sequence " + sequence);
            }
            Frame dropped = slots.getAndSet((int) (sequence % capacity), frame);
            latestSequence = sequence; // the volatile write publishes the slot
            if (dropped != null) {
                dropped.leftRing(); // clients writing it hold their own reference to its off-heap part
            }
            if (onlyNewest) {
                int newest = (int) (sequence % capacity);
                for (int i = 0; i < capacity; i++) {
                    Frame older = i == newest ? null : slots.getAndSet(i, null);
                    if (older != null) {
                        older.leftRing();
                    }
                }
            }
            lastAppendNanos = System.nanoTime();
            return frame;
        }
    }

    /** The newest frame (camera frame, repeat or placeholder), or null before the first. */
    Frame latest() {
        long seq = latestSequence;
        return seq < 0 ? null : slots.get((int) (seq % capacity));
    }

    long latestSequence() {
        return latestSequence;
    }

    /** {@link System#nanoTime()} of the last append. */
    long lastAppendNanos() {
        return lastAppendNanos;
    }

    int capacity() {
        return capacity;
    }

    long framesSkipped() {
        return framesSkipped.sum();
    }

    /**
     * A position for a new client: at the newest frame when {@code withNewest} (or when the newest
     * is the no-signal picture, which a newcomer should see at once), else at the next frame to come.
     */
    Cursor newCursor(boolean withNewest) {
        long latest = latestSequence;
        if (latest < 0) {
            return new Cursor(0);
        }
        Frame newest = slots.get((int) (latest % capacity));
        return new Cursor(withNewest || (newest != null && newest.isPlaceholder()) ? latest : latest + 1);
    }

    /**
     * One client's place in the ring: the sequence of the next frame it should get. Confined to the
     * client's drain loop (one thread at a time); the counters are volatile for stats.
     */
    final class Cursor {
        private long nextSequence;
        private volatile long framesSkipped;
        private volatile long framesPassedOver;

        private Cursor(long nextSequence) {
            this.nextSequence = nextSequence;
        }

        /** The sequence of the next frame this client should get. */
        long nextSequence() {
            return nextSequence;
        }

        /** Frames published that this client has not been sent yet. */
        long lag() {
            return Math.max(0, latestSequence + 1 - nextSequence);
        }

        long framesSkipped() {
            return framesSkipped;
        }

        long framesPassedOver() {
            return framesPassedOver;
        }

        /**
         * The next frame, or null when the client has them all. A client more than {@code capacity}
         * frames behind skips to the newest frame; the skipped frames are counted. The frame comes
         * with a reference to its off-heap part, taken while the ring still held it, which the
         * caller gives back ({@link Frame#releasePart()}) once it has written it.
         */
        Frame poll() {
            while (true) {
                long latest = latestSequence;
                if (latest < nextSequence) {
                    return null;
                }
                if (latest - nextSequence >= capacity) {
                    long skipped = latest - nextSequence;
                    framesSkipped += skipped;
                    FrameRing.this.framesSkipped.add(skipped);
                    nextSequence = latest;
                }
                Frame frame = slots.get((int) (nextSequence % capacity));
                // A part that cannot be retained any more has left the ring: the slot was overwritten too.
                if (frame != null && frame.sequence() == nextSequence && frame.retainPart()) {
                    nextSequence++;
                    return frame;
                }
                if (frame == null) {
                    // Emptied while nobody watched (a client that joined just then): the newest is there.
                    nextSequence = Math.max(nextSequence, latestSequence);
                    continue;
                }
                // The slot was overwritten while we looked: the publisher lapped us; re-read the newest.
                nextSequence = Math.max(nextSequence, latestSequence - capacity + 1);
            }
        }

        /**
         * The newest frame if the client has not had it, passing over older unsent ones (counted
         * apart from skips: a frame-rate cap chose them, not a slow connection); retained as by
         * {@link #poll()}.
         */
        Frame pollNewest() {
            long latest = latestSequence;
            if (latest > nextSequence) {
                framesPassedOver += latest - nextSequence;
                nextSequence = latest;
            }
            return poll();
        }
    }
}
