package org.pistream.web.security;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.pistream.web.RequestPaths;

/**
 * Answers every {@code OPTIONS} request (it reveals only the methods, so it needs no credentials)
 * and, for origins named by {@code allow-origin}, lets their scripts read {@link #PATHS} (CORS).
 *
 * <p>A preflight ({@code OPTIONS} with {@code Access-Control-Request-Method}) from an allowed
 * origin asking for GET or HEAD, with no request header beyond {@code Authorization}, gets the
 * CORS headers; any other gets none, so the browser refuses the real request. With explicit
 * origins and authentication on, credentials may be sent ({@code Access-Control-Allow-Credentials});
 * {@code *} never allows credentials (browsers reject the combination).
 */
public final class CorsFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;
    public static final Set<String> PATHS = Set.of("/stream", "/snapshot", "/stats");
    static final String ALLOWED_METHODS = "GET, HEAD";
    static final String ALLOWED_HEADERS = "Authorization";
    static final String EXPOSED_HEADERS = "X-Timestamp";
    static final String MAX_AGE_SECONDS = "600";

    private final List<String> origins;
    private final boolean credentials;

    /**
     * @param origins     allowed origins, {@code ["*"]} for any, empty for CORS off
     * @param credentials whether authentication is on (explicit origins may then send credentials)
     */
    public CorsFilter(List<String> origins, boolean credentials) {
        this.origins = List.copyOf(origins);
        this.credentials = credentials && !this.origins.contains("*");
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = RequestPaths.within(request);
        boolean corsPath = !origins.isEmpty() && (PATHS.contains(path) || path.startsWith("/" + RequestPaths.CAMERAS + "/"));
        String allowed = corsPath ? allowedOrigin(request.getHeader("Origin")) : null;
        if (corsPath) {
            response.addHeader("Vary", "Origin"); // the answer differs by origin: caches must keep them apart
        }
        if (request.getMethod().equals("OPTIONS")) {
            String method = request.getHeader("Access-Control-Request-Method");
            if (allowed != null && method != null && (method.equals("GET") || method.equals("HEAD"))
                    && onlyAllowedHeaders(request.getHeader("Access-Control-Request-Headers"))) {
                allowOrigin(response, allowed);
                response.setHeader("Access-Control-Allow-Methods", ALLOWED_METHODS);
                response.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
                response.setHeader("Access-Control-Max-Age", MAX_AGE_SECONDS);
            }
            response.setHeader("Allow", AllowedRequests.ALLOW);
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
            return;
        }
        if (allowed != null) {
            allowOrigin(response, allowed);
            response.setHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
        }
        chain.doFilter(request, response);
    }

    /** The value for {@code Access-Control-Allow-Origin}, or null when the origin may not read. */
    private String allowedOrigin(String origin) {
        if (origin == null) {
            return null;
        }
        if (origins.contains("*")) {
            return "*";
        }
        String normalised = origin.trim().toLowerCase(Locale.ROOT);
        return origins.contains(normalised) ? origin.trim() : null;
    }

    private void allowOrigin(HttpServletResponse response, String allowed) {
        response.setHeader("Access-Control-Allow-Origin", allowed);
        if (credentials) {
            response.setHeader("Access-Control-Allow-Credentials", "true");
        }
    }

    private static boolean onlyAllowedHeaders(String requested) {
        if (requested == null || requested.isBlank()) {
            return true;
        }
        for (String name : requested.split(",")) {
            String n = name.trim();
            if (!n.isEmpty() && !n.equalsIgnoreCase(ALLOWED_HEADERS)) {
                return false;
            }
        }
        return true;
    }
}
