package org.pistream.web.security;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed logins per remote address, in windows of {@value #WINDOW_SECONDS} s. An address with
 * {@value #MAX_FAILURES} failures in its window is refused until the window ends, so guessing
 * passwords costs a minute per ten guesses and each guess costs the server at most one hash
 * derivation. Also decides which failures are worth a log line: the first of a window and the one
 * that blocks the address, so an attack cannot flood the log.
 *
 * <p>Thread-safe. At most {@value #MAX_ADDRESSES} addresses are remembered; when more fail at
 * once, expired windows are dropped first, then arbitrary ones.
 */
final class LoginThrottle {
    static final int MAX_FAILURES = 10;
    static final long WINDOW_SECONDS = 60;
    static final int MAX_ADDRESSES = 10_000;
    private static final long WINDOW_NANOS = WINDOW_SECONDS * 1_000_000_000L;

    /** What a failure means for the log. */
    enum Failure { FIRST_IN_WINDOW, NOW_BLOCKED, QUIET }

    private static final class Window {
        final long startNanos;
        int failures;

        Window(long startNanos) {
            this.startNanos = startNanos;
        }
    }

    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    /** Seconds until {@code address} may try again; 0 when it may try now. */
    long retryAfterSeconds(String address, long nowNanos) {
        Window w = windows.get(address);
        if (w == null) {
            return 0;
        }
        synchronized (w) {
            long left = w.startNanos + WINDOW_NANOS - nowNanos;
            if (left <= 0) {
                windows.remove(address, w);
                return 0;
            }
            return w.failures >= MAX_FAILURES ? (left + 999_999_999L) / 1_000_000_000L : 0;
        }
    }

    Failure failed(String address, long nowNanos) {
        while (true) {
            Window w = windows.computeIfAbsent(address, a -> new Window(nowNanos));
            synchronized (w) {
                if (nowNanos - w.startNanos >= WINDOW_NANOS) {
                    windows.remove(address, w); // expired: start a new window
                    continue;
                }
                w.failures++;
                if (windows.size() > MAX_ADDRESSES) {
                    prune(nowNanos, address);
                }
                if (w.failures == 1) {
                    return Failure.FIRST_IN_WINDOW;
                }
                return w.failures == MAX_FAILURES ? Failure.NOW_BLOCKED : Failure.QUIET;
            }
        }
    }

    /** A correct login forgets the address's failures. */
    void succeeded(String address) {
        windows.remove(address);
    }

    int addresses() {
        return windows.size();
    }

    private void prune(long nowNanos, String keep) {
        windows.entrySet().removeIf(e -> nowNanos - e.getValue().startNanos >= WINDOW_NANOS);
        Iterator<String> it = windows.keySet().iterator();
        while (windows.size() > MAX_ADDRESSES && it.hasNext()) {
            if (!it.next().equals(keep)) {
                it.remove();
            }
        }
    }
}
