package org.pistream.core.control;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The libcamera controls {@code rpicam-vid} takes as options, with the ranges its documentation gives
 * (Raspberry Pi documentation, "Camera software", rpicam-apps options; option names and defaults as
 * {@code rpicam-vid --help} of rpicam-apps v1.13.0 prints them). rpicam-vid reads them at start only,
 * so every change restarts the camera with the new flags. A value at its default adds no flag, so
 * the camera runs exactly as it would without pi-stream's help. Options already given in
 * {@code camera-args} are shown read-only: the configuration decides them, and rpicam-vid refuses
 * an option given twice. Not thread-safe on its own: {@link CameraControls} serialises changes.
 */
public final class RpicamControls implements ControlProvider {
    public static final String GROUP = "rpicam";
    private static final List<MenuEntry> AWB = names("auto", "incandescent", "tungsten", "fluorescent", "indoor", "daylight",
            "cloudy", "custom");
    private static final List<MenuEntry> METERING = names("centre", "spot", "average", "custom");
    private static final List<MenuEntry> DENOISE = names("auto", "off", "cdn_off", "cdn_fast", "cdn_hq");
    private static final List<MenuEntry> AUTOFOCUS = names("default", "manual", "auto", "continuous");
    private static final List<MenuEntry> HDR = names("off", "auto", "sensor", "single-exp");

    /** Every control, at its default; the option is {@code --NAME}. */
    static final List<Control> TABLE = List.of(
            Control.number("brightness", GROUP, -1, 1, 0.05, 0.0, 0.0, true),
            Control.number("contrast", GROUP, 0, 15.99, 0.05, 1.0, 1.0, true),
            Control.number("saturation", GROUP, 0, 15.99, 0.05, 1.0, 1.0, true),
            Control.number("sharpness", GROUP, 0, 15.99, 0.05, 1.0, 1.0, true),
            Control.number("ev", GROUP, -10, 10, 0.1, 0.0, 0.0, true),
            // Microseconds; 0: the exposure algorithm decides. 1000 s is beyond every module's longest exposure.
            Control.integer("shutter", GROUP, 0, 1_000_000_000L, 1, 0L, 0L, true),
            // Analogue gain; 0: the exposure algorithm decides.
            Control.number("gain", GROUP, 0, 64, 0.1, 0.0, 0.0, true),
            Control.menu("awb", GROUP, AWB, "auto", "auto", true),
            Control.menu("metering", GROUP, METERING, "centre", "centre", true),
            Control.menu("denoise", GROUP, DENOISE, "auto", "auto", true),
            Control.menu("autofocus-mode", GROUP, AUTOFOCUS, "default", "default", true),
            // Dioptres (1 / metres): 0 is infinity; unset (null): the hyperfocal distance. 32 is libcamera's
            // LensPosition ceiling; a module clips it to its own lens's range.
            Control.number("lens-position", GROUP, 0, 32, 0.1, null, null, true),
            Control.menu("hdr", GROUP, HDR, "off", "off", true));

    private final Map<String, Object> values = new LinkedHashMap<>();
    private final Set<String> configured;

    /** @param programArguments the options the configuration already gives rpicam-vid ({@code camera-args}) */
    public RpicamControls(List<String> programArguments) {
        for (Control c : TABLE) {
            values.put(c.name(), c.defaultValue());
        }
        Set<String> given = new java.util.HashSet<>();
        for (String arg : programArguments) {
            if (arg.startsWith("--")) {
                String option = arg.substring(2);
                int eq = option.indexOf('=');
                given.add(eq < 0 ? option : option.substring(0, eq));
            }
        }
        if (given.contains("analoggain")) {
            given.add("gain"); // the same option under another name
        }
        this.configured = Set.copyOf(given);
    }

    @Override
    public List<Control> list() {
        List<Control> list = new ArrayList<>();
        for (Control c : TABLE) {
            Control now = c.withValue(values.get(c.name()));
            if (c.name().equals("lens-position")) {
                // The lens is moved by hand in manual mode only; in the others the AF algorithm drives it.
                now = now.withInactive(!"manual".equals(values.get("autofocus-mode")));
            }
            if (configured.contains(c.name())) {
                now = now.readOnly("set in camera-args");
            }
            list.add(now);
        }
        return list;
    }

    @Override
    public void apply(Map<String, Object> changes) {
        for (Map.Entry<String, Object> e : changes.entrySet()) {
            if (!values.containsKey(e.getKey()) || configured.contains(e.getKey())) {
                throw new IllegalArgumentException("not an rpicam control one may set: " + e.getKey());
            }
            values.put(e.getKey(), e.getValue());
        }
    }

    @Override
    public List<String> arguments() {
        List<String> args = new ArrayList<>();
        for (Control c : TABLE) {
            Object value = values.get(c.name());
            if (value == null || value.equals(c.defaultValue()) || configured.contains(c.name())) {
                continue;
            }
            args.add("--" + c.name());
            args.add(value instanceof Double d ? Control.plain(d) : value.toString());
        }
        return List.copyOf(args);
    }

    private static List<MenuEntry> names(String... names) {
        List<MenuEntry> entries = new ArrayList<>();
        for (String n : names) {
            entries.add(new MenuEntry(n, n));
        }
        return List.copyOf(entries);
    }
}
