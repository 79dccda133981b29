package org.pistream.core.control;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import org.pistream.core.source.detect.V4l2Control;
import org.pistream.core.source.detect.V4l2ControlsParser;

/**
 * A V4L2 device's own controls, as {@code v4l2-ctl -d DEV --list-ctrls-menus} reports them, set
 * while the camera streams with {@code v4l2-ctl -d DEV -c NAME=VALUE[,NAME=VALUE]} (the driver takes
 * them between frames: no restart, no gap). Every listing asks the device, so the values are the
 * driver's, including those an auto mode changed. Controls of types the page cannot offer (button,
 * bitmask, string, arrays) are left out.
 */
public final class V4l2Controls implements ControlProvider {
    private final String program;
    private final String device;
    private final ShortCommand runner;

    /** @param program v4l2-ctl (or a path to it); @param device {@code /dev/video0} or a {@code /dev/v4l/by-id/} name */
    public V4l2Controls(String program, String device, ShortCommand runner) {
        this.program = program;
        this.device = device;
        this.runner = runner;
    }

    @Override
    public List<Control> list() throws ControlException {
        ShortCommand.Result result = runner.run(List.of(program, "-d", device, "--list-ctrls-menus"));
        if (result.exitCode() != 0) {
            throw new ControlException(ControlException.Reason.FAILED, "", "cannot list the controls of " + device + ": "
                    + lastLine(result.output()));
        }
        List<Control> controls = new ArrayList<>();
        for (V4l2Control c : V4l2ControlsParser.parse(result.output())) {
            Control control = control(c);
            if (control != null) {
                controls.add(control);
            }
        }
        return controls;
    }

    /** The control as the API shows it, or null for a type it does not offer. */
    static Control control(V4l2Control c) {
        String group = c.controlClass().isEmpty() ? "v4l2" : c.controlClass();
        Control control;
        switch (c.type()) {
            case "int", "int64", "u8", "u16", "u32" -> {
                if (c.value() == null || !c.value().matches("-?\\d+")) {
                    return null; // arrays print no single value
                }
                control = Control.integer(c.name(), group, c.min(), c.max(), Math.max(1, c.step()), c.defaultValue(),
                        Long.parseLong(c.value()), false);
            }
            case "bool" -> control = Control.bool(c.name(), group, c.defaultValue() != 0, "1".equals(c.value()), false);
            case "menu", "intmenu" -> {
                List<MenuEntry> entries = new ArrayList<>();
                c.menu().forEach((index, label) -> entries.add(new MenuEntry(index, label)));
                Long value = c.value() != null && c.value().matches("-?\\d+") ? Long.parseLong(c.value()) : null;
                control = Control.menu(c.name(), group, entries, c.defaultValue(), value, false);
            }
            default -> {
                return null;
            }
        }
        control = control.withInactive(c.isInactive());
        return c.isReadOnly() ? control.readOnly("read-only on the device") : control;
    }

    @Override
    public void apply(Map<String, Object> values) throws ControlException {
        if (values.isEmpty()) {
            return;
        }
        StringJoiner pairs = new StringJoiner(",");
        values.forEach((name, value) -> pairs.add(name + "=" + (value instanceof Boolean b ? (b ? "1" : "0") : value)));
        ShortCommand.Result result = runner.run(List.of(program, "-d", device, "-c", pairs.toString()));
        if (result.exitCode() != 0) {
            String first = values.keySet().iterator().next();
            throw new ControlException(ControlException.Reason.FAILED, first, "the device " + device + " refused "
                    + pairs + ": " + lastLine(result.output()));
        }
    }

    private static String lastLine(String output) {
        String[] lines = output.strip().split("\\R");
        return ControlException.shown(lines[lines.length - 1].strip());
    }
}
