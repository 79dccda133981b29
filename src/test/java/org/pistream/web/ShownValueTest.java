package org.pistream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ShownValueTest {

    @Test
    void printableAsciiStaysAsItIs() {
        assertEquals("Mozilla/5.0 (X11; Linux) ~!", ShownValue.of("Mozilla/5.0 (X11; Linux) ~!"));
    }

    @Test
    void everythingElseIsEscapedAsBytes() {
        assertEquals("a\\x0d\\x0aINFO forged", ShownValue.of("a\r\nINFO forged"), "no forged log lines");
        assertEquals("\\x1b[31mred", ShownValue.of("\u001b[31mred"), "no terminal escapes");
        assertEquals("ex\\xe4mple", ShownValue.of("ex\u00e4mple"), "a header byte read as ISO-8859-1, as sent");
        assertEquals("\\xd0\\xbf\\xf0\\x9f\\x98\\x80", ShownValue.of("\u043f\ud83d\ude00"), "larger characters as UTF-8");
        assertEquals("\\x5cx41", ShownValue.of("\\x41"), "a backslash cannot fake an escape");
        assertEquals("\\x00\\x7f", ShownValue.of("\u0000\u007f"));
    }

    @Test
    void longValuesAreCutBeforeEscaping() {
        assertEquals("a".repeat(40) + "...", ShownValue.of("a".repeat(1000)));
        assertEquals("\\xff".repeat(5) + "...", ShownValue.of("\u00ff".repeat(100), 5));
        assertEquals("ab...", ShownValue.of("ab\ud83d\ude00c", 3), "a surrogate pair is not split");
        assertEquals("null", ShownValue.of(null, 10));
    }
}
