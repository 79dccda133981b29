package org.pistream.core.fanout;

/**
 * One camera frame, framed once as a complete multipart part and shared by every client.
 *
 * <p>The part holds the part headers, the JPEG and the trailing boundary line, so a client sends a
 * frame with one write of one shared buffer. It lives in one place: on the heap ({@link #part()}),
 * or, when the broadcaster has a {@link PartPool} with room, only in a pooled direct buffer
 * ({@link OffHeapPart}), so the ring's frames take no heap: a second of 1080p frames on the heap
 * outlived the young generation and filled the old one with dead frames (full collections, a
 * latency tail). Bytes are never modified after construction.
 *
 * <p>An off-heap part is reference counted: the ring slot holds one, the broadcaster one for its
 * newest camera frame, and a client one per frame it polled until its write is done. Who reads
 * the bytes holds a reference: {@link #retainPart()} before, {@link #releasePart()} after.
 */
public final class Frame {
    private final long sequence;
    private final long captureMicros;
    /** The part on the heap, or null when it is off-heap. */
    private final byte[] part;
    private final int partLength;
    private final int jpegOffset;
    private final int jpegLength;
    private final boolean placeholder;
    /** Width and height from the JPEG's frame header, read once at publish; null when it has none. */
    private final int[] size;
    /** The part off-heap, or null when it is on the heap. */
    private final OffHeapPart offHeap;
    // Built once per frame and handed to every client, so the write path allocates nothing per client.
    private final StreamEncoder.Chunk wholePart;
    private final StreamEncoder.Chunk fromJpeg;
    /** Built right before it is stored in the ring, so this is its publish time (a repeat gets its own). */
    private final long publishedNanos = System.nanoTime();

    Frame(long sequence, long captureMicros, byte[] part, int jpegOffset, int jpegLength, boolean placeholder, int[] size) {
        this(sequence, captureMicros, part, null, part.length, jpegOffset, jpegLength, placeholder, size);
    }

    Frame(long sequence, long captureMicros, OffHeapPart offHeap, int jpegOffset, int jpegLength, boolean placeholder,
          int[] size) {
        this(sequence, captureMicros, null, offHeap, offHeap.length(), jpegOffset, jpegLength, placeholder, size);
    }

    private Frame(long sequence, long captureMicros, byte[] part, OffHeapPart offHeap, int partLength, int jpegOffset,
                  int jpegLength, boolean placeholder, int[] size) {
        this.sequence = sequence;
        this.captureMicros = captureMicros;
        this.part = part;
        this.offHeap = offHeap;
        this.partLength = partLength;
        this.jpegOffset = jpegOffset;
        this.jpegLength = jpegLength;
        this.placeholder = placeholder;
        this.size = size;
        this.wholePart = new StreamEncoder.Chunk(part, 0, partLength, true, offHeap);
        this.fromJpeg = new StreamEncoder.Chunk(part, jpegOffset, partLength - jpegOffset, false, offHeap);
    }

    /**
     * Takes a reference to the off-heap part for a reader; true for a heap frame (nothing to hold).
     * False when the part was already given back: the frame has left the ring and nobody holds it.
     */
    boolean retainPart() {
        return offHeap == null || offHeap.retain();
    }

    /**
     * Lets go of a reference from {@link #retainPart()}, or the one a frame from
     * {@link Subscription#poll()} comes with, once its bytes are written; nothing for a heap frame.
     */
    public void releasePart() {
        if (offHeap != null) {
            offHeap.release();
        }
    }

    /** The ring no longer holds this frame: lets go of its reference to the off-heap part. */
    void leftRing() {
        releasePart();
    }

    /** Whether the part is off-heap only. */
    boolean isOffHeap() {
        return offHeap != null;
    }

    /** The whole part as one chunk (standard layout). */
    StreamEncoder.Chunk wholePart() {
        return wholePart;
    }

    /** The JPEG and trailing boundary, without the part headers (advance-headers layout). */
    StreamEncoder.Chunk fromJpeg() {
        return fromJpeg;
    }

    /**
     * The same picture again under a new sequence number, sharing this frame's bytes (keep-alive);
     * null when its off-heap part was already given back.
     */
    Frame repeat(long newSequence) {
        if (offHeap == null) {
            return new Frame(newSequence, captureMicros, part, jpegOffset, jpegLength, placeholder, size);
        }
        return offHeap.retain() ? new Frame(newSequence, captureMicros, offHeap, jpegOffset, jpegLength, placeholder, size) : null;
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

    /**
     * Headers, JPEG and trailing boundary: the exact bytes a stream client receives for this frame.
     * The shared array of a heap frame (callers must not write to it); a copy of an off-heap one,
     * or null when that part was already given back.
     */
    public byte[] part() {
        if (offHeap == null) {
            return part;
        }
        Bytes copy = copyOut(0, partLength);
        return copy == null ? null : copy.array();
    }

    /**
     * The JPEG alone, e.g. for a snapshot: the shared heap array (callers must not write to it) or a
     * copy of the off-heap part; null when that part was already given back (the frame left the
     * ring and the broadcaster keeps a newer one: ask it again).
     */
    public Bytes jpeg() {
        return offHeap == null ? new Bytes(part, jpegOffset, jpegLength) : copyOut(jpegOffset, jpegLength);
    }

    private Bytes copyOut(int offset, int length) {
        if (!offHeap.retain()) {
            return null;
        }
        try {
            byte[] copy = new byte[length];
            offHeap.slice(offset, length).get(copy);
            return new Bytes(copy, 0, length);
        } finally {
            offHeap.release();
        }
    }

    /** {width, height} of the picture, or null when the JPEG has no frame header; read at publish. */
    public int[] size() {
        return size == null ? null : size.clone();
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

    /** {@code length} bytes of {@code array} from {@code offset}; never to be written to. */
    public record Bytes(byte[] array, int offset, int length) {
    }

    @Override
    public String toString() {
        return "Frame{#" + sequence + " " + jpegLength + " bytes" + (placeholder ? " placeholder" : "")
                + (offHeap != null ? " off-heap" : "") + "}";
    }
}
