package org.pistream.launcher;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Error answers Jetty writes itself (400 for a malformed request, 414, 431, ...): no stack traces,
 * no server name, and {@code X-Content-Type-Options: nosniff} like every other answer. Requests
 * Jetty refused before any handler saw them (its parser's and its request checks' failures) are
 * counted ({@link #badRequests}), for {@code /stats} and {@code /metrics}: the log does not show
 * them ({@link JettyClientErrors}).
 */
final class ServerErrors extends ErrorHandler {
    private static final String NOSNIFF_HEADER = "X-Content-Type-Options";
    private final LongAdder badRequests = new LongAdder();

    ServerErrors() {
        setShowStacks(false);
        setShowCauses(false);
        setShowOrigin(false);
    }

    /** Answers to requests Jetty could not even parse: they never reach a handler. */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(NOSNIFF_HEADER, "nosniff");
        return super.badMessageError(status, reason, fields);
    }

    /** Requests answered here because Jetty found them malformed (400, 414, 426, 431, 505, ...). */
    long badRequests() {
        return badRequests.sum();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.getAttribute(ERROR_EXCEPTION) instanceof HttpException) {
            badRequests.increment();
        }
        return super.handle(request, response, callback);
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) throws java.io.IOException {
        response.getHeaders().put(NOSNIFF_HEADER, "nosniff");
        super.generateResponse(request, response, code, message, cause, callback);
    }
}
