package org.pistream.core.settings;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A salted password hash: PBKDF2 with HMAC-SHA256 from the JDK, written as
 * {@code pbkdf2-sha256$ITERATIONS$SALT$HASH} (salt and hash in standard Base64).
 *
 * <p>The cost is in the text, so an operator can choose it; {@link #create} uses
 * {@value #DEFAULT_ITERATIONS} iterations (OWASP's figure for PBKDF2-HMAC-SHA256). Checking a
 * password compares the derived key with {@link MessageDigest#isEqual}, in time independent of
 * where the first difference is. {@link #toString()} never shows the salt or the hash. Immutable and
 * thread-safe.
 */
public final class PasswordHash {
    public static final String SCHEME = "pbkdf2-sha256";
    public static final int DEFAULT_ITERATIONS = 600_000;
    static final int MIN_ITERATIONS = 10_000;
    static final int MAX_ITERATIONS = 10_000_000;
    private static final int SALT_BYTES = 16;
    private static final int MIN_SALT_BYTES = 8;
    private static final int HASH_BYTES = 32;
    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private PasswordHash(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /** Hashes {@code password} with a fresh random salt; returns the text form. */
    public static String create(char[] password, SecureRandom random) {
        return create(password, random, DEFAULT_ITERATIONS);
    }

    static String create(char[] password, SecureRandom random, int iterations) {
        if (password.length == 0) {
            throw new IllegalArgumentException("the password must not be empty");
        }
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        PasswordHash h = new PasswordHash(iterations, salt, derive(password, salt, iterations, HASH_BYTES));
        return h.text();
    }

    /**
     * Reads the text form.
     *
     * @throws IllegalArgumentException with a message that describes the expected form and never
     *                                  repeats the text itself
     */
    public static PasswordHash parse(String text) {
        String[] fields = text == null ? new String[0] : text.trim().split("\\$", -1);
        if (fields.length != 4 || !fields[0].equals(SCHEME)) {
            throw new IllegalArgumentException("must be " + SCHEME + "$ITERATIONS$SALT$HASH, as 'hash-password' prints it");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(fields[1]);
        } catch (NumberFormatException e) {
            iterations = -1;
        }
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be a number from " + MIN_ITERATIONS + " to " + MAX_ITERATIONS);
        }
        byte[] salt;
        byte[] hash;
        try {
            salt = Base64.getDecoder().decode(fields[2]);
            hash = Base64.getDecoder().decode(fields[3]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("salt and hash must be Base64");
        }
        if (salt.length < MIN_SALT_BYTES || hash.length < 16 || hash.length > 64) {
            throw new IllegalArgumentException("salt must have at least " + MIN_SALT_BYTES + " bytes and the hash 16 to 64");
        }
        return new PasswordHash(iterations, salt, hash);
    }

    /** Whether {@code password} is the one this hash was made from. Costs one full derivation. */
    public boolean matches(char[] password) {
        if (password.length == 0) {
            return false; // never a valid password ('hash-password' refuses it), and the JDK cannot key an HMAC with it
        }
        byte[] derived = derive(password, salt, iterations, hash.length);
        return MessageDigest.isEqual(derived, hash);
    }

    /** The same check for a password given as UTF-8 bytes (as HTTP Basic credentials arrive). */
    public boolean matches(byte[] passwordUtf8) {
        CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(passwordUtf8));
        char[] password = new char[chars.remaining()];
        chars.get(password);
        try {
            return matches(password);
        } finally {
            Arrays.fill(password, '\0');
            if (chars.hasArray()) {
                Arrays.fill(chars.array(), '\0');
            }
        }
    }

    public int iterations() {
        return iterations;
    }

    private String text() {
        return SCHEME + "$" + iterations + "$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(hash);
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations, int bytes) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, bytes * 8);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is part of every JDK but failed here", e);
        } finally {
            spec.clearPassword();
        }
    }

    /** Names the scheme and cost only: a hash is never printed, not even in debug logs. */
    @Override
    public String toString() {
        return SCHEME + "(" + iterations + " iterations)";
    }
}
