package org.pistream.launcher;

import java.nio.ByteBuffer;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Error answers Jetty writes itself (400 for a malformed request, 414, 431, ...): no stack traces,
 * no server name, and {@code X-Content-Type-Options: nosniff} like every other answer.
 */
final class ServerErrors extends ErrorHandler {
    private static final String NOSNIFF_HEADER = "X-Content-Type-Options";

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

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) throws java.io.IOException {
        response.getHeaders().put(NOSNIFF_HEADER, "nosniff");
        super.generateResponse(request, response, code, message, cause, callback);
    }
}
