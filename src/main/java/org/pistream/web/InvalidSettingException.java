package org.pistream.web;

/** A configuration value that pi-stream cannot run with; the message names the key and the value. */
public final class InvalidSettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public InvalidSettingException(String key, String value, String requirement) {
        super("Invalid " + key + ": " + requirement + ", was: " + (value == null ? "(missing)" : "'" + value + "'"));
        this.key = key;
    }

    /** The key whose value is bad, e.g. {@code pistream.max-clients}: lets a caller say which source set it. */
    public String key() {
        return key;
    }

    private InvalidSettingException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** For a key whose value must not be printed (a password hash, a password): names the key only. */
    public static InvalidSettingException secret(String key, String requirement) {
        return new InvalidSettingException(key, "Invalid " + key + ": " + requirement + " (value not shown)");
    }
}
