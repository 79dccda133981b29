package org.pistream.web.stream;

import java.io.IOException;

import jakarta.servlet.ServletOutputStream;

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
 * <p>Threading: immutable; used by every client's drain loop.
 */
public final class ChunkWriter {
    private static final ChunkWriter PORTABLE = new ChunkWriter(Integer.MAX_VALUE);

    /** Writes longer than this go to the connection at once; MAX_VALUE when nothing is known. */
    private final int passThroughAbove;

    private ChunkWriter(int passThroughAbove) {
        this.passThroughAbove = passThroughAbove;
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
        return new ChunkWriter(bytes);
    }

    /** The writer for a context: the launcher's declaration if it made one, else {@link #portable()}. */
    public static ChunkWriter of(Object attribute) {
        return attribute instanceof Integer bytes ? passThroughAbove(bytes) : portable();
    }

    /**
     * Writes {@code chunk} whole (the caller has seen {@code isReady()}) and tells whether bytes of it
     * (or of earlier chunks) may still be in the container's buffer, so that a flush is due once
     * the client has caught up.
     */
    boolean write(ServletOutputStream out, StreamEncoder.Chunk chunk) throws IOException {
        out.write(chunk.bytes(), chunk.offset(), chunk.length());
        return chunk.length() <= passThroughAbove;
    }

    @Override
    public String toString() {
        return passThroughAbove == Integer.MAX_VALUE ? "ChunkWriter{portable}" : "ChunkWriter{pass-through above " + passThroughAbove + "}";
    }
}
