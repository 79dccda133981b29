package org.pistream.core.settings;

import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * One setting, declared once in {@link KeyTable}: its name (the flag {@code --NAME}, the
 * MicroProfile Config key {@code pistream.NAME}, the environment variable {@code PISTREAM_NAME}),
 * its type and default, how a value is checked, its help text, and how it may be set. Immutable;
 * the {@code with} methods return a changed copy, so the table reads as one line per setting.
 *
 * @param <T> the type of its value after {@link #parse}
 */
public final class Key<T> {
    /** How the command line sets a key. */
    public enum Flag {
        /** {@code --NAME VALUE} or {@code --NAME=VALUE}. */
        VALUE,
        /** {@code --NAME} alone sets it to true. */
        SWITCH,
        /** {@code --NAME VALUE}, repeatable; each value is one whole word (commas included). */
        REPEATED,
        /** No flag: a config key only (lists and secrets, which would show in a process list). */
        NONE
    }

    /** Turns a value into the key's type, or throws {@link IllegalArgumentException} with the requirement. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(String value);
    }

    private final String name;
    private final Parser<T> parser;
    private final String defaultValue;
    private final String help;
    private final boolean required;
    private final boolean perCamera;
    private final boolean secret;
    private final boolean shown;
    private final Flag flag;

    private Key(String name, Parser<T> parser, String defaultValue, String help, boolean required, boolean perCamera,
                boolean secret, boolean shown, Flag flag) {
        if (!name.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("a key's name is lower-case letters, digits and '-', was: " + name);
        }
        this.name = name;
        this.parser = parser;
        this.defaultValue = defaultValue;
        this.help = help;
        this.required = required;
        this.perCamera = perCamera;
        this.secret = secret;
        this.shown = shown;
        this.flag = flag;
    }

    /** A whole number from {@code min} to {@code max}; required. */
    public static Key<Integer> integer(String name, int defaultValue, int min, int max, String help) {
        String requirement = "must be a whole number from " + min + " to " + max;
        return new Key<>(name, value -> {
            try {
                int n = Integer.parseInt(value.strip());
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // the requirement says it
            }
            throw new IllegalArgumentException(requirement);
        }, Integer.toString(defaultValue), help, true, false, false, false, Flag.VALUE);
    }

    /** A whole number from {@code min} to {@code max}, or unset (null, no default): the user of the value decides. */
    public static Key<Integer> optionalInteger(String name, int min, int max, String help) {
        Key<Integer> required = integer(name, 0, min, max, help);
        Parser<Integer> inner = required.parser;
        return new Key<>(name, value -> value.isBlank() ? null : inner.parse(value), null, help, false, false, false, false,
                Flag.VALUE);
    }

    /** True or false (also yes/no, on/off, 1/0); required; a switch on the command line. */
    public static Key<Boolean> bool(String name, boolean defaultValue, String help) {
        return new Key<>(name, value -> {
            switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "true": case "yes": case "on": case "1":
                    return true;
                case "false": case "no": case "off": case "0":
                    return false;
                default:
                    throw new IllegalArgumentException("must be true or false");
            }
        }, Boolean.toString(defaultValue), help, true, false, false, false, Flag.SWITCH);
    }

    /** One of {@code choices}, in any case, as lower case; required. */
    public static Key<String> choice(String name, String defaultValue, String requirement, String help, String... choices) {
        List<String> allowed = List.of(choices);
        return new Key<>(name, value -> {
            String lower = value.strip().toLowerCase(Locale.ROOT);
            if (!allowed.contains(lower)) {
                throw new IllegalArgumentException(requirement);
            }
            return lower;
        }, defaultValue, help, true, false, false, false, Flag.VALUE);
    }

    /**
     * Text, checked where it is used (a command line, a URL, a list); optional: unset or empty is
     * null. The value keeps its blanks, as the code that reads it decides about them.
     *
     * @param defaultValue the default, or null for none
     */
    public static Key<String> text(String name, String defaultValue, String help) {
        return new Key<>(name, value -> value, defaultValue, help, false, false, false, false, Flag.VALUE);
    }

    /** The same key, required: an unset or empty value is an error ("must be set"). */
    public Key<T> required() {
        return new Key<>(name, parser, defaultValue, help, true, perCamera, secret, shown, flag);
    }

    /** The same key, with values refused unless {@code test} accepts them. */
    public Key<T> check(Predicate<String> test, String requirement) {
        Parser<T> inner = parser;
        return new Key<>(name, value -> {
            if (!test.test(value)) {
                throw new IllegalArgumentException(requirement);
            }
            return inner.parse(value);
        }, defaultValue, help, required, perCamera, secret, shown, flag);
    }

    /** The same key, with surrounding blanks taken off its value. */
    public Key<T> stripped() {
        Parser<T> inner = parser;
        return new Key<>(name, value -> inner.parse(value.strip()), defaultValue, help, required, perCamera, secret, shown, flag);
    }

    /** The same key, which a named camera may set for itself as {@code pistream.camera.NAME.KEY}. */
    public Key<T> perCamera() {
        return new Key<>(name, parser, defaultValue, help, required, true, secret, shown, flag);
    }

    /** The same key, holding a secret: its value is never printed, in errors, logs or stats. */
    public Key<T> secret() {
        return new Key<>(name, parser, defaultValue, help, required, perCamera, true, shown, flag);
    }

    /** The same key, shown with its value in force in {@code /stats} under {@code server.config}. */
    public Key<T> shown() {
        return new Key<>(name, parser, defaultValue, help, required, perCamera, secret, true, flag);
    }

    /** The same key, set on the command line as {@code flag} says ({@link Flag#NONE}: config only). */
    public Key<T> flag(Flag how) {
        return new Key<>(name, parser, defaultValue, help, required, perCamera, secret, shown, how);
    }

    public String name() {
        return name;
    }

    /** {@code pistream.NAME}: the MicroProfile Config key, system property and {@code --config} file key. */
    public String configKey() {
        return KeyTable.PREFIX + name;
    }

    /** {@code PISTREAM_NAME}, upper case with '-' as '_': MicroProfile Config's environment name for the key. */
    public String envName() {
        return configKey().replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** {@code --NAME}, or null for a key without a flag. */
    public String flagName() {
        return flag == Flag.NONE ? null : "--" + name;
    }

    public Flag flag() {
        return flag;
    }

    /** The default as text, or null for none. */
    public String defaultValue() {
        return defaultValue;
    }

    public String help() {
        return help;
    }

    /** Whether a value must be present (the defaults give one); an optional key is null when unset. */
    public boolean isRequired() {
        return required;
    }

    public boolean isPerCamera() {
        return perCamera;
    }

    public boolean isSecret() {
        return secret;
    }

    public boolean isShown() {
        return shown;
    }

    /**
     * The value {@code raw} stands for: numbers, switches and choices ignore surrounding blanks.
     *
     * @throws IllegalArgumentException with the requirement the value fails, e.g. "must be a whole number from 1 to 1024"
     */
    public T parse(String raw) {
        return parser.parse(raw);
    }

    @Override
    public String toString() {
        return configKey();
    }
}
