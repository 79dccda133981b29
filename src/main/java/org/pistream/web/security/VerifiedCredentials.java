package org.pistream.web.security;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Remembers credentials that passed the slow password check, so a viewer's next requests (a page
 * polls {@code /stats} every two seconds, players reconnect) cost one HMAC instead of a full
 * derivation. Only a keyed fingerprint is kept (HMAC-SHA256 with a key made at start and never
 * stored), compared in constant time. Thread-safe; holds at most {@value #CAPACITY} fingerprints.
 */
final class VerifiedCredentials {
    static final int CAPACITY = 8;
    private static final String MAC = "HmacSHA256";

    private final SecretKeySpec key;
    private final Deque<byte[]> fingerprints = new ArrayDeque<>();

    VerifiedCredentials(SecureRandom random) {
        byte[] k = new byte[32];
        random.nextBytes(k);
        this.key = new SecretKeySpec(k, MAC);
    }

    byte[] fingerprint(byte[] pair) {
        try {
            Mac mac = Mac.getInstance(MAC);
            mac.init(key);
            return mac.doFinal(pair);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(MAC + " is part of every JDK but failed here", e);
        }
    }

    synchronized boolean contains(byte[] fingerprint) {
        boolean found = false;
        for (byte[] f : fingerprints) {
            found |= MessageDigest.isEqual(f, fingerprint); // no early exit: the time does not depend on which one matched
        }
        return found;
    }

    synchronized void add(byte[] fingerprint) {
        if (fingerprints.size() >= CAPACITY) {
            fingerprints.removeFirst();
        }
        fingerprints.addLast(fingerprint);
    }
}
