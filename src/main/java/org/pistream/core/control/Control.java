package org.pistream.core.control;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One setting of a camera that can be changed while it streams, with its current value. Immutable:
 * a list of controls is a snapshot. Values are {@code Long} (int, a V4L2 menu index), {@code Double}
 * (number), {@code Boolean} (bool), {@code String} (a size {@code WxH}, an rpicam menu choice), or
 * null for "not set, the program decides" (rpicam's lens position).
 *
 * @param name         what the API, the state file and (for the stream settings) the settings keys call it
 * @param group        {@code stream} for the stream settings, else the kind's grouping ({@code rpicam},
 *                     a V4L2 control class such as {@code User Controls})
 * @param type         the kind of value
 * @param min          the smallest value (int, number; a size's {@code WxH}), else null
 * @param max          the largest value, as {@code min}
 * @param step         the step between values (int, number), else null
 * @param defaultValue what "reset" sets
 * @param value        the value in force
 * @param menu         the choices of a menu, else empty
 * @param inactive     an auto mode makes this control have no effect for now (V4L2's {@code inactive} flag)
 * @param readOnly     it cannot be set here; {@code readOnlyWhy} says why
 * @param readOnlyWhy  why it cannot be set, or null
 * @param restart      a change restarts the camera (the program takes it at start only); else it applies live
 */
public record Control(String name, String group, ControlType type, Object min, Object max, Object step, Object defaultValue,
        Object value, List<MenuEntry> menu, boolean inactive, boolean readOnly, String readOnlyWhy, boolean restart) {

    private static final Pattern SIZE = Pattern.compile("(\\d{1,5})x(\\d{1,5})");

    public Control {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(type, "type");
        menu = List.copyOf(menu);
    }

    /** An int control. */
    public static Control integer(String name, String group, long min, long max, long step, Long defaultValue, Long value,
                                  boolean restart) {
        return new Control(name, group, ControlType.INT, min, max, step, defaultValue, value, List.of(), false, false, null,
                restart);
    }

    /** A number control. */
    public static Control number(String name, String group, double min, double max, double step, Double defaultValue,
                                 Double value, boolean restart) {
        return new Control(name, group, ControlType.NUMBER, min, max, step, defaultValue, value, List.of(), false, false, null,
                restart);
    }

    public static Control bool(String name, String group, boolean defaultValue, boolean value, boolean restart) {
        return new Control(name, group, ControlType.BOOL, null, null, null, defaultValue, value, List.of(), false, false, null,
                restart);
    }

    public static Control menu(String name, String group, List<MenuEntry> menu, Object defaultValue, Object value,
                               boolean restart) {
        return new Control(name, group, ControlType.MENU, null, null, null, defaultValue, value, menu, false, false, null,
                restart);
    }

    /** A size control: {@code min} and {@code max} are {@code WxH}. */
    public static Control size(String name, String group, String min, String max, String defaultValue, String value,
                               boolean restart) {
        return new Control(name, group, ControlType.SIZE, min, max, null, defaultValue, value, List.of(), false, false, null,
                restart);
    }

    /** The same control with another current value. */
    public Control withValue(Object newValue) {
        return new Control(name, group, type, min, max, step, defaultValue, newValue, menu, inactive, readOnly, readOnlyWhy,
                restart);
    }

    public Control withInactive(boolean now) {
        return new Control(name, group, type, min, max, step, defaultValue, value, menu, now, readOnly, readOnlyWhy, restart);
    }

    /** The same control, which cannot be set here, for that reason. */
    public Control readOnly(String why) {
        return new Control(name, group, type, min, max, step, defaultValue, value, menu, inactive, true, why, restart);
    }

    /**
     * {@code raw} (as a JSON body or a state file gives it: a number, a boolean or text) as this
     * control's value, or an error naming the control, the value and what it takes. Null means
     * the default.
     */
    public Object accept(Object raw) throws ControlException {
        if (raw == null) {
            return defaultValue;
        }
        switch (type) {
            case INT: {
                Long n = wholeNumber(raw);
                long lo = ((Number) min).longValue();
                long hi = ((Number) max).longValue();
                long st = step == null ? 1 : Math.max(1, ((Number) step).longValue());
                if (n == null || n < lo || n > hi || (n - lo) % st != 0) {
                    throw ControlException.invalid(name, raw, allowed());
                }
                return n;
            }
            case NUMBER: {
                Double d = decimal(raw);
                if (d == null || d < ((Number) min).doubleValue() || d > ((Number) max).doubleValue()) {
                    throw ControlException.invalid(name, raw, allowed());
                }
                return d;
            }
            case BOOL: {
                if (raw instanceof Boolean b) {
                    return b;
                }
                String text = raw.toString().strip().toLowerCase(Locale.ROOT);
                if (text.equals("true") || text.equals("1")) {
                    return true;
                }
                if (text.equals("false") || text.equals("0")) {
                    return false;
                }
                throw ControlException.invalid(name, raw, allowed());
            }
            case MENU: {
                for (MenuEntry entry : menu) {
                    if (entry.value() instanceof Long index) {
                        Long n = wholeNumber(raw);
                        if (index.equals(n)) {
                            return index;
                        }
                    } else if (!(raw instanceof Boolean) && entry.value().toString().equalsIgnoreCase(raw.toString().strip())) {
                        return entry.value();
                    }
                }
                throw ControlException.invalid(name, raw, allowed());
            }
            case SIZE: {
                Matcher m = raw instanceof String s ? SIZE.matcher(s.strip()) : null;
                if (m == null || !m.matches()) {
                    throw ControlException.invalid(name, raw, allowed());
                }
                int w = Integer.parseInt(m.group(1));
                int h = Integer.parseInt(m.group(2));
                int[] lo = size((String) min);
                int[] hi = size((String) max);
                if (w < lo[0] || h < lo[1] || w > hi[0] || h > hi[1]) {
                    throw ControlException.invalid(name, raw, allowed());
                }
                return w + "x" + h;
            }
            default:
                throw new IllegalStateException(type.toString());
        }
    }

    /** What this control takes, for error messages: "a whole number from 0 to 255 in steps of 5". */
    public String allowed() {
        return switch (type) {
            case INT -> "must be a whole number from " + min + " to " + max
                    + (step != null && ((Number) step).longValue() > 1 ? " in steps of " + step : "");
            case NUMBER -> "must be a number from " + plain(((Number) min).doubleValue()) + " to " + plain(((Number) max).doubleValue());
            case BOOL -> "must be true or false";
            case MENU -> "must be one of " + String.join(", ", menu.stream().map(e -> e.value().equals(e.label())
                    ? e.label() : e.value() + " (" + e.label() + ")").toList());
            case SIZE -> "must be WIDTHxHEIGHT from " + min + " to " + max;
        };
    }

    /** A number as a program's flag or a message writes it: {@code 0.5}, {@code 1}, {@code -10}. */
    public static String plain(double d) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    private static Long wholeNumber(Object raw) {
        if (raw instanceof Integer || raw instanceof Long || raw instanceof Short) {
            return ((Number) raw).longValue();
        }
        if (raw instanceof Number n) {
            double d = n.doubleValue();
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? (long) d : null;
        }
        if (raw instanceof String s && s.strip().matches("-?\\d{1,18}")) {
            return Long.parseLong(s.strip());
        }
        return null;
    }

    private static Double decimal(Object raw) {
        if (raw instanceof Number n) {
            double d = n.doubleValue();
            return Double.isFinite(d) ? d : null;
        }
        if (raw instanceof String s && s.strip().matches("-?\\d{1,9}(\\.\\d{1,9})?")) {
            return Double.parseDouble(s.strip());
        }
        return null;
    }

    private static int[] size(String wxh) {
        int x = wxh.indexOf('x');
        return new int[] {Integer.parseInt(wxh.substring(0, x)), Integer.parseInt(wxh.substring(x + 1))};
    }
}
