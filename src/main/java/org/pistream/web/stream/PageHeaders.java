package org.pistream.web.stream;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Headers of the live-view page and its files: a Content-Security-Policy that allows the page's
 * own origin only (the page has no inline script or style, so nothing needs an exception), no MIME
 * sniffing, no referrer, and a short cache lifetime (the live picture itself is never cached).
 */
public final class PageHeaders extends HttpFilter {
    private static final long serialVersionUID = 1L;
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; base-uri 'self'; form-action 'self'; "
            + "frame-ancestors 'self'; object-src 'none'";
    static final String CACHE_CONTROL = "max-age=60";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Cache-Control", CACHE_CONTROL);
        // The files are UTF-8; a default servlet that knows only the MIME type then names the charset too.
        response.setCharacterEncoding("UTF-8");
        chain.doFilter(request, response);
    }
}
