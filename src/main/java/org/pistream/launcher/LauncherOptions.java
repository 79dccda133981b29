package org.pistream.launcher;

import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.pistream.core.settings.Key;
import org.pistream.core.settings.KeyTable;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterDescription;
import com.beust.jcommander.ParameterException;
import com.beust.jcommander.Parameterized;
import com.beust.jcommander.WrappedParameter;
import com.beust.jcommander.converters.IParameterSplitter;

/**
 * The command-line flags: one per {@link KeyTable} key that has a flag, made from the table (not
 * declared here), plus the launcher's own {@code --config}, {@code --version} and {@code --help}.
 * JCommander parses them; {@code --NAME VALUE} and {@code --NAME=VALUE} both work.
 *
 * <p>Values stay strings here: they become the highest-priority config source, and
 * {@code SettingsLoader} validates them exactly as it validates every other source, so a bad value
 * gets the same message whether it came from a flag, a property or the environment. Defaults are
 * not set here but come from the table (the help shows them).
 */
final class LauncherOptions {
    /** Where the launcher's own options come in {@code --help}: after every setting. */
    private static final int OWN_ORDER = 1000;

    @Parameter(names = "--config", description = "properties file of pistream.NAME=VALUE settings, below flags, -D and the environment",
            order = OWN_ORDER)
    String config;

    @Parameter(names = "--version", description = "print the version and exit", order = OWN_ORDER + 1)
    boolean version;

    @Parameter(names = {"--help", "-h"}, help = true, description = "print this help and exit", order = OWN_ORDER + 2)
    boolean help;

    private final KeyTable table;
    private final List<FlagValue> flags = new ArrayList<>();
    private final JCommander commander;

    LauncherOptions(KeyTable table) {
        this.table = table;
        commander = new JCommander();
        commander.setProgramName("pi-stream");
        // The table's flags have no annotated field of their own: each FlagValue describes itself.
        commander.setParameterizedParser(o -> o instanceof FlagValue f ? List.of(f.parameterized) : Parameterized.parseArg(o));
        commander.addObject(this);
        List<Key<?>> keys = table.keys();
        for (int i = 0; i < keys.size(); i++) {
            if (keys.get(i).flag() != Key.Flag.NONE) {
                FlagValue flag = new FlagValue(keys.get(i), i);
                flags.add(flag);
                commander.addObject(flag);
            }
        }
        commander.createDescriptions(); // now, for splitAssignments and help; parse keeps them
    }

    /**
     * Parses {@code args} into these options; throws {@link ParameterException} for an unknown flag
     * or a missing value. A flag's value is the next word ({@code --port 8081}) or follows an
     * equals sign ({@code --port=8081}).
     */
    void parse(String... args) {
        commander.parse(splitAssignments(args));
    }

    /**
     * {@code --NAME=VALUE} as the two words {@code --NAME VALUE}, for a flag that takes a value.
     * Only the first '=' separates, and the word after such a flag is its value whatever it looks
     * like, so {@code --camera back=ffmpeg -vf a=b} and {@code --camera-args "--camera 0 -o -"}
     * stay whole. (JCommander's own separators would split any word that starts like a flag name.)
     */
    private String[] splitAssignments(String[] args) {
        List<String> valueFlags = new ArrayList<>();
        for (ParameterDescription p : commander.getParameters()) {
            Class<?> type = p.getParameterized().getType();
            if (type != boolean.class && type != Boolean.class) {
                valueFlags.addAll(List.of(p.getNames().split(", ")));
            }
        }
        List<String> words = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            int eq = arg.indexOf('=');
            if (valueFlags.contains(arg) && i + 1 < args.length) {
                words.add(arg);
                words.add(args[++i]);
            } else if (arg.startsWith("--") && eq > 0 && valueFlags.contains(arg.substring(0, eq))) {
                words.add(arg.substring(0, eq));
                words.add(arg.substring(eq + 1));
            } else {
                words.add(arg);
            }
        }
        return words.toArray(new String[0]);
    }

    JCommander commander() {
        return commander;
    }

    /** The keys the flags were made from. */
    KeyTable table() {
        return table;
    }

    /** The table's key a flag of {@code --help} stands for, or null for the launcher's own options. */
    static Key<?> keyOf(Object parameterObject) {
        return parameterObject instanceof FlagValue f ? f.key : null;
    }

    /** The flags given on the command line, as config keys. */
    Map<String, String> toConfig() {
        Map<String, String> map = new LinkedHashMap<>();
        for (FlagValue flag : flags) {
            if (flag.key.equals(KeyTable.CAMERA)) {
                putCameras(map, flag.values);
            } else if (flag.key.flag() == Key.Flag.REPEATED && !flag.values.isEmpty()) {
                map.put(flag.key.configKey(), String.join(",", flag.values));
            } else if (flag.valueOrNull() != null) {
                map.put(flag.key.configKey(), flag.valueOrNull().toString());
            }
        }
        return map;
    }

    /**
     * {@code --camera VALUE} sets the unnamed camera; {@code --camera NAME=SOURCE} sets
     * {@code camera.NAME} and lists NAME in {@code cameras}, keeping the order of the flags.
     */
    private static void putCameras(Map<String, String> map, List<String> values) {
        List<String> names = new ArrayList<>();
        for (String value : values) {
            int eq = value.indexOf('=');
            String name = eq < 0 ? "" : value.substring(0, eq).trim();
            if (KeyTable.CAMERA_NAME.matcher(name).matches()) {
                names.add(name);
                map.put(KeyTable.cameraKey(name), value.substring(eq + 1));
            } else if (map.putIfAbsent(KeyTable.CAMERA.configKey(), value) != null) {
                throw new ParameterException("--camera is given twice without a name: '" + map.get(KeyTable.CAMERA.configKey())
                        + "' and '" + value + "' (use NAME=SOURCE for more cameras)");
            }
        }
        if (!names.isEmpty()) {
            map.put(KeyTable.CAMERAS.configKey(), String.join(",", names));
        }
    }

    /** A flag value is one value: a camera command line may contain commas. */
    public static final class WholeValue implements IParameterSplitter {
        @Override
        public List<String> split(String value) {
            return List.of(value);
        }
    }

    /**
     * One table key's flag and the value it was given. JCommander sees it as a parameter whose
     * {@link Parameter} annotation is made from the key; the value lands in the field its kind uses.
     */
    static final class FlagValue {
        final Key<?> key;
        String value;
        Boolean on;
        List<String> values = new ArrayList<>();
        final Parameterized parameterized;

        FlagValue(Key<?> key, int order) {
            this.key = key;
            String fieldName = switch (key.flag()) {
                case SWITCH -> "on";
                case REPEATED -> "values";
                default -> "value";
            };
            Field field;
            try {
                field = FlagValue.class.getDeclaredField(fieldName);
            } catch (NoSuchFieldException e) {
                throw new IllegalStateException(e);
            }
            Parameter annotation = (Parameter) Proxy.newProxyInstance(Parameter.class.getClassLoader(), new Class<?>[] {Parameter.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "names" -> new String[] {key.flagName()};
                        case "description" -> key.help();
                        case "order" -> order;
                        case "splitter" -> WholeValue.class;
                        case "annotationType" -> Parameter.class;
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "@Parameter(" + key.flagName() + ")";
                        default -> method.getDefaultValue();
                    });
            // JCommander keys its parameters by field: every FlagValue has the same fields, so each is its own.
            this.parameterized = new Parameterized(new WrappedParameter(annotation), null, field, null) {
                @Override
                public boolean equals(Object o) {
                    return this == o;
                }

                @Override
                public int hashCode() {
                    return System.identityHashCode(this);
                }
            };
        }

        Object valueOrNull() {
            return key.flag() == Key.Flag.SWITCH ? on : value;
        }
    }
}
