package org.pistream.launcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

import jakarta.servlet.http.HttpServletRequest;

import org.eclipse.jetty.ee10.servlet.ServletChannel;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.Callback;
import org.pistream.web.stream.ConnectionWrites;

/**
 * Stream clients' writes straight to their Jetty HTTP/1 connection's {@link EndPoint}: the
 * endpoint's own non-blocking write (the same {@code WriteFlusher} and socket write the servlet
 * output ends in), without the layers above it. Any other request (HTTP/2 over TLS, a wrapped
 * request) gets none and its client writes through the servlet output.
 */
final class JettyConnectionWrites implements ConnectionWrites {

    @Override
    public Connection of(HttpServletRequest request, Consumer<Throwable> done) {
        ServletContextRequest jetty;
        try {
            jetty = ServletContextRequest.getServletContextRequest(request);
        } catch (IllegalStateException notJettys) {
            return null;
        }
        if (jetty == null) {
            return null;
        }
        ServletChannel channel = jetty.getServletChannel();
        if (!(channel.getConnection() instanceof HttpConnection)) {
            return null;
        }
        return new EndPointWrites(channel.getEndPoint(), done);
    }

    /** One response's endpoint; one callback object for all its writes (one write at a time). */
    private static final class EndPointWrites implements Connection, Callback {
        private final EndPoint endPoint;
        private final Consumer<Throwable> done;

        EndPointWrites(EndPoint endPoint, Consumer<Throwable> done) {
            this.endPoint = endPoint;
            this.done = done;
        }

        /**
         * Flushes at once, which is all a frame needs while the viewer keeps up (no write is pending,
         * so nothing else flushes this endpoint); only what the socket did not take goes through the
         * endpoint's write, which finishes it when the socket drains.
         */
        @Override
        public void write(ByteBuffer buffer) {
            try {
                if (endPoint.flush(buffer)) {
                    done.accept(null);
                    return;
                }
            } catch (IOException | RuntimeException e) {
                done.accept(e);
                return;
            }
            endPoint.write(this, buffer);
        }

        @Override
        public void abort() {
            endPoint.close();
        }

        @Override
        public void succeeded() {
            done.accept(null);
        }

        @Override
        public void failed(Throwable failure) {
            done.accept(failure);
        }

        /**
         * What the completion runs (the client's next writes) never blocks, so the selector runs it
         * at once instead of handing it to a pool thread: no thread per waiting client, no hand-off.
         */
        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }
    }
}
