package org.pistream.web.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;

import org.pistream.core.fanout.OffHeapPart;
import org.pistream.core.fanout.StreamEncoder;
import org.pistream.web.PiStreamContextListener;

/**
 * How stream clients hand chunks to the container's output stream, and whether they must flush
 * after them.
 *
 * <p>In a container nothing is known about its buffering: a client flushes once it has caught up
 * after any write, so no frame waits in the container's buffer. The embedded launcher knows its
 * server and declares, with {@link PiStreamContextListener#PASS_THROUGH_ATTRIBUTE}, the size above
 * which a write goes straight to the connection. A frame is larger than that, so it is not followed
 * by a flush: for Jetty, a flush is a second trip through its whole write path per frame and client
 * (an empty write), which cost about as much as the frame's own.
 *
 * <p>A launcher may also declare {@link BufferWrites} ({@link PiStreamContextListener#BUFFER_WRITES_ATTRIBUTE}):
 * frames are then built off-heap (see {@code FrameBroadcaster#offHeapParts}) and written as they
 * are, so the JDK does not copy each frame into a temporary direct buffer per client. Without it
 * (any other container) frames stay on the heap and their arrays are written.
 *
 * <p>Threading: immutable; used by every client's drain loop.
 */
public final class ChunkWriter {
    private static final ChunkWriter PORTABLE = new ChunkWriter(Integer.MAX_VALUE, null, null);

    /** Writes longer than this go to the connection at once; MAX_VALUE when nothing is known. */
    private final int passThroughAbove;
    /** The container's buffer write, or null: arrays only. */
    private final BufferWrites buffers;
    /** The container's writes straight to a stream's connection, or null: through the servlet output only. */
    private final ConnectionWrites connections;

    private ChunkWriter(int passThroughAbove, BufferWrites buffers, ConnectionWrites connections) {
        this.passThroughAbove = passThroughAbove;
        this.buffers = buffers;
        this.connections = connections;
    }

    /** A flush after every burst: for any container. */
    static ChunkWriter portable() {
        return PORTABLE;
    }

    /**
     * For a server that hands every write longer than {@code bytes} to the connection without
     * keeping any of it, having first sent what it kept from earlier writes.
     */
    static ChunkWriter passThroughAbove(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("pass-through size must be >= 0, was: " + bytes);
        }
        return new ChunkWriter(bytes, null, null);
    }

    /** The writer for a context: the launcher's declaration if it made one, else {@link #portable()}. */
    public static ChunkWriter of(Object attribute) {
        return of(attribute, null);
    }

    /**
     * The writer for a context from the launcher's declarations: the pass-through size and the buffer
     * write, each used when it is there (of the expected type).
     */
    public static ChunkWriter of(Object passThrough, Object bufferWrites) {
        return of(passThrough, bufferWrites, null);
    }

    /** The same, with the launcher's writes straight to a stream's connection when it declared them. */
    public static ChunkWriter of(Object passThrough, Object bufferWrites, Object connectionWrites) {
        int bytes = passThrough instanceof Integer b ? b : Integer.MAX_VALUE;
        if (bytes < 0) {
            throw new IllegalArgumentException("pass-through size must be >= 0, was: " + bytes);
        }
        BufferWrites buffers = bufferWrites instanceof BufferWrites w ? w : null;
        ConnectionWrites connections = connectionWrites instanceof ConnectionWrites c ? c : null;
        return bytes == Integer.MAX_VALUE && buffers == null && connections == null ? PORTABLE
                : new ChunkWriter(bytes, buffers, connections);
    }

    /**
     * The connection under {@code request}'s response, for writes straight to it that report to
     * {@code done}; null when the launcher declared none or the request is not on one (HTTP/2).
     */
    ConnectionWrites.Connection connection(HttpServletRequest request, Consumer<Throwable> done) {
        return connections == null ? null : connections.of(request, done);
    }

    /** Whether chunks' off-heap copies are written (so frames are worth copying off-heap). */
    public boolean writesBuffers() {
        return buffers != null;
    }

    /**
     * Writes {@code chunk} whole (the caller has seen {@code isReady()}) and tells whether bytes of it
     * (or of earlier chunks) may still be in the container's buffer, so that a flush is due once
     * the client has caught up.
     */
    boolean write(ServletOutputStream out, StreamEncoder.Chunk chunk) throws IOException {
        return write(out, chunk, null);
    }

    /**
     * The same; a chunk with an off-heap part comes with a reference to it (see
     * {@link StreamEncoder#next}), which is handed to {@code inFlight} to release once the container
     * is done with the write, or released here when the bytes were copied.
     */
    boolean write(ServletOutputStream out, StreamEncoder.Chunk chunk, InFlight inFlight) throws IOException {
        OffHeapPart part = chunk.offHeap();
        if (part == null) {
            out.write(chunk.bytes(), chunk.offset(), chunk.length());
            return chunk.length() <= passThroughAbove;
        }
        if (buffers != null && inFlight != null) {
            ByteBuffer slice = part.slice(chunk.offset(), chunk.length());
            boolean written;
            try {
                written = buffers.write(out, slice);
            } catch (IOException | RuntimeException e) {
                inFlight.hold(part); // the container may still hold the buffer: released with the response
                throw e;
            }
            if (written) {
                inFlight.hold(part);
                return chunk.length() <= passThroughAbove;
            }
        }
        // Not the container's own stream (or no buffer writes): the bytes go out as an array.
        byte[] copy = new byte[chunk.length()];
        try {
            part.slice(chunk.offset(), chunk.length()).get(copy);
        } finally {
            part.release();
        }
        out.write(copy, 0, copy.length);
        return chunk.length() <= passThroughAbove;
    }

    @Override
    public String toString() {
        return passThroughAbove == Integer.MAX_VALUE && buffers == null ? "ChunkWriter{portable}"
                : "ChunkWriter{pass-through above " + passThroughAbove + (buffers == null ? "" : ", buffers") + "}";
    }
}
