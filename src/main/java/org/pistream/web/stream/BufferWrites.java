package org.pistream.web.stream;

import java.io.IOException;
import java.nio.ByteBuffer;

import jakarta.servlet.ServletOutputStream;

/**
 * A container's own way to write a {@link ByteBuffer} to a response as it is: Servlet 6.0 has only
 * {@code write(byte[])}, whose socket write makes the JDK copy a heap array into a temporary direct
 * buffer per client and frame. The embedded launcher declares one for its Jetty
 * ({@link org.pistream.web.PiStreamContextListener#BUFFER_WRITES_ATTRIBUTE}); anywhere else clients
 * write arrays.
 */
@FunctionalInterface
public interface BufferWrites {
    /**
     * Writes {@code buffer} whole, as {@code write(byte[])} would in async mode (the caller saw
     * {@code isReady()}; the container may go on reading the buffer until {@code isReady()} is true
     * again or the response is complete), and returns true; or returns false, writing nothing, when
     * {@code out} is not the container's own stream (a wrapped response).
     */
    boolean write(ServletOutputStream out, ByteBuffer buffer) throws IOException;
}
