package org.pistream.core.settings;

/**
 * A secret setting, such as the TLS key store's password: the value is there for the one place
 * that needs it, and {@link #toString()} hides it, so printing the settings never reveals it.
 */
public final class Secret {
    private final String value;
    private final String source;

    /** @param source where the value came from, for messages: a file name or a config key, never the value */
    public Secret(String value, String source) {
        this.value = value;
        this.source = source;
    }

    public char[] chars() {
        return value.toCharArray();
    }

    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "(secret from " + source + ")";
    }
}
