package org.pistream.web.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BasicCredentialsTest {
    private static String basic(String pair) {
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void splitsAtTheFirstColonSoPasswordsMayHoldColons() {
        BasicCredentials c = BasicCredentials.parse(basic("viewer:pa:ss:word"));
        assertArrayEquals("viewer".getBytes(StandardCharsets.UTF_8), c.user());
        assertArrayEquals("pa:ss:word".getBytes(StandardCharsets.UTF_8), c.password());
        assertArrayEquals("viewer:pa:ss:word".getBytes(StandardCharsets.UTF_8), c.pair());
    }

    @Test
    void schemeIsCaseInsensitiveAndUtf8IsDecoded() {
        BasicCredentials c = BasicCredentials.parse("bAsIc " + Base64.getEncoder().encodeToString("jürgen:größe".getBytes(StandardCharsets.UTF_8)));
        assertArrayEquals("jürgen".getBytes(StandardCharsets.UTF_8), c.user());
        assertEquals("j\\xfcrgen", c.userForLog(), "escaped for the log");
        assertArrayEquals("größe".getBytes(StandardCharsets.UTF_8), c.password());
    }

    @Test
    void emptyPasswordIsParsedAndLeftToTheCheck() {
        BasicCredentials c = BasicCredentials.parse(basic("viewer:"));
        assertEquals(0, c.password().length);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer abc.def", "Digest username=\"x\"", "Basicx abc", "Negotiate"})
    void otherSchemesAreNoBasicCredentials(String header) {
        assertNull(BasicCredentials.parse(header));
    }

    @Test
    void absentHeaderIsNoCredentials() {
        assertNull(BasicCredentials.parse(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Basic", "Basic ", "Basic !!!not-base64!!!", "Basic dXNlcm5hbWU=" /* "username": no colon */})
    void brokenBasicCredentialsAreMalformed(String header) {
        assertSame(BasicCredentials.MALFORMED, BasicCredentials.parse(header));
    }

    @Test
    void hugeTokenIsNotDecoded() {
        assertSame(BasicCredentials.MALFORMED, BasicCredentials.parse(basic("u:" + "p".repeat(5000))));
    }

    @Test
    void userForLogEscapesControlCharacters() {
        assertEquals("evil\\x0aname", BasicCredentials.parse(basic("evil\nname:x")).userForLog());
    }
}
