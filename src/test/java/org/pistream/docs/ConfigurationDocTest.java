package org.pistream.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.pistream.core.settings.Key;
import org.pistream.core.settings.KeyTable;

/**
 * docs/CONFIGURATION.md's table of settings is the key table's, row for row: the same names,
 * defaults, per-camera marks and help texts {@code --help} prints. The table sits between two
 * marker lines; a new or changed key fails this test until the page is regenerated with
 * {@code mvn -q -o test -Dtest=ConfigurationDocTest -Dpistream.docs.write=true} (which rewrites
 * only the lines between the markers).
 */
class ConfigurationDocTest {
    static final Path PAGE = Path.of("docs", "CONFIGURATION.md");
    static final String BEGIN = "<!-- BEGIN settings table: generated from KeyTable by ConfigurationDocTest, do not edit by hand -->";
    static final String END = "<!-- END settings table -->";

    /** The table in Markdown: one row per key, in --help order. */
    static String table(KeyTable table) {
        StringBuilder sb = new StringBuilder();
        sb.append("| flag | config key, environment variable | default | per camera | what |\n");
        sb.append("|---|---|---|---|---|\n");
        for (Key<?> key : table.keys()) {
            String flag = switch (key.flag()) {
                case NONE -> "(none: config key only)";
                case SWITCH -> "`" + key.flagName() + "` (switch)";
                case REPEATED -> "`" + key.flagName() + "` (repeatable)";
                case VALUE -> "`" + key.flagName() + "`";
            };
            String value = key.defaultValue();
            String shown = value == null || value.isEmpty() ? "none" : "`" + value + "`";
            sb.append("| ").append(flag)
              .append(" | `").append(key.configKey()).append("` `").append(key.envName()).append('`')
              .append(" | ").append(shown)
              .append(" | ").append(key.isPerCamera() ? "yes" : "")
              .append(" | ").append(cell(key.help()))
              .append(key.isSecret() ? " (secret: never printed)" : "")
              .append(" |\n");
        }
        return sb.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    @Test
    void pageHoldsTheKeyTablesTable() throws IOException {
        String page = Files.readString(PAGE, StandardCharsets.UTF_8);
        int begin = page.indexOf(BEGIN);
        int end = page.indexOf(END);
        assertTrue(begin >= 0 && end > begin, PAGE + " has the marker lines " + BEGIN + " and " + END);
        String expected = table(KeyTable.standard());
        String actual = page.substring(begin + BEGIN.length() + 1, end);
        if (!expected.equals(actual) && Boolean.getBoolean("pistream.docs.write")) {
            Files.writeString(PAGE, page.substring(0, begin + BEGIN.length() + 1) + expected + page.substring(end),
                    StandardCharsets.UTF_8);
            return;
        }
        assertEquals(expected, actual, PAGE + " is out of date with KeyTable; regenerate it with"
                + " mvn -q -o test -Dtest=ConfigurationDocTest -Dpistream.docs.write=true");
    }
}
