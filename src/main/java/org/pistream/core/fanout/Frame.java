package org.pistream.core.fanout;

/**
 * One camera frame, framed once as a complete multipart part and shared by every client.
 *
 * <p>{@link #part()} holds the part headers, the JPEG and the trailing boundary line, so a client
 * sends a frame with one write of one shared buffer. The array is never modified after
 * construction: callers must not write to it. When the broadcaster has a {@link PartPool}, the part
 * also has an off-heap copy ({@link OffHeapPart}) that the chunks carry, for containers that write
 * buffers (the heap copy stays the frame's bytes for everything else: snapshots, stats, fallback).
 */
public final class Frame {
    private final long sequence;
    private final long captureMicros;
    private final byte[] part;
    private final int jpegOffset;
    private final int jpegLength;
    private final boolean placeholder;
    /** The part off-heap, or null; one reference belongs to the ring slot that holds this frame. */
    private final OffHeapPart offHeap;
    // Built once per frame and handed to every client, so the write path allocates nothing per client.
    private final StreamEncoder.Chunk wholePart;
    private final StreamEncoder.Chunk fromJpeg;
    /** Built right before it is stored in the ring, so this is its publish time (a repeat gets its own). */
    private final long publishedNanos = System.nanoTime();

    Frame(long sequence, long captureMicros, byte[] part, int jpegOffset, int jpegLength, boolean placeholder) {
        this(sequence, captureMicros, part, jpegOffset, jpegLength, placeholder, null);
    }

    private Frame(long sequence, long captureMicros, byte[] part, int jpegOffset, int jpegLength, boolean placeholder,
                  OffHeapPart offHeap) {
        this.sequence = sequence;
        this.captureMicros = captureMicros;
        this.part = part;
        this.jpegOffset = jpegOffset;
        this.jpegLength = jpegLength;
        this.placeholder = placeholder;
        this.offHeap = offHeap;
        this.wholePart = new StreamEncoder.Chunk(part, 0, part.length, true, offHeap);
        this.fromJpeg = new StreamEncoder.Chunk(part, jpegOffset, part.length - jpegOffset, false, offHeap);
    }

    /** This frame with its part copied off-heap into {@code pool}, or this frame when the pool has no room. */
    Frame offHeap(PartPool pool) {
        OffHeapPart copy = OffHeapPart.copy(part, pool);
        return copy == null ? this : new Frame(sequence, captureMicros, part, jpegOffset, jpegLength, placeholder, copy);
    }

    /** The ring no longer holds this frame: lets go of its reference to the off-heap part. */
    void leftRing() {
        if (offHeap != null) {
            offHeap.release();
        }
    }

    /** The whole part as one chunk (standard layout). */
    StreamEncoder.Chunk wholePart() {
        return wholePart;
    }

    /** The JPEG and trailing boundary, without the part headers (advance-headers layout). */
    StreamEncoder.Chunk fromJpeg() {
        return fromJpeg;
    }

    /** The same picture again under a new sequence number, sharing this frame's bytes (keep-alive). */
    Frame repeat(long newSequence) {
        // A frame the ring has already dropped may have given its part back: the repeat then goes out from the heap.
        OffHeapPart shared = offHeap != null && offHeap.retain() ? offHeap : null;
        return new Frame(newSequence, captureMicros, part, jpegOffset, jpegLength, placeholder, shared);
    }

    /** True for the no-signal picture pi-stream draws itself; never served as a snapshot. */
    public boolean isPlaceholder() {
        return placeholder;
    }

    /** Position in the camera's stream, starting at 0; consecutive frames differ by one. */
    public long sequence() {
        return sequence;
    }

    /** When the frame was complete, in microseconds since the epoch. */
    public long captureMicros() {
        return captureMicros;
    }

    /** {@link System#nanoTime()} when the frame was published to the clients: the start of its delivery latency. */
    public long publishedNanos() {
        return publishedNanos;
    }

    /** Headers, JPEG and trailing boundary: the exact bytes a stream client receives for this frame. */
    public byte[] part() {
        return part;
    }

    public int jpegOffset() {
        return jpegOffset;
    }

    public int jpegLength() {
        return jpegLength;
    }

    /** The capture time as WIRE.md's {@code X-Timestamp}: seconds with six decimals. */
    public String timestamp() {
        return MultipartFraming.timestamp(captureMicros);
    }

    @Override
    public String toString() {
        return "Frame{#" + sequence + " " + jpegLength + " bytes" + (placeholder ? " placeholder" : "") + "}";
    }
}
