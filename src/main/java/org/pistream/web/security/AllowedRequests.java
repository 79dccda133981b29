package org.pistream.web.security;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Refuses requests that no pi-stream endpoint serves, before anything else looks at them: methods
 * other than GET, HEAD and OPTIONS get 405 with {@code Allow}; a request body larger than
 * {@value #MAX_BODY_BYTES} bytes (or of unknown length) gets 413 without being read, and the
 * connection is closed, so a client cannot make the server read or buffer an upload it never asked for.
 */
public final class AllowedRequests extends HttpFilter {
    private static final long serialVersionUID = 1L;
    static final String ALLOW = "GET, HEAD, OPTIONS";
    static final Set<String> METHODS = Set.of("GET", "HEAD", "OPTIONS");
    /** Enough for a client that sends an empty JSON object or a form by habit; no endpoint reads a body. */
    static final int MAX_BODY_BYTES = 1024;

    /** The camera controls ({@code /controls}, {@code /cam/NAME/controls}) also take a POST with a JSON body this large. */
    static final int MAX_CONTROLS_BODY_BYTES = 16 * 1024;
    static final String CONTROLS_ALLOW = "GET, HEAD, POST, OPTIONS";

    /** Whether {@code path} (within the webapp) is a camera's controls: the one endpoint that takes a POST. */
    public static boolean isControls(String path) {
        return path.equals("/controls") || path.matches("/cam/[^/]+/controls");
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        boolean controls = isControls(org.pistream.web.RequestPaths.within(request));
        if (controls && request.getMethod().equals("POST")) {
            long length = request.getContentLengthLong();
            if (length > MAX_CONTROLS_BODY_BYTES || length < 0) {
                response.setHeader("Connection", "close");
                Refusals.send(response, length < 0 ? 411 : HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                        "A JSON body of at most " + MAX_CONTROLS_BODY_BYTES + " bytes, with Content-Length, is needed.");
                return;
            }
            chain.doFilter(request, response);
            return;
        }
        if (!METHODS.contains(request.getMethod())) {
            response.setHeader("Allow", controls ? CONTROLS_ALLOW : ALLOW);
            Refusals.send(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "Method not allowed; use GET or HEAD.");
            return;
        }
        String transferEncoding = request.getHeader("Transfer-Encoding");
        long length = request.getContentLengthLong();
        if (length > MAX_BODY_BYTES || (transferEncoding != null && !transferEncoding.toLowerCase(Locale.ROOT).equals("identity"))) {
            response.setHeader("Connection", "close"); // the unread body must not be taken for the next request
            Refusals.send(response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, "Request body not accepted.");
            return;
        }
        chain.doFilter(request, response);
    }
}
