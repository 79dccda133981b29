package org.pistream.core.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordHashTest {
    /** The low end of the accepted cost keeps the tests quick; the format and the check are the same. */
    private static final int FAST = PasswordHash.MIN_ITERATIONS;
    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void hashMatchesItsPasswordOnly() {
        PasswordHash hash = PasswordHash.parse(PasswordHash.create("correct horse".toCharArray(), RANDOM, FAST));
        assertTrue(hash.matches("correct horse".toCharArray()));
        assertTrue(hash.matches("correct horse".getBytes(StandardCharsets.UTF_8)));
        assertFalse(hash.matches("correct horsE".toCharArray()));
        assertFalse(hash.matches("correct horse ".toCharArray()));
        assertFalse(hash.matches(new char[0]));
        assertFalse(hash.matches(new byte[0]));
    }

    @Test
    void nonAsciiPasswordsWorkAsUtf8() {
        PasswordHash hash = PasswordHash.parse(PasswordHash.create("Grüße, 東京 🔑".toCharArray(), RANDOM, FAST));
        assertTrue(hash.matches("Grüße, 東京 🔑".getBytes(StandardCharsets.UTF_8)));
        assertFalse(hash.matches("Grusse, 東京 🔑".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void everyHashHasItsOwnSalt() {
        String a = PasswordHash.create("same".toCharArray(), RANDOM, FAST);
        String b = PasswordHash.create("same".toCharArray(), RANDOM, FAST);
        assertNotEquals(a, b);
        assertTrue(PasswordHash.parse(a).matches("same".toCharArray()));
        assertTrue(PasswordHash.parse(b).matches("same".toCharArray()));
    }

    @Test
    void textFormNamesSchemeCostSaltAndHash() {
        String text = PasswordHash.create("pw".toCharArray(), RANDOM);
        String[] fields = text.split("\\$");
        assertEquals(4, fields.length, text);
        assertEquals("pbkdf2-sha256", fields[0]);
        assertEquals(String.valueOf(PasswordHash.DEFAULT_ITERATIONS), fields[1]);
        assertEquals(16, Base64.getDecoder().decode(fields[2]).length);
        assertEquals(32, Base64.getDecoder().decode(fields[3]).length);
        assertEquals(PasswordHash.DEFAULT_ITERATIONS, PasswordHash.parse(text).iterations());
    }

    /** A reference value computed independently (Python's hashlib.pbkdf2_hmac) pins the algorithm. */
    @Test
    void matchesAnIndependentlyComputedPbkdf2Sha256() {
        // hashlib.pbkdf2_hmac('sha256', b'pi-stream', b'0123456789abcdef', 10000) in Base64
        String text = "pbkdf2-sha256$10000$MDEyMzQ1Njc4OWFiY2RlZg==$uEEyTJ86AEeBnosCHazhAMa2pRF6RErJtmXjTbUAWPE=";
        assertTrue(PasswordHash.parse(text).matches("pi-stream".toCharArray()));
        assertFalse(PasswordHash.parse(text).matches("pi-streaM".toCharArray()));
    }

    @Test
    void toStringNeverShowsSaltOrHash() {
        String text = PasswordHash.create("pw".toCharArray(), RANDOM, FAST);
        String shown = PasswordHash.parse(text).toString();
        assertFalse(shown.contains(text.split("\\$")[2]), shown);
        assertFalse(shown.contains(text.split("\\$")[3]), shown);
        assertEquals("pbkdf2-sha256(10000 iterations)", shown);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "plain-password", "pbkdf2-sha256$10000$c2FsdHNhbHQ=", "bcrypt$10000$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==",
        "pbkdf2-sha256$ten$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==", "pbkdf2-sha256$9999$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==",
        "pbkdf2-sha256$10000$not base64!$aGFzaGhhc2hoYXNoaGFzaA==", "pbkdf2-sha256$10000$c2FsdA==$aGFzaGhhc2hoYXNoaGFzaA==",
        "pbkdf2-sha256$10000$c2FsdHNhbHQ=$c2hvcnQ="})
    void badTextIsRefusedWithoutRepeatingIt(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse(text));
        if (!text.isEmpty()) {
            assertFalse(e.getMessage().contains(text), e.getMessage());
        }
    }

    @Test
    void emptyPasswordCannotBeHashed() {
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.create(new char[0], RANDOM));
    }
}
