package org.pistream.web.stream;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The embedded server's way to write a stream's frames straight to its HTTP/1 connection, past the
 * layers of the servlet output (its state machine, the response's lock and header checks, the
 * HTTP stream): at hundreds of viewers those cost about as much per frame as the socket write
 * itself. The stream's bytes are the same: its response is not chunked (it ends with the
 * connection), so a frame's bytes go to the connection as they are either way. The launcher
 * declares one for its Jetty ({@link org.pistream.web.PiStreamContextListener#CONNECTION_WRITES_ATTRIBUTE});
 * in any other container clients write through the servlet output.
 */
@FunctionalInterface
public interface ConnectionWrites {
    /**
     * The connection under {@code request}'s response, whose writes report to {@code done}; null when
     * it is not the server's own HTTP/1 connection (HTTP/2, a wrapped request).
     */
    Connection of(HttpServletRequest request, Consumer<Throwable> done);

    /** One response's connection; one write at a time. */
    interface Connection {
        /**
         * Writes {@code buffer} whole, without waiting; then calls {@code done} once, with null or
         * the failure, on this thread before returning when the socket takes it all at once, else on
         * a server thread when it has. The buffer must stay unchanged until then.
         */
        void write(ByteBuffer buffer);

        /** Closes the connection now (a client dropped while a write of it is pending). */
        void abort();
    }
}
