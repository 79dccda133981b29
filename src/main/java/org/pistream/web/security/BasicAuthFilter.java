package org.pistream.web.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.pistream.core.LogGate;
import org.pistream.core.settings.Settings;
import org.pistream.web.RequestPaths;
import org.pistream.web.ShownValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP Basic authentication for every path of the webapp except the exempt ones (health checks).
 *
 * <p>A request without credentials gets 401 with a challenge (browsers, ffmpeg and VLC then ask or
 * retry with the user and password of the URL). Wrong credentials count against the remote
 * address ({@link LoginThrottle}); an address that failed too often gets 429 with
 * {@code Retry-After} without its password being checked. The user name is compared with
 * {@link MessageDigest#isEqual} and the password hash is derived even for a wrong name, so the
 * answer time tells neither. Credentials that passed are remembered by fingerprint
 * ({@link VerifiedCredentials}); at most a few slow derivations run at once, so guesses from many
 * addresses cannot take every core from the camera.
 */
public final class BasicAuthFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(BasicAuthFilter.class);
    static final String CHALLENGE = "Basic realm=\"pi-stream\", charset=\"UTF-8\"";
    private static final long DERIVATION_WAIT_SECONDS = 10;
    static final int FAILURE_LINES_PER_10_S = 10;

    private final transient Settings.Auth auth;
    private final byte[] user;
    private final Set<String> exempt;
    private final transient LoginThrottle throttle = new LoginThrottle();
    private final transient VerifiedCredentials verified = new VerifiedCredentials(new SecureRandom());
    private final transient Semaphore derivations = new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    private final transient SecurityCounters counters;
    /**
     * The throttle keeps each address to two lines a minute; this keeps many addresses (a botnet,
     * or one IPv6 host that changes address) to a few lines every 10 s in all.
     */
    private final transient LogGate failureLog = new LogGate(FAILURE_LINES_PER_10_S, 10, TimeUnit.SECONDS);

    /** Set on a request whose credentials were checked: the user name (camera controls need it, and log it). */
    public static final String USER_ATTRIBUTE = "org.pistream.user";

    public BasicAuthFilter(Settings.Auth auth, SecurityCounters counters) {
        this.auth = auth;
        this.user = auth.user().getBytes(StandardCharsets.UTF_8);
        this.exempt = Set.copyOf(auth.exemptPaths());
        this.counters = counters;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (exempt.contains(RequestPaths.within(request))) {
            chain.doFilter(request, response);
            return;
        }
        String address = request.getRemoteAddr();
        long wait = throttle.retryAfterSeconds(address, System.nanoTime());
        if (wait > 0) {
            counters.authThrottled.increment();
            response.setHeader("Retry-After", Long.toString(wait));
            Refusals.send(response, 429, "Too many failed logins from your address; try again later.");
            return;
        }
        BasicCredentials credentials = BasicCredentials.parse(request.getHeader("Authorization"));
        if (credentials == null) {
            challenge(response); // a first request: not a failure
            return;
        }
        Boolean valid = check(credentials);
        if (valid == null) {
            response.setHeader("Retry-After", "1");
            Refusals.send(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "Busy checking logins; try again.");
            return;
        }
        if (valid) {
            throttle.succeeded(address);
            request.setAttribute(USER_ATTRIBUTE, auth.user());
            chain.doFilter(request, response);
            return;
        }
        counters.authFailures.increment();
        LoginThrottle.Failure failure = throttle.failed(address, System.nanoTime());
        String more = failure == LoginThrottle.Failure.QUIET ? null : failureLog.pass();
        if (more != null) {
            if (failure == LoginThrottle.Failure.FIRST_IN_WINDOW) {
                log.warn("Failed login from {} as '{}' (wrong user name or password) for {}{}", address,
                        credentials.userForLog(), ShownValue.of(RequestPaths.within(request), ShownValue.LOG_MAX), more);
            } else {
                log.warn("{} failed logins from {} within {} s: refusing its logins until the {} s are over{}",
                        LoginThrottle.MAX_FAILURES, address, LoginThrottle.WINDOW_SECONDS, LoginThrottle.WINDOW_SECONDS, more);
            }
        }
        challenge(response);
    }

    /** True or false; null when too many derivations are running to start one soon. */
    private Boolean check(BasicCredentials credentials) {
        byte[] fingerprint = verified.fingerprint(credentials.pair());
        if (verified.contains(fingerprint)) {
            return true;
        }
        boolean userMatches = MessageDigest.isEqual(credentials.user(), user);
        try {
            if (!derivations.tryAcquire(DERIVATION_WAIT_SECONDS, TimeUnit.SECONDS)) {
                return null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        boolean passwordMatches;
        try {
            passwordMatches = auth.passwordHash().matches(credentials.password());
        } finally {
            derivations.release();
        }
        if (userMatches && passwordMatches) {
            verified.add(fingerprint);
            return true;
        }
        return false;
    }

    private static void challenge(HttpServletResponse response) throws IOException {
        response.setHeader("WWW-Authenticate", CHALLENGE);
        Refusals.send(response, HttpServletResponse.SC_UNAUTHORIZED, "Authentication required.");
    }
}
