package org.pistream.launcher;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;

/**
 * The first handler of the embedded server: answers 503 with {@code Retry-After} on connections
 * the {@link ConnectionGuard} refused (unless the guard finds room for them by their first
 * request), and tells it when each request on an admitted connection
 * begins and ends (the end is the completion of the request's callback, so a stream counts until
 * it is over).
 */
final class AdmissionHandler extends Handler.Wrapper {
    static final int RETRY_AFTER_SECONDS = 5;
    /** How long a refused connection's first request waits for a second look at the counts. */
    static final long RECHECK_MILLIS = 100;

    private final ConnectionGuard guard;

    AdmissionHandler(ConnectionGuard guard, Handler next) {
        super(next);
        this.guard = guard;
    }

    /** 503 with {@code Retry-After}, and the connection closed after it. */
    private static boolean refuse(Response response, Callback callback, String why) {
        byte[] body = ("Server busy: " + why + "; try again later.\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(HttpStatus.SERVICE_UNAVAILABLE_503);
        response.getHeaders().put(HttpHeader.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS));
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        ConnectionGuard.Peer peer = guard.peer(request.getConnectionMetaData().getRemoteSocketAddress());
        if (peer == null) {
            return super.handle(request, response, callback);
        }
        if (peer.refusal != null && !guard.retry(peer)) {
            // Jetty ends a request (our callback below) a moment after its answer went out, so a client
            // that opens its next connection at once can find its last one still counted: look once more
            // a little later, without holding a thread, before refusing.
            if (guard.later(() -> recheck(peer, request, response, callback), RECHECK_MILLIS)) {
                return true;
            }
            guard.refusedRequest(peer);
            return refuse(response, callback, peer.refusal);
        }
        return admitted(peer, request, response, callback);
    }

    /** The second look at a refused connection's first request, on a pool thread. */
    private void recheck(ConnectionGuard.Peer peer, Request request, Response response, Callback callback) {
        try {
            if (!guard.retry(peer)) {
                guard.refusedRequest(peer);
                refuse(response, callback, peer.refusal);
            } else if (!admitted(peer, request, response, callback)) {
                Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
            }
        } catch (Throwable t) {
            callback.failed(t);
        }
    }

    /** Handles a request on a connection the guard counts. */
    private boolean admitted(ConnectionGuard.Peer peer, Request request, Response response, Callback callback) throws Exception {
        if (!guard.requestBegins(peer, request.getConnectionMetaData().getConnection())) {
            return refuse(response, callback, "connection closed to make room for a newer one from your address");
        }
        AtomicBoolean ended = new AtomicBoolean();
        Runnable end = () -> {
            if (ended.compareAndSet(false, true)) {
                guard.requestEnds(peer);
            }
        };
        Callback ending = new Callback() {
            @Override
            public void succeeded() {
                end.run();
                callback.succeeded();
            }

            @Override
            public void failed(Throwable x) {
                end.run();
                callback.failed(x);
            }

            @Override
            public Invocable.InvocationType getInvocationType() {
                return callback.getInvocationType();
            }
        };
        boolean handled;
        try {
            handled = super.handle(request, response, ending);
        } catch (Throwable t) {
            end.run(); // Jetty fails the original callback, not ours
            throw t;
        }
        if (!handled) {
            end.run(); // Jetty answers 404 itself and will not complete our callback
        }
        return handled;
    }
}
