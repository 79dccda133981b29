package org.pistream.web.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LoginThrottleTest {
    private static final long SECOND = 1_000_000_000L;
    private final LoginThrottle throttle = new LoginThrottle();

    @Test
    void firstFailureOfAWindowIsLoggedTheRestQuietlyUntilTheBlock() {
        long t = 1_000 * SECOND;
        assertEquals(LoginThrottle.Failure.FIRST_IN_WINDOW, throttle.failed("10.0.0.1", t));
        for (int i = 2; i < LoginThrottle.MAX_FAILURES; i++) {
            assertEquals(LoginThrottle.Failure.QUIET, throttle.failed("10.0.0.1", t + i));
            assertEquals(0, throttle.retryAfterSeconds("10.0.0.1", t + i), "not blocked after " + i);
        }
        assertEquals(LoginThrottle.Failure.NOW_BLOCKED, throttle.failed("10.0.0.1", t + 20));
        assertEquals(LoginThrottle.Failure.QUIET, throttle.failed("10.0.0.1", t + 21));
    }

    @Test
    void blockedAddressWaitsForTheEndOfItsWindowOthersDoNot() {
        long t = 5_000 * SECOND;
        for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
            throttle.failed("10.0.0.2", t);
        }
        assertEquals(LoginThrottle.WINDOW_SECONDS, throttle.retryAfterSeconds("10.0.0.2", t));
        assertEquals(LoginThrottle.WINDOW_SECONDS - 20, throttle.retryAfterSeconds("10.0.0.2", t + 20 * SECOND));
        assertEquals(1, throttle.retryAfterSeconds("10.0.0.2", t + (LoginThrottle.WINDOW_SECONDS - 1) * SECOND));
        assertEquals(0, throttle.retryAfterSeconds("10.0.0.3", t), "another address is not affected");
        assertEquals(0, throttle.retryAfterSeconds("10.0.0.2", t + LoginThrottle.WINDOW_SECONDS * SECOND));
        assertEquals(LoginThrottle.Failure.FIRST_IN_WINDOW, throttle.failed("10.0.0.2", t + LoginThrottle.WINDOW_SECONDS * SECOND),
                "a new window starts afresh");
    }

    @Test
    void successForgetsTheFailures() {
        long t = 9_000 * SECOND;
        for (int i = 0; i < LoginThrottle.MAX_FAILURES - 1; i++) {
            throttle.failed("10.0.0.4", t);
        }
        throttle.succeeded("10.0.0.4");
        assertEquals(LoginThrottle.Failure.FIRST_IN_WINDOW, throttle.failed("10.0.0.4", t + 1));
        assertEquals(0, throttle.retryAfterSeconds("10.0.0.4", t + 1));
    }

    @Test
    void remembersABoundedNumberOfAddresses() {
        long t = 20_000 * SECOND;
        for (int i = 0; i < LoginThrottle.MAX_ADDRESSES + 500; i++) {
            throttle.failed("a" + i, t);
        }
        assertTrue(throttle.addresses() <= LoginThrottle.MAX_ADDRESSES + 1, "addresses: " + throttle.addresses());
    }
}
