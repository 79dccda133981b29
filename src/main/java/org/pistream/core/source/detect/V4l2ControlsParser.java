package org.pistream.core.source.detect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what {@code v4l2-ctl -d DEV --list-ctrls-menus} (or {@code -L}, or {@code --list-ctrls} without the
 * menus) prints on stdout. A pure function.
 *
 * <p>The format, from v4l-utils' {@code utils/v4l2-ctl/v4l2-ctl-common.cpp} ({@code print_control},
 * {@code print_qctrl}): a control class as a blank line, its name, a blank line; each control as
 * <pre>
 *                      brightness 0x00980900 (int)    : min=0 max=255 step=1 default=128 value=128
 *            power_line_frequency 0x00980918 (menu)   : min=0 max=2 default=2 value=2 (60 Hz)
 * 				0: Disabled
 *         white_balance_automatic 0x0098090c (bool)   : default=1 value=1
 *       white_balance_temperature 0x0098091a (int)    : min=2000 max=6500 step=1 default=4000 value=4000 flags=inactive
 * </pre>
 * (the name right-aligned in 31 columns, the type padded to 8; a menu entry as four tabs, the index, a colon;
 * an integer menu entry as {@code 0: 24000000 (0x16e3600)}). Newer kernels add {@code flags=has-min-max};
 * several flags are separated by {@code ", "}.
 */
public final class V4l2ControlsParser {
    private static final Pattern CONTROL = Pattern.compile(
            "^\\s*(\\S+) (0x[0-9a-fA-F]{8}) \\(([\\w-]+)\\)\\s*:\\s?(.*)$");
    private static final Pattern MENU_ENTRY = Pattern.compile("^\\s+(-?\\d+): (.*)$");
    private static final Pattern FIELD = Pattern.compile("(min|max|step|default)=(0x[0-9a-fA-F]+|-?\\d+)");

    private V4l2ControlsParser() {
    }

    public static List<V4l2Control> parse(String stdout) {
        List<V4l2Control> controls = new ArrayList<>();
        String controlClass = "";
        Pending pending = null;
        for (String line : stdout.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            Matcher c = CONTROL.matcher(line);
            if (c.matches()) {
                add(pending, controls);
                pending = new Pending(controlClass, c.group(1), Integer.parseUnsignedInt(c.group(2).substring(2), 16),
                        c.group(3), c.group(4));
                continue;
            }
            Matcher e = MENU_ENTRY.matcher(line);
            if (e.matches() && pending != null && (pending.type.equals("menu") || pending.type.equals("intmenu"))) {
                pending.menu.put(Long.parseLong(e.group(1)), e.group(2));
                continue;
            }
            if (!Character.isWhitespace(line.charAt(0))) {
                add(pending, controls);
                pending = null;
                controlClass = line.trim(); // "User Controls", "Camera Controls", ...
            }
        }
        add(pending, controls);
        return controls;
    }

    private static void add(Pending p, List<V4l2Control> controls) {
        if (p == null) {
            return;
        }
        String rest = p.rest;
        List<String> flags = List.of();
        int f = rest.indexOf(" flags=");
        if (f >= 0) {
            flags = Arrays.asList(rest.substring(f + " flags=".length()).trim().split(", "));
            rest = rest.substring(0, f);
        } else if (rest.startsWith("flags=")) {
            flags = Arrays.asList(rest.substring("flags=".length()).trim().split(", "));
            rest = "";
        }
        String value = null;
        int v = rest.indexOf("value=");
        if (v >= 0) {
            value = rest.substring(v + "value=".length()).trim();
            int paren = value.indexOf(" (");
            if (paren >= 0) {
                value = value.substring(0, paren); // "2 (60 Hz)" -> "2"
            }
            rest = rest.substring(0, v);
        }
        Map<String, Long> fields = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(rest);
        while (m.find()) {
            String n = m.group(2);
            fields.put(m.group(1), n.startsWith("0x") ? Long.parseUnsignedLong(n.substring(2), 16) : Long.parseLong(n));
        }
        controls.add(new V4l2Control(p.controlClass, p.name, p.id, p.type, fields.getOrDefault("min", 0L),
                fields.getOrDefault("max", 0L), fields.getOrDefault("step", 0L), fields.getOrDefault("default", 0L), value,
                flags, p.menu));
    }

    private static final class Pending {
        final String controlClass;
        final String name;
        final int id;
        final String type;
        final String rest;
        final Map<Long, String> menu = new LinkedHashMap<>();

        Pending(String controlClass, String name, int id, String type, String rest) {
            this.controlClass = controlClass;
            this.name = name;
            this.id = id;
            this.type = type;
            this.rest = rest;
        }
    }
}
