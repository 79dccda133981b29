package org.pistream.core.source.detect;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One control of {@code v4l2-ctl -d DEV --list-ctrls-menus}. Immutable.
 *
 * @param controlClass the class header above it ({@code User Controls}, {@code Camera Controls}); empty if none
 * @param name         the name v4l2-ctl derives ({@code power_line_frequency}); what {@code -c}/{@code -C} take
 * @param id           the control id ({@code 0x00980918})
 * @param type         {@code int}, {@code bool}, {@code menu}, {@code intmenu}, {@code button}, {@code int64},
 *                     {@code bitmask}, {@code str}, {@code u8}, ...
 * @param min          the minimum, 0 when the type has none (bool, button)
 * @param max          the maximum, 0 when the type has none
 * @param step         the step, 0 when the type has none
 * @param defaultValue the default, 0 when the type has none
 * @param value        the current value as printed after {@code value=} without the menu text
 *                     ({@code 2} of {@code 2 (60 Hz)}); {@code null} for a button or a write-only control
 * @param flags        {@code inactive}, {@code read-only}, {@code grabbed}, ...; empty when none
 * @param menu         the menu entries by index, for {@code menu} and {@code intmenu}; empty otherwise
 */
public record V4l2Control(String controlClass, String name, int id, String type, long min, long max, long step,
        long defaultValue, String value, List<String> flags, Map<Long, String> menu) {

    public V4l2Control {
        flags = List.copyOf(flags);
        menu = Collections.unmodifiableMap(new LinkedHashMap<>(menu));
    }

    public boolean isInactive() {
        return flags.contains("inactive");
    }

    public boolean isReadOnly() {
        return flags.contains("read-only");
    }
}
