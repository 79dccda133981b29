package org.pistream.launcher;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Per-logger levels from one line of text, in the spirit of {@code RUST_LOG}:
 * {@code org.pistream=trace,org.eclipse.jetty=info}. An entry without a name ({@code debug}) is the
 * root level. Read by the launcher from the environment variable {@value #ENVIRONMENT_VARIABLE}.
 */
final class LogLevels {
    static final String ENVIRONMENT_VARIABLE = "PISTREAM_LOG";
    static final String ROOT = "ROOT";
    private static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error", "off");

    private LogLevels() {
    }

    /**
     * Logger name to level, in the order given (a later entry for the same logger wins). Blank text
     * gives no entries. Throws {@link IllegalArgumentException} naming the first bad entry.
     */
    static Map<String, String> parse(String spec) {
        Map<String, String> levels = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return levels;
        }
        for (String raw : spec.split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int eq = entry.indexOf('=');
            String name = eq < 0 ? ROOT : entry.substring(0, eq).trim();
            String level = (eq < 0 ? entry : entry.substring(eq + 1)).trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty() || !name.matches("[A-Za-z0-9_$.-]+")) {
                throw new IllegalArgumentException(ENVIRONMENT_VARIABLE + ": bad logger name in '" + entry
                        + "', expected LOGGER=LEVEL, e.g. org.pistream=debug");
            }
            if (!LEVELS.contains(level)) {
                throw new IllegalArgumentException(ENVIRONMENT_VARIABLE + ": level must be one of trace, debug, info, "
                        + "warn, error, off, was: '" + entry + "'");
            }
            levels.put(name, level);
        }
        return levels;
    }
}
