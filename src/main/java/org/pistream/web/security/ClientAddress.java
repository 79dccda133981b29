package org.pistream.web.security;

import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.pistream.core.LogGate;
import org.pistream.core.settings.AddressRange;
import org.pistream.web.ShownValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place the client's address is decided ({@code trusted-proxies}): a request from a
 * trusted proxy whose {@code X-Forwarded-For} or {@code Forwarded} header names a client
 * ({@link ForwardedFor}) goes on with {@link HttpServletRequest#getRemoteAddr()} returning that
 * client, so the per-address stream cap, login throttling, logs and {@code /stats} all see it. The
 * first filter of every request, in a container as embedded. From any other peer the headers are
 * ignored, so nobody can choose their own address by sending one. Malformed headers are ignored
 * too (the proxy's address counts) and logged at most every 10 s.
 *
 * <p>The embedded server's connection limits count TCP connections per peer before any request is
 * read: there a proxy's connections stay the proxy's.
 */
public final class ClientAddress extends HttpFilter {
    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(ClientAddress.class);

    private final transient List<AddressRange> trusted;
    private final transient LogGate problemLog = new LogGate(10, TimeUnit.SECONDS);

    public ClientAddress(List<AddressRange> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        chain.doFilter(resolve(request), response);
    }

    /** {@code request} itself, or wrapped to give the forwarded client's address. */
    HttpServletRequest resolve(HttpServletRequest request) {
        if (trusted.isEmpty() || request instanceof Forwarded) {
            return request;
        }
        String peer = request.getRemoteAddr();
        if (!AddressRange.anyContains(trusted, AddressRange.parseAddress(peer))) {
            return request;
        }
        List<String> xForwardedFor = Collections.list(request.getHeaders(ForwardedFor.X_FORWARDED_FOR));
        List<String> forwarded = Collections.list(request.getHeaders(ForwardedFor.FORWARDED));
        if (xForwardedFor.isEmpty() && forwarded.isEmpty()) {
            return request;
        }
        ForwardedFor.Result result = ForwardedFor.resolve(xForwardedFor, forwarded, a -> AddressRange.anyContains(trusted, a));
        if (result.problem() != null) {
            String more = problemLog.pass();
            if (more != null) {
                log.warn("Ignored the {} header from trusted proxy {} ('{}'): {}; the proxy's address counts for this request"
                        + " (logged at most every 10 s){}", result.header(), peer, ShownValue.of(result.value(), ShownValue.LOG_MAX),
                        result.problem(), more);
            }
        }
        return result.client() == null ? request : new Forwarded(request, AddressRange.format(result.client()));
    }

    /** A request whose client is the one its trusted proxy named; no port is known for it (0). */
    private static final class Forwarded extends HttpServletRequestWrapper {
        private final String client;

        Forwarded(HttpServletRequest request, String client) {
            super(request);
            this.client = client;
        }

        @Override
        public String getRemoteAddr() {
            return client;
        }

        @Override
        public String getRemoteHost() {
            return client; // no lookups
        }

        @Override
        public int getRemotePort() {
            return 0;
        }
    }
}
