package org.pistream.core.fanout;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A frame's part copied once into a pooled direct buffer, shared by every client and given back
 * to its {@link PartPool} when the last reader lets go. The ring holds one reference per slot
 * that holds the frame (a keep-alive repeat shares the part and holds its own); a client holds one
 * from before its write of the part until the container is done with it ({@link #retain} /
 * {@link #release}).
 *
 * <p>Threading: any thread. A reference can be taken only while another is held, or it fails
 * ({@link #retain} returns false once the count has reached zero), so a client that polled the
 * frame just as the ring dropped it never reads a buffer that already carries another frame: it
 * takes a newer frame instead.
 */
public final class OffHeapPart {
    private final ByteBuffer buffer;
    private final PartPool pool;
    private final AtomicInteger references = new AtomicInteger(1);

    private OffHeapPart(ByteBuffer buffer, PartPool pool) {
        this.buffer = buffer;
        this.pool = pool;
    }

    /**
     * {@code head}, {@code length} bytes of {@code body} from {@code offset}, and {@code tail}, written
     * into one buffer of {@code pool}, holding one reference; null when the pool has no room.
     */
    static OffHeapPart build(PartPool pool, byte[] head, byte[] body, int offset, int length, byte[] tail) {
        ByteBuffer buffer = pool.take(head.length + length + tail.length);
        if (buffer == null) {
            return null;
        }
        buffer.put(head).put(body, offset, length).put(tail).flip();
        return new OffHeapPart(buffer, pool);
    }

    /** The part's length in bytes. */
    int length() {
        return buffer.limit();
    }

    /** Takes a reference; false when the part was already given back (the frame has left the ring). */
    public boolean retain() {
        int n;
        do {
            n = references.get();
            if (n == 0) {
                return false;
            }
        } while (!references.compareAndSet(n, n + 1));
        return true;
    }

    /** Lets go of a reference; the last one gives the buffer back to the pool. */
    public void release() {
        int n = references.decrementAndGet();
        if (n == 0) {
            pool.give(buffer);
        } else if (n < 0) {
            throw new IllegalStateException("OffHeapPart released more often than retained");
        }
    }

    /**
     * {@code length} bytes from {@code offset} as a buffer of their own (position 0), for one write;
     * only while a reference is held.
     */
    public ByteBuffer slice(int offset, int length) {
        return buffer.slice(offset, length);
    }

    int references() {
        return references.get();
    }

    @Override
    public String toString() {
        return "OffHeapPart{" + buffer.limit() + " bytes, " + references.get() + " references}";
    }
}
