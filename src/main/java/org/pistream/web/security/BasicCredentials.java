package org.pistream.web.security;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

import org.pistream.web.ShownValue;

/**
 * The user name and password of an HTTP Basic {@code Authorization} header (RFC 7617), as UTF-8
 * bytes. {@link #parse} returns null when the header carries no Basic credentials at all (a first
 * request, another scheme), and {@link #MALFORMED} when it tries and fails: that counts as a
 * wrong login.
 */
final class BasicCredentials {
    static final BasicCredentials MALFORMED = new BasicCredentials(new byte[0], new byte[0], new byte[0]);
    private static final String SCHEME = "Basic";
    /** Longer than any real name and password; a bigger header is not decoded. */
    private static final int MAX_TOKEN_CHARS = 1024;

    private final byte[] user;
    private final byte[] password;
    private final byte[] pair;

    private BasicCredentials(byte[] user, byte[] password, byte[] pair) {
        this.user = user;
        this.password = password;
        this.pair = pair;
    }

    static BasicCredentials parse(String header) {
        if (header == null) {
            return null;
        }
        String h = header.trim();
        if (h.length() < SCHEME.length() || !h.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
                || (h.length() > SCHEME.length() && h.charAt(SCHEME.length()) != ' ')) {
            return null;
        }
        String token = h.substring(SCHEME.length()).trim();
        if (token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
            return MALFORMED;
        }
        byte[] pair;
        try {
            pair = Base64.getDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            return MALFORMED;
        }
        int colon = -1;
        for (int i = 0; i < pair.length; i++) {
            if (pair[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon < 0) {
            return MALFORMED;
        }
        return new BasicCredentials(Arrays.copyOfRange(pair, 0, colon), Arrays.copyOfRange(pair, colon + 1, pair.length), pair);
    }

    byte[] user() {
        return user;
    }

    byte[] password() {
        return password;
    }

    /** {@code user:password}, the bytes that identify these credentials. */
    byte[] pair() {
        return pair;
    }

    /** The user name for a log line, cut and escaped ({@link ShownValue}); the password is never shown. */
    String userForLog() {
        return ShownValue.of(new String(user, StandardCharsets.UTF_8), 64);
    }
}
