package org.pistream.core.control;

import java.util.Objects;

/**
 * One choice of a menu control.
 *
 * @param value what is set: a {@code Long} (a V4L2 menu index, a rotation) or a {@code String} (an rpicam mode)
 * @param label what the user reads ({@code 50 Hz}); the value itself when the program names its choices
 */
public record MenuEntry(Object value, String label) {
    public MenuEntry {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(label, "label");
    }
}
