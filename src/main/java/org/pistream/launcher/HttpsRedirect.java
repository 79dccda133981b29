package org.pistream.launcher;

import java.util.function.IntSupplier;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * With {@code --plain-http redirect}: answers every plain-HTTP request with 308 to the same URL
 * on the HTTPS port (308 keeps the method, and players follow it like 301). Secure requests pass.
 */
final class HttpsRedirect extends Handler.Wrapper {
    private final IntSupplier httpsPort;

    /** @param httpsPort the HTTPS connector's port, asked per request because port 0 is only known once it listens */
    HttpsRedirect(IntSupplier httpsPort, Handler next) {
        super(next);
        this.httpsPort = httpsPort;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.isSecure()) {
            return super.handle(request, response, callback);
        }
        String location = HttpURI.build(request.getHttpURI()).scheme("https").port(httpsPort.getAsInt()).asString();
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        Response.sendRedirect(request, response, callback, HttpStatus.PERMANENT_REDIRECT_308, location, false);
        return true;
    }
}
