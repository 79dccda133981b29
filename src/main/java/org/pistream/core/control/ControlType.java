package org.pistream.core.control;

import java.util.Locale;

/** What kind of value a control takes, and so which input the page draws for it. */
public enum ControlType {
    /** A whole number from min to max in steps (a slider). */
    INT,
    /** A decimal number from min to max in steps (a slider): rpicam's brightness, contrast, ev. */
    NUMBER,
    /** On or off (a switch). */
    BOOL,
    /** One of the menu's entries (a list). */
    MENU,
    /** A picture size WIDTHxHEIGHT, from min to max in each direction. */
    SIZE;

    /** The name in the controls list: {@code int}, {@code number}, {@code bool}, {@code menu}, {@code size}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
