package org.pistream.core.fanout;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Direct (off-heap) buffers for frames' parts, reused, within a fixed budget. A socket write from a
 * heap array makes the JDK copy it into a temporary direct buffer first, per client and frame; a
 * part copied once into one of these buffers is written to every client as it is.
 *
 * <p>Every buffer the pool allocates stays counted until it comes back idle and is reused, so the
 * direct memory it holds never exceeds its budget: when a part does not fit, {@link #take} returns
 * null and that frame is written from the heap, as in a container. Idle buffers too small for the
 * frames of now are let go (to the garbage collector) only to make room within the budget.
 *
 * <p>Threading: {@link #take} (the publishing thread) and {@link #give} (whichever thread drops
 * a part's last reference) lock the pool briefly; a few dozen buffers at most are scanned.
 */
final class PartPool {
    /** Buffers are sized in steps of this, so that a buffer fits the next frames of about the same size. */
    static final int GRAIN = 16 * 1024;

    private final long maxBytes;
    private final List<ByteBuffer> idle = new ArrayList<>();
    /** Idle and in use: what this pool holds of direct memory. */
    private long allocatedBytes;
    private long allocations;
    private long overBudget;
    private int inUse;

    PartPool(long maxBytes) {
        if (maxBytes < GRAIN) {
            throw new IllegalArgumentException("part pool budget must be >= " + GRAIN + " bytes, was: " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** A cleared buffer of at least {@code length} bytes, or null when the budget has no room for one. */
    synchronized ByteBuffer take(int length) {
        int best = -1;
        for (int i = 0; i < idle.size(); i++) {
            int capacity = idle.get(i).capacity();
            if (capacity >= length && (best < 0 || capacity < idle.get(best).capacity())) {
                best = i;
            }
        }
        if (best >= 0) {
            inUse++;
            return idle.remove(best);
        }
        long capacity = ((long) length + GRAIN - 1) / GRAIN * GRAIN;
        // Idle buffers are all too small (the frames grew): let the smallest go to make room.
        while (allocatedBytes + capacity > maxBytes && !idle.isEmpty()) {
            allocatedBytes -= removeSmallest().capacity();
        }
        if (allocatedBytes + capacity > maxBytes) {
            overBudget++;
            return null;
        }
        ByteBuffer buffer;
        try {
            buffer = ByteBuffer.allocateDirect((int) capacity);
        } catch (OutOfMemoryError directMemoryFull) {
            // -XX:MaxDirectMemorySize is shared with the server's own buffers (one per viewer): when
            // it is reached, this frame goes out from the heap rather than failing the camera thread.
            overBudget++;
            return null;
        }
        allocatedBytes += capacity;
        allocations++;
        inUse++;
        return buffer;
    }

    /** Takes back a buffer from {@link #take} that nothing reads any more. */
    synchronized void give(ByteBuffer buffer) {
        buffer.clear();
        inUse--;
        idle.add(buffer);
    }

    private ByteBuffer removeSmallest() {
        int smallest = 0;
        for (int i = 1; i < idle.size(); i++) {
            if (idle.get(i).capacity() < idle.get(smallest).capacity()) {
                smallest = i;
            }
        }
        return idle.remove(smallest);
    }

    /** Direct bytes this pool holds, idle or in use. */
    synchronized long allocatedBytes() {
        return allocatedBytes;
    }

    synchronized int idleBuffers() {
        return idle.size();
    }

    /** Buffers handed out and not given back yet. */
    synchronized int buffersInUse() {
        return inUse;
    }

    /** Buffers ever allocated: flat once the pool has what the frames need. */
    synchronized long allocations() {
        return allocations;
    }

    /** Frames that found no room in the budget and went out from the heap. */
    synchronized long overBudget() {
        return overBudget;
    }

    long maxBytes() {
        return maxBytes;
    }

    @Override
    public synchronized String toString() {
        return "PartPool{" + allocatedBytes + " of " + maxBytes + " bytes, " + idle.size() + " idle}";
    }
}
