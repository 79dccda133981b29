package org.pistream.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.codehaus.plexus.util.cli.CommandLineUtils;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.pistream.core.settings.CameraSettings;
import org.pistream.core.settings.CameraSource;
import org.pistream.core.settings.Key;
import org.pistream.core.settings.KeyTable;
import org.pistream.core.settings.Settings;
import org.pistream.core.settings.Values;
import org.pistream.core.source.detect.CameraDetector;
import org.pistream.core.source.detect.DetectedCamera;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * Builds {@link Settings} from MicroProfile Config: reads and checks each key as its
 * {@link KeyTable} entry says, then checks what spans keys and puts together the camera sources,
 * authentication and TLS.
 *
 * <p>Sources, highest priority first: the overrides (command-line flags in the launcher, servlet
 * context parameters in a container; ordinal 450), system properties (400), environment variables
 * (300), the launcher's {@code --config} file if one is given ({@value #CONFIG_FILE_ORDINAL}), and
 * the defaults of the {@link KeyTable} (50). The file sits below the environment as MicroProfile Config's own properties files do: it is the operator's
 * standing configuration, which a flag, a {@code -D} or a variable set for one run may override.
 * The config is built privately and never registered globally, so a redeployed webapp leaves
 * nothing behind.
 */
public final class SettingsLoader {
    /** The name of the lowest source: every key's default from the {@link KeyTable}. */
    static final String DEFAULTS_NAME = "defaults (KeyTable)";
    public static final int OVERRIDES_ORDINAL = 450;
    /** Ordinal of the table's defaults: the lowest. */
    static final int DEFAULTS_ORDINAL = 50;
    /** Ordinal of the launcher's {@code --config} file: above the bundled defaults, below the environment. */
    public static final int CONFIG_FILE_ORDINAL = 200;

    private static final Pattern RPICAM = Pattern.compile("rpicam(?::(\\d{1,2}))?");
    /** {@code v4l2:DEVICE}: a device node or stable name, an absolute path without blanks. */
    private static final Pattern V4L2 = Pattern.compile("v4l2:(/\\S+)");
    /** What the no-signal picture, /stats and /healthz say when {@code camera=auto} found nothing. */
    public static final String NO_CAMERA_FOUND = "no camera found: run 'pi-stream cameras' to list cameras";
    /** The programs that take rpicam-vid's flags: rpicam-vid, and libcamera-vid on Bullseye images. */
    private static final List<String> RPICAM_PROGRAMS = List.of("rpicam-vid", "libcamera-vid");
    /** The camera settings keys, which only some kinds take. */
    private static final List<Key<?>> PICTURE_KEYS = List.of(KeyTable.RESOLUTION, KeyTable.FPS, KeyTable.QUALITY,
            KeyTable.ROTATION, KeyTable.HFLIP, KeyTable.VFLIP);
    private static final String V4L2_PREFIX = "v4l2:";
    /** The camera value that detects the camera at start: the default. */
    static final String AUTO = "auto";
    private static final Pattern TEST_PATTERN = Pattern.compile("test-pattern(?::(\\d{1,5})x(\\d{1,5}))?(?:@(\\d{1,3}))?");

    private SettingsLoader() {
    }

    /** Builds the config from the standard sources plus {@code overrides} (keys with the {@code pistream.} prefix). */
    public static Config config(Map<String, String> overrides, String overridesName, ClassLoader classLoader) {
        return config(overrides, overridesName, List.of(), classLoader);
    }

    /**
     * The same, plus {@code files}: sources such as the launcher's {@code --config} file, each with
     * its own ordinal ({@link #CONFIG_FILE_ORDINAL}).
     */
    public static Config config(Map<String, String> overrides, String overridesName, List<ConfigSource> files,
            ClassLoader classLoader) {
        return config(KeyTable.standard(), overrides, overridesName, files, classLoader);
    }

    /** The same, with the defaults of {@code table}'s keys. */
    public static Config config(KeyTable table, Map<String, String> overrides, String overridesName, List<ConfigSource> files,
            ClassLoader classLoader) {
        return new SmallRyeConfigBuilder()
                .forClassLoader(classLoader)
                .addSystemSources()
                .addDefaultInterceptors()
                .withSources(new PropertiesConfigSource(table.defaults(), DEFAULTS_NAME, DEFAULTS_ORDINAL))
                .withSources(new PropertiesConfigSource(Map.copyOf(overrides), overridesName, OVERRIDES_ORDINAL))
                .withSources(files.toArray(new ConfigSource[0]))
                .build();
    }

    /** Reads and validates every setting of pi-stream's {@link KeyTable}; throws {@link InvalidSettingException} naming the first bad one. */
    public static Settings load(Config config) {
        return load(KeyTable.standard(), config);
    }

    /** The same for the keys of {@code table}: each is read and checked as its entry says, then the settings are put together. */
    public static Settings load(KeyTable table, Config config) {
        return load(table, config, CameraLookup.forThisMachine());
    }

    /** The same, asking {@code lookup} about the cameras of the machine ({@code camera=auto}, {@code v4l2:DEVICE}). */
    static Settings load(KeyTable table, Config config, CameraLookup lookup) {
        Map<Key<?>, Object> read = new LinkedHashMap<>();
        for (Key<?> key : table.keys()) {
            String raw = config.getOptionalValue(key.configKey(), String.class).orElse(null);
            if (raw == null && key.isRequired()) {
                throw new InvalidSettingException(key.configKey(), null, "must be set");
            }
            read.put(key, raw == null ? null : parse(key, key.configKey(), raw));
        }
        Values values = new Values(read);
        int maxClients = values.get(KeyTable.MAX_CLIENTS);
        int maxConnections = values.get(KeyTable.MAX_CONNECTIONS);
        if (maxConnections < maxClients) {
            throw new InvalidSettingException(KeyTable.MAX_CONNECTIONS.configKey(), Integer.toString(maxConnections),
                    "must be at least max-clients (" + maxClients + "): every stream client holds a connection");
        }
        Settings.Auth auth = SecuritySettings.auth(values.get(KeyTable.AUTH_USER), values.get(KeyTable.AUTH_PASSWORD_HASH),
                values.get(KeyTable.AUTH_EXEMPT));
        Settings.Tls tls = SecuritySettings.tls(values.get(KeyTable.TLS_KEYSTORE), values.get(KeyTable.TLS_KEYSTORE_PASSWORD_FILE),
                values.get(KeyTable.TLS_KEYSTORE_PASSWORD), values.get(KeyTable.TLS_PORT), values.get(KeyTable.PORT),
                values.get(KeyTable.PLAIN_HTTP));
        List<String> origins = SecuritySettings.origins(values.get(KeyTable.ALLOW_ORIGIN));
        List<CameraSettings> cameras = namedCameras(table, config, values, lookup);
        // Named cameras replace the unnamed one unless it was configured too: then it stays at /stream.
        if (cameras.isEmpty() || unnamedCameraConfigured(config)) {
            cameras.add(0, pictureSettings(config, new CameraSettings(Settings.UNNAMED, unnamedSource(config, values, lookup),
                    perCamera(table, values)), lookup));
        }
        return new Settings(values, auth, tls, origins, cameras, cameras.get(0).name());
    }

    /** {@code raw} as {@code key}'s type, or an error naming {@code configKey} and (unless secret) the value. */
    private static Object parse(Key<?> key, String configKey, String raw) {
        try {
            return key.parse(raw);
        } catch (IllegalArgumentException e) {
            throw key.isSecret() ? InvalidSettingException.secret(configKey, e.getMessage())
                    : new InvalidSettingException(configKey, raw.strip(), e.getMessage());
        }
    }

    /** The server's values of the per-camera keys: what every camera has unless it sets its own. */
    private static Values perCamera(KeyTable table, Values server) {
        Map<Key<?>, Object> own = new LinkedHashMap<>();
        for (Key<?> key : table.keys()) {
            if (key.isPerCamera()) {
                own.put(key, server.get(key));
            }
        }
        return new Values(own);
    }

    /** The unnamed camera's source: {@code camera-url}, the built-in test pattern, or {@code camera-cmd} with {@code camera-args}. */
    private static CameraSource unnamedSource(Config config, Values values, CameraLookup lookup) {
        String camera = values.get(KeyTable.CAMERA).trim();
        CameraSource.HttpSource http = httpSource(KeyTable.CAMERA_URL.configKey(), values.get(KeyTable.CAMERA_URL),
                values.get(KeyTable.CAMERA_USER), values.get(KeyTable.CAMERA_PASSWORD));
        if (http != null) {
            if (!camera.equals("command") && !camera.equals(AUTO)) {
                throw new InvalidSettingException(KeyTable.CAMERA_URL.configKey(), http.uri().toString(),
                        "replaces the camera program; it cannot be combined with " + KeyTable.CAMERA.configKey() + "=" + camera);
            }
            return http;
        }
        String cameraCmd = values.get(KeyTable.CAMERA_CMD).trim();
        boolean explicitCmd = isSet(config, KeyTable.CAMERA_CMD);
        boolean explicitArgs = isSet(config, KeyTable.CAMERA_ARGS);
        if (camera.equals(AUTO)) {
            if (isSet(config, KeyTable.CAMERA)) {
                // auto on purpose: a program given too is a contradiction, unless it is only the defaults written out
                // (the packaged config file with every line uncommented).
                for (Key<String> given : List.of(KeyTable.CAMERA_CMD, KeyTable.CAMERA_ARGS)) {
                    if (isSet(config, given) && !values.get(given).trim().equals(given.defaultValue())) {
                        throw new InvalidSettingException(given.configKey(), values.get(given), "runs a camera program: it cannot be combined with "
                                + KeyTable.CAMERA.configKey() + "=auto (leave " + KeyTable.CAMERA.configKey() + " unset, or set it to command)");
                    }
                }
                return auto(lookup);
            }
            if (!explicitCmd && !explicitArgs) {
                return auto(lookup);
            }
            camera = "command"; // an explicit camera-cmd or camera-args without camera: the program, as before auto
        }
        Matcher v4l2 = V4L2.matcher(camera);
        if (v4l2.matches() || camera.startsWith(V4L2_PREFIX)) {
            if (explicitCmd || explicitArgs) {
                Key<String> given = explicitCmd ? KeyTable.CAMERA_CMD : KeyTable.CAMERA_ARGS;
                throw new InvalidSettingException(given.configKey(), values.get(given), "does not apply to " + KeyTable.CAMERA.configKey()
                        + "=" + camera + " (pi-stream runs v4l2-ctl, and ffmpeg for a camera without MJPEG); another program is "
                        + KeyTable.CAMERA.configKey() + "=command");
            }
            return v4l2(KeyTable.CAMERA.configKey(), camera);
        }
        if (RPICAM.matcher(camera).matches()) {
            // rpicam's program: an explicit camera-cmd (a path to rpicam-vid), else rpicam-vid or libcamera-vid on PATH.
            if (explicitCmd && !cameraCmd.isEmpty() && !RPICAM_PROGRAMS.contains(Path.of(cameraCmd).getFileName().toString())) {
                throw new InvalidSettingException(KeyTable.CAMERA_CMD.configKey(), cameraCmd, "with " + KeyTable.CAMERA.configKey()
                        + "=" + camera + " must be rpicam-vid or libcamera-vid (or a path to one); another program is " + KeyTable.CAMERA.configKey()
                        + "=command");
            }
            List<String> extra = explicitArgs ? splitWords(KeyTable.CAMERA_ARGS.configKey(), values.get(KeyTable.CAMERA_ARGS)) : List.of();
            return rpicam(KeyTable.CAMERA.configKey(), camera, explicitCmd && !cameraCmd.isEmpty() ? cameraCmd : null, extra);
        }
        if (!camera.equals("command")) {
            return testPattern(KeyTable.CAMERA.configKey(), camera);
        }
        if (cameraCmd.isEmpty()) {
            throw new InvalidSettingException(KeyTable.CAMERA_CMD.configKey(), cameraCmd, "must name a program");
        }
        List<String> command = new ArrayList<>();
        command.add(cameraCmd);
        // The default camera-args are rpicam-vid's: they never leak to another program (ffmpeg would refuse them).
        if (explicitArgs || RPICAM_PROGRAMS.contains(Path.of(cameraCmd).getFileName().toString())) {
            command.addAll(splitWords(KeyTable.CAMERA_ARGS.configKey(), values.get(KeyTable.CAMERA_ARGS)));
        }
        return new CameraSource.CommandSource(command);
    }

    /** {@code v4l2:DEVICE}, its mode not chosen yet ({@link #pictureSettings} does). */
    private static CameraSource.V4l2Source v4l2(String key, String value) {
        Matcher m = V4L2.matcher(value);
        if (!m.matches()) {
            throw new InvalidSettingException(key, value, "must be v4l2:DEVICE with the device's path, e.g. v4l2:/dev/video0 or"
                    + " v4l2:/dev/v4l/by-id/usb-...-video-index0 ('pi-stream cameras' lists them)");
        }
        return CameraSource.V4l2Source.unprobed(m.group(1));
    }

    /**
     * {@code camera=auto}: the first Pi camera module, else the first USB webcam with MJPEG, as the detection
     * finds them; with neither, a source that says so.
     */
    private static CameraSource auto(CameraLookup lookup) {
        CameraDetector.Detection detection = lookup.detection();
        Optional<DetectedCamera> found = detection.automaticChoice();
        if (found.isEmpty()) {
            return new CameraSource.AutoSource(null, NO_CAMERA_FOUND, detection.notes());
        }
        DetectedCamera camera = found.get();
        String why = "found " + camera.cameraValue() + " (" + camera.name() + "), the first "
                + (camera.kind() == DetectedCamera.Kind.RPICAM ? "Pi camera module" : "USB webcam with MJPEG") + " of "
                + detection.cameras().size() + " camera(s) listed";
        if (camera.kind() == DetectedCamera.Kind.RPICAM) {
            return new CameraSource.AutoSource(new CameraSource.RpicamSource(Integer.parseInt(camera.id()),
                    rpicamProgram(System.getenv("PATH")), List.of()), why, detection.notes());
        }
        String device = camera.stableId() != null ? camera.stableId() : camera.id();
        lookup.knownModes(device, camera.modes());
        return new CameraSource.AutoSource(CameraSource.V4l2Source.unprobed(device), why, detection.notes());
    }

    /**
     * A camera URL with its credentials taken out of the URL (user:password@host), so that logs and
     * stats never show them; the configured user and password win over them.
     */
    private static CameraSource.HttpSource httpSource(String key, String value, String configuredUser,
                                                      String configuredPassword) {
        if (value == null || value.isBlank()) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(value.trim());
        } catch (URISyntaxException e) {
            throw new InvalidSettingException(key, shownUrl(value), "must be an http:// or https:// URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new InvalidSettingException(key, shownUrl(value), "must be an http:// or https:// URL with a host");
        }
        String user = null;
        String password = null;
        String userInfo = uri.getUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = colon < 0 ? userInfo : userInfo.substring(0, colon);
            password = colon < 0 ? "" : userInfo.substring(colon + 1);
        }
        if (configuredUser != null && !configuredUser.isEmpty()) {
            user = configuredUser;
        }
        if (configuredPassword != null && !configuredPassword.isEmpty()) {
            password = configuredPassword;
        }
        try {
            URI bare = new URI(scheme, null, uri.getHost(), uri.getPort(), uri.getPath().isEmpty() ? "/" : uri.getPath(),
                    uri.getQuery(), null);
            return new CameraSource.HttpSource(bare, user, password);
        } catch (URISyntaxException e) {
            throw new InvalidSettingException(key, shownUrl(value), "must be an http:// or https:// URL (" + e.getReason() + ")");
        }
    }

    /**
     * The named cameras: those listed in {@code cameras}, in that order, then any other
     * {@code camera.NAME} key in name order. Each is {@code camera.NAME=SOURCE}, where the source is
     * {@code test-pattern[:WxH][@FPS]}, an {@code http(s)://} MJPEG URL, or a camera command line,
     * with the server's per-camera values unless {@code camera.NAME.KEY} sets its own.
     */
    private static List<CameraSettings> namedCameras(KeyTable table, Config config, Values server, CameraLookup lookup) {
        Set<String> names = new LinkedHashSet<>();
        String listed = server.get(KeyTable.CAMERAS);
        if (listed != null) {
            for (String name : listed.split(",")) {
                if (!name.isBlank()) {
                    names.add(cameraName(KeyTable.CAMERAS.configKey(), listed, name.trim()));
                }
            }
        }
        Set<String> found = new TreeSet<>();
        for (String key : config.getPropertyNames()) {
            String name = table.namedCamera(key);
            if (name != null) {
                found.add(name);
            }
        }
        for (String name : found) {
            names.add(cameraName(KeyTable.cameraKey(name), name, name));
        }
        List<CameraSettings> cameras = new ArrayList<>();
        for (String name : names) {
            cameras.add(namedCamera(table, config, server, name, lookup));
        }
        return cameras;
    }

    private static String cameraName(String key, String value, String name) {
        if (!KeyTable.CAMERA_NAME.matcher(name).matches()) {
            throw new InvalidSettingException(key, value, "camera names are 1 to 32 letters, digits, '-' or '_'"
                    + " (not starting with '-' or '_'), was '" + ShownValue.of(name) + "'");
        }
        if (name.equalsIgnoreCase(Settings.UNNAMED)) {
            throw new InvalidSettingException(key, value, "'" + Settings.UNNAMED + "' is the unnamed camera's name; choose another");
        }
        return name;
    }

    /** Camera NAME: its source from {@code camera.NAME}, each per-camera key from {@code camera.NAME.KEY} or else the server's value. */
    private static CameraSettings namedCamera(KeyTable table, Config config, Values server, String name, CameraLookup lookup) {
        Map<Key<?>, Object> own = new LinkedHashMap<>();
        for (Key<?> key : table.keys()) {
            if (key.isPerCamera()) {
                String configKey = KeyTable.cameraKey(name, key);
                String raw = config.getOptionalValue(configKey, String.class).orElse(null);
                own.put(key, raw == null || raw.isBlank() ? server.get(key) : parse(key, configKey, raw));
            }
        }
        Values values = new Values(own);
        String sourceKey = KeyTable.cameraKey(name);
        String source = config.getOptionalValue(sourceKey, String.class).orElse(null);
        if (source == null || source.isBlank()) {
            throw new InvalidSettingException(sourceKey, source,
                    "must name the camera: rpicam[:INDEX], v4l2:DEVICE, test-pattern[:WxH][@FPS], an http:// or https:// MJPEG URL,"
                    + " or a camera command");
        }
        source = source.trim();
        String lower = source.toLowerCase(Locale.ROOT);
        CameraSource kind;
        if (lower.startsWith("test-pattern")) {
            kind = testPattern(sourceKey, source);
        } else if (RPICAM.matcher(lower).matches()) {
            kind = rpicam(sourceKey, lower, null, List.of());
        } else if (lower.startsWith(V4L2_PREFIX)) {
            kind = v4l2(sourceKey, source);
        } else if (lower.startsWith("http://") || lower.startsWith("https://")) {
            String user = config.getOptionalValue(KeyTable.cameraKey(name, KeyTable.CAMERA_USER), String.class).orElse(null);
            String password = config.getOptionalValue(KeyTable.cameraKey(name, KeyTable.CAMERA_PASSWORD), String.class).orElse(null);
            kind = httpSource(sourceKey, source, user, password);
        } else {
            kind = new CameraSource.CommandSource(splitWords(sourceKey, source));
        }
        return pictureSettings(config, new CameraSettings(name, kind, values), lookup);
    }

    /** Whether the unnamed camera was configured on purpose, not just left at the bundled defaults. */
    private static boolean unnamedCameraConfigured(Config config) {
        for (Key<?> key : List.of(KeyTable.CAMERA, KeyTable.CAMERA_CMD, KeyTable.CAMERA_ARGS, KeyTable.CAMERA_URL)) {
            ConfigValue value = config.getConfigValue(key.configKey());
            if (value.getValue() != null && !value.getValue().isBlank() && value.getSourceOrdinal() > DEFAULTS_ORDINAL) {
                return true;
            }
        }
        return false;
    }

    /** A URL for an error message, with any password replaced. */
    private static String shownUrl(String value) {
        return value.replaceFirst("//([^/@:]*):[^/@]*@", "//$1:***@");
    }

    /** Splits like a shell splits words: blanks separate, single and double quotes group. */
    static List<String> splitWords(String key, String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        try {
            return List.of(CommandLineUtils.translateCommandline(text));
        } catch (Exception e) {
            throw new InvalidSettingException(key, text, "must be words a shell could split (" + e.getMessage() + ")");
        }
    }

    /**
     * A test pattern as its source names it; a part it leaves out is 0, for {@link #pictureSettings}
     * to take from {@code resolution} and {@code fps} or the defaults (640x480 at 30 fps).
     */
    private static CameraSource.TestPatternSource testPattern(String key, String value) {
        Matcher m = TEST_PATTERN.matcher(value);
        if (!m.matches()) {
            throw new InvalidSettingException(key, value,
                    "must be 'auto', 'command', 'rpicam[:INDEX]', 'v4l2:DEVICE' or 'test-pattern[:WIDTHxHEIGHT][@FPS]'");
        }
        if (m.group(1) == null && m.group(3) == null) {
            return new CameraSource.TestPatternSource(0, 0, 0);
        }
        int width = m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
        int height = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        int fps = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        checkTestPattern(key, value, width == 0 ? 640 : width, height == 0 ? 480 : height, fps == 0 ? 30 : fps);
        return new CameraSource.TestPatternSource(width, height, fps);
    }

    private static void checkTestPattern(String key, String value, int width, int height, int fps) {
        if (width < 16 || height < 16 || width > 7680 || height > 4320 || fps < 1 || fps > 120) {
            throw new InvalidSettingException(key, value,
                    "test pattern must be 16x16..7680x4320 at 1..120 fps");
        }
    }

    /** {@code rpicam[:INDEX]}: its program is {@code program}, else rpicam-vid or libcamera-vid found on PATH. */
    private static CameraSource.RpicamSource rpicam(String key, String value, String program, List<String> extra) {
        Matcher m = RPICAM.matcher(value);
        if (!m.matches()) {
            throw new InvalidSettingException(key, value, "must be rpicam or rpicam:INDEX");
        }
        int index = m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
        return new CameraSource.RpicamSource(index, program != null ? program : rpicamProgram(System.getenv("PATH")), extra);
    }

    /** rpicam-vid if it is on {@code path}, else libcamera-vid (Bullseye) if that is, else rpicam-vid (whose start then fails, saying so). */
    static String rpicamProgram(String path) {
        for (String program : RPICAM_PROGRAMS) {
            for (String dir : (path == null ? "" : path).split(java.io.File.pathSeparator)) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                    return program;
                }
            }
        }
        return RPICAM_PROGRAMS.get(0);
    }

    /** Whether {@code key} was set on purpose (a flag, property, variable or config file), not left at the table's default. */
    private static boolean isSet(Config config, Key<?> key) {
        ConfigValue value = config.getConfigValue(key.configKey());
        return value.getValue() != null && !value.getValue().isBlank() && value.getSourceOrdinal() > DEFAULTS_ORDINAL;
    }

    /**
     * The camera settings ({@code resolution}, {@code fps}, {@code quality}, {@code rotation},
     * {@code hflip}, {@code vflip}) checked against the camera's kind and completed with its
     * defaults, so that {@code /stats} shows what was asked of the camera. What a kind cannot do is
     * refused naming the key, the value and the kind. A test pattern's own {@code :WxH@FPS} and the
     * {@code resolution}/{@code fps} keys must agree where both are given.
     */
    private static CameraSettings pictureSettings(Config config, CameraSettings camera, CameraLookup lookup) {
        if (!PICTURE_KEYS.stream().allMatch(camera.values()::has)) {
            return camera; // a table without them (tests of other keys)
        }
        String name = camera.name();
        Map<Key<?>, Object> values = new LinkedHashMap<>(camera.values().asMap());
        CameraSource source = camera.source();
        if (source instanceof CameraSource.AutoSource auto) {
            if (auto.chosen() == null) {
                return camera; // nothing to apply them to; the camera found after a restart gets them
            }
            CameraSettings chosen = pictureSettings(config, new CameraSettings(name, auto.chosen(), camera.values()), lookup);
            return new CameraSettings(name, new CameraSource.AutoSource(chosen.source(), auto.reason(), auto.notes()), chosen.values());
        }
        if (source instanceof CameraSource.V4l2Source v4l2) {
            return V4l2Settings.choose(config, camera, v4l2, lookup);
        }
        if (source instanceof CameraSource.CommandSource || source instanceof CameraSource.HttpSource) {
            boolean command = source instanceof CameraSource.CommandSource;
            for (Key<?> key : PICTURE_KEYS) {
                Object value = values.get(key);
                if (value != null && !value.equals(0) && !value.equals(false)) {
                    throw new InvalidSettingException(shownKey(config, name, key), value.toString(), command
                            ? "does not apply to a command camera (" + source.description() + "): give the program its own flags in "
                                    + KeyTable.CAMERA_ARGS.configKey() + ", or use " + KeyTable.CAMERA.configKey() + "=rpicam for a Pi camera module"
                            : "does not apply to an http camera (" + source.description() + "): set it on the server that camera comes from");
                }
            }
            return camera;
        }
        String kind = source instanceof CameraSource.RpicamSource ? "rpicam" : "test-pattern";
        int rotation = (Integer) values.get(KeyTable.ROTATION);
        if (rotation != 0 && rotation != 180) {
            throw new InvalidSettingException(shownKey(config, name, KeyTable.ROTATION), Integer.toString(rotation),
                    "the " + kind + " camera rotates by 0 or 180 degrees only");
        }
        String resolution = (String) values.get(KeyTable.RESOLUTION);
        Integer fps = (Integer) values.get(KeyTable.FPS);
        if (source instanceof CameraSource.RpicamSource) {
            values.put(KeyTable.RESOLUTION, resolution != null ? resolution : "1280x720");
            values.put(KeyTable.FPS, fps != null ? fps : 30);
            if (values.get(KeyTable.QUALITY) == null) {
                values.put(KeyTable.QUALITY, 50); // rpicam-vid's own default, said out loud
            }
            int x = ((String) values.get(KeyTable.RESOLUTION)).indexOf('x');
            int width = Integer.parseInt(((String) values.get(KeyTable.RESOLUTION)).substring(0, x));
            int height = Integer.parseInt(((String) values.get(KeyTable.RESOLUTION)).substring(x + 1));
            if (width < 16 || height < 16 || width > 9152 || height > 6944) {
                throw new InvalidSettingException(shownKey(config, name, KeyTable.RESOLUTION), resolution,
                        "the rpicam camera takes 16x16 to 9152x6944");
            }
            return new CameraSettings(name, source, new Values(values), explicit(config, name, Set.of()));
        }
        CameraSource.TestPatternSource pattern = (CameraSource.TestPatternSource) source;
        String sourceKey = name.equals(Settings.UNNAMED) ? KeyTable.CAMERA.configKey() : KeyTable.cameraKey(name);
        int width = 640;
        int height = 480;
        if (resolution != null) {
            int x = resolution.indexOf('x');
            width = Integer.parseInt(resolution.substring(0, x));
            height = Integer.parseInt(resolution.substring(x + 1));
            if (pattern.width() != 0 && (pattern.width() != width || pattern.height() != height)) {
                throw new InvalidSettingException(shownKey(config, name, KeyTable.RESOLUTION), resolution,
                        "differs from the test pattern's own size in " + sourceKey + " (" + pattern.description()
                        + "): give the size in one place");
            }
        } else if (pattern.width() != 0) {
            width = pattern.width();
            height = pattern.height();
        }
        int rate = 30;
        if (fps != null) {
            rate = fps;
            if (pattern.fps() != 0 && pattern.fps() != fps) {
                throw new InvalidSettingException(shownKey(config, name, KeyTable.FPS), fps.toString(),
                        "differs from the test pattern's own rate in " + sourceKey + " (" + pattern.description()
                        + "): give the rate in one place");
            }
        } else if (pattern.fps() != 0) {
            rate = pattern.fps();
        }
        checkTestPattern(shownKey(config, name, KeyTable.RESOLUTION), width + "x" + height + "@" + rate, width, height, rate);
        values.put(KeyTable.RESOLUTION, width + "x" + height);
        values.put(KeyTable.FPS, rate);
        if (values.get(KeyTable.QUALITY) == null) {
            values.put(KeyTable.QUALITY, 80);
        }
        Set<String> own = new java.util.HashSet<>();
        if (pattern.width() != 0) {
            own.add(KeyTable.RESOLUTION.name());
        }
        if (pattern.fps() != 0) {
            own.add(KeyTable.FPS.name());
        }
        return new CameraSettings(name, new CameraSource.TestPatternSource(width, height, rate), new Values(values),
                explicit(config, name, own));
    }

    /**
     * The camera settings the configuration gives for this camera (its own key or the server's, from
     * any source but the defaults), and {@code more}: saved control values do not replace them.
     */
    private static Set<String> explicit(Config config, String camera, Set<String> more) {
        Set<String> explicit = new java.util.TreeSet<>(more);
        for (Key<?> key : PICTURE_KEYS) {
            List<String> keys = camera.equals(Settings.UNNAMED) ? List.of(key.configKey())
                    : List.of(KeyTable.cameraKey(camera, key), key.configKey());
            for (String k : keys) {
                ConfigValue value = config.getConfigValue(k);
                if (value.getValue() != null && !value.getValue().isBlank() && value.getSourceOrdinal() > DEFAULTS_ORDINAL) {
                    explicit.add(key.name());
                }
            }
        }
        return explicit;
    }

    /** The key a camera's value of {@code key} came from: its own {@code camera.NAME.KEY} if set, else the server's. */
    static String shownKey(Config config, String camera, Key<?> key) {
        if (!camera.equals(Settings.UNNAMED)) {
            String own = KeyTable.cameraKey(camera, key);
            if (config.getOptionalValue(own, String.class).filter(v -> !v.isBlank()).isPresent()) {
                return own;
            }
        }
        return key.configKey();
    }
}
