package org.pistream.web;

/** A configuration value that pi-stream cannot run with; the message names the key and the value. */
public final class InvalidSettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidSettingException(String key, String value, String requirement) {
        super("Invalid " + key + ": " + requirement + ", was: " + (value == null ? "(missing)" : "'" + value + "'"));
    }

    private InvalidSettingException(String message) {
        super(message);
    }

    /** For a key whose value must not be printed (a password hash, a password): names the key only. */
    public static InvalidSettingException secret(String key, String requirement) {
        return new InvalidSettingException("Invalid " + key + ": " + requirement + " (value not shown)");
    }
}
