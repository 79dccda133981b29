package org.pistream.web.stream;

import java.util.concurrent.atomic.AtomicReference;

import org.pistream.core.fanout.OffHeapPart;

/**
 * The off-heap part a client's last write may still be reading, held until the container is done
 * with it: when the stream is ready for more ({@link #writeDone}) or the response is complete
 * ({@link #close}). Releasing earlier could let the pool hand the buffer to a newer frame while a
 * pending write still sends it.
 *
 * <p>Threading: {@link #hold} and {@link #writeDone} run in the client's drain loop, {@link #close}
 * on a container thread; each reference is released exactly once, also when they race.
 */
final class InFlight {
    private final AtomicReference<OffHeapPart> held = new AtomicReference<>();
    private volatile boolean closed;

    /** {@code part} is being written (the caller retained it). */
    void hold(OffHeapPart part) {
        OffHeapPart previous = held.getAndSet(part);
        if (previous != null) {
            previous.release();
        }
        if (closed) {
            writeDone(); // the response completed meanwhile: nothing will read it
        }
    }

    /** The last write is done: the container reads the part no more. */
    void writeDone() {
        OffHeapPart part = held.getAndSet(null);
        if (part != null) {
            part.release();
        }
    }

    /** The response is complete: releases the part and any held later. */
    void close() {
        closed = true;
        writeDone();
    }

    boolean holds() {
        return held.get() != null;
    }
}
