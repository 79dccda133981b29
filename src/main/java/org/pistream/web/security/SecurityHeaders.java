package org.pistream.web.security;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code X-Content-Type-Options: nosniff} on every answer of the webapp, errors and refusals
 * included: a browser must never run a JPEG, a JSON body or an error text as something else. With
 * {@code hsts} set, answers over HTTPS also carry {@code Strict-Transport-Security: max-age=N}
 * (without {@code includeSubDomains}: a camera should not decide for its domain's other hosts);
 * never over plain HTTP, where browsers ignore it.
 */
public final class SecurityHeaders extends HttpFilter {
    private static final long serialVersionUID = 1L;

    /** The header's value, or null for none. */
    private final String strictTransportSecurity;

    /** nosniff only. */
    public SecurityHeaders() {
        this(-1);
    }

    /** @param hstsMaxAgeSeconds the max-age of {@code Strict-Transport-Security} on HTTPS answers; negative: none */
    public SecurityHeaders(long hstsMaxAgeSeconds) {
        this.strictTransportSecurity = hstsMaxAgeSeconds < 0 ? null : "max-age=" + hstsMaxAgeSeconds;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        response.setHeader("X-Content-Type-Options", "nosniff");
        if (strictTransportSecurity != null && request.isSecure()) {
            response.setHeader("Strict-Transport-Security", strictTransportSecurity);
        }
        chain.doFilter(request, response);
    }
}
