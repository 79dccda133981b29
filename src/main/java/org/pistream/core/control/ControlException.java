package org.pistream.core.control;

/**
 * A change that cannot be made: an unknown control, a value outside what the control takes, a
 * control that cannot be set, or a device that refused it. The message names the control, the
 * value and what is allowed, and is safe to show to the client (values are shortened).
 */
public final class ControlException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why. */
    public enum Reason {
        /** No such control on this camera. */
        UNKNOWN,
        /** The value is not one the control takes. */
        INVALID,
        /** The control exists but cannot be set here (read-only, or fixed by the configuration). */
        READ_ONLY,
        /** The camera or its program refused or failed to take the value. */
        FAILED
    }

    private final Reason reason;
    private final String control;

    public ControlException(Reason reason, String control, String message) {
        super(message);
        this.reason = reason;
        this.control = control;
    }

    public static ControlException unknown(String control, java.util.Collection<String> known) {
        return new ControlException(Reason.UNKNOWN, control, "no control '" + shown(control) + "' on this camera; it has: "
                + String.join(", ", known));
    }

    public static ControlException invalid(String control, Object value, String allowed) {
        return new ControlException(Reason.INVALID, control, control + ": " + shown(String.valueOf(value)) + " is not allowed; "
                + allowed);
    }

    public Reason reason() {
        return reason;
    }

    /** The control the error is about. */
    public String control() {
        return control;
    }

    /** A value as an error message may show it: printable, at most 40 characters. */
    static String shown(String value) {
        String printable = value.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 40 ? printable.substring(0, 40) + "..." : printable;
    }
}
