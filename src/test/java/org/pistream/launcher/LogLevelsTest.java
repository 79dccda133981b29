package org.pistream.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LogLevelsTest {

    @Test
    void namedLevelsInOrderAndABareLevelForTheRoot() {
        Map<String, String> levels = LogLevels.parse(" org.pistream=TRACE, org.eclipse.jetty=info ,warn,");
        assertEquals(List.of("org.pistream", "org.eclipse.jetty", LogLevels.ROOT), List.copyOf(levels.keySet()));
        assertEquals("trace", levels.get("org.pistream"));
        assertEquals("info", levels.get("org.eclipse.jetty"));
        assertEquals("warn", levels.get(LogLevels.ROOT));
    }

    @Test
    void nothingSetGivesNoLevels() {
        assertTrue(LogLevels.parse(null).isEmpty());
        assertTrue(LogLevels.parse("  ").isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"org.pistream=loud", "=debug", "org pistream=debug", "verbose", "org.pistream=debug=x"})
    void badEntryIsNamed(String spec) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LogLevels.parse(spec));
        assertTrue(e.getMessage().startsWith("PISTREAM_LOG: "), e.getMessage());
    }
}
