package org.pistream.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.codehaus.plexus.util.cli.CommandLineUtils;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.pistream.core.settings.Settings;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * Builds {@link Settings} from MicroProfile Config.
 *
 * <p>Sources, highest priority first: the overrides (command-line flags in the launcher, servlet
 * context parameters in a container; ordinal 450), system properties (400), environment variables
 * (300), the launcher's {@code --config} file if one is given ({@value #CONFIG_FILE_ORDINAL}), and
 * the defaults bundled in the WAR ({@code META-INF/pi-stream-defaults.properties}, 50). The file
 * sits below the environment as MicroProfile Config's own properties files do: it is the operator's
 * standing configuration, which a flag, a {@code -D} or a variable set for one run may override.
 * The config is built privately and never registered globally, so a redeployed webapp leaves
 * nothing behind.
 */
public final class SettingsLoader {
    public static final String DEFAULTS_RESOURCE = "META-INF/pi-stream-defaults.properties";
    public static final int OVERRIDES_ORDINAL = 450;
    /** Ordinal of the defaults bundled in the WAR: the lowest. */
    static final int DEFAULTS_ORDINAL = 50;
    /** Ordinal of the launcher's {@code --config} file: above the bundled defaults, below the environment. */
    public static final int CONFIG_FILE_ORDINAL = 200;

    private static final Pattern TEST_PATTERN = Pattern.compile("test-pattern(?::(\\d{1,5})x(\\d{1,5}))?(?:@(\\d{1,3}))?");
    private static final Set<String> LOG_LEVELS = Set.of("trace", "debug", "info", "warn", "error", "off");
    private static final Set<String> LOG_FORMATS = Set.of("text", "json");

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
        URL defaults = classLoader.getResource(DEFAULTS_RESOURCE);
        if (defaults == null) {
            throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the class path: the WAR is incomplete");
        }
        try {
            return new SmallRyeConfigBuilder()
                    .forClassLoader(classLoader)
                    .addSystemSources()
                    .addDefaultInterceptors()
                    .withSources(new PropertiesConfigSource(defaults, DEFAULTS_ORDINAL))
                    .withSources(new PropertiesConfigSource(Map.copyOf(overrides), overridesName, OVERRIDES_ORDINAL))
                    .withSources(files.toArray(new ConfigSource[0]))
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + defaults, e);
        }
    }

    /** Reads and validates every setting; throws {@link InvalidSettingException} naming the first bad one. */
    public static Settings load(Config config) {
        Reader r = new Reader(config);
        int port = r.integer(ConfigKeys.PORT, 0, 65535);
        String address = r.string(ConfigKeys.ADDRESS);
        if (address.isBlank()) {
            throw new InvalidSettingException(ConfigKeys.key(ConfigKeys.ADDRESS), address, "must be an address to listen on");
        }
        int maxClients = r.integer(ConfigKeys.MAX_CLIENTS, 1, 100_000);
        int bufferSize = r.integer(ConfigKeys.BUFFER_SIZE, 1, 1024);
        int statsInterval = r.integer(ConfigKeys.STATS_INTERVAL, 0, 86_400);
        int maxFrameSize = r.integer(ConfigKeys.MAX_FRAME_SIZE, 1024, 64 * 1024 * 1024);
        int snapshotTimeout = r.integer(ConfigKeys.SNAPSHOT_TIMEOUT, 0, 60);
        int cameraTimeout = r.integer(ConfigKeys.CAMERA_TIMEOUT, 0, 3600);
        int idleStop = r.integer(ConfigKeys.IDLE_STOP, 0, 86_400);
        int warmupFrames = r.integer(ConfigKeys.WARMUP_FRAMES, 0, 1000);
        String logLevel = r.string(ConfigKeys.LOG_LEVEL).toLowerCase(Locale.ROOT);
        if (!LOG_LEVELS.contains(logLevel)) {
            throw new InvalidSettingException(ConfigKeys.key(ConfigKeys.LOG_LEVEL), logLevel,
                    "must be one of trace, debug, info, warn, error, off");
        }
        boolean verbose = r.bool(ConfigKeys.VERBOSE);
        String logFormat = r.string(ConfigKeys.LOG_FORMAT).trim().toLowerCase(Locale.ROOT);
        if (!LOG_FORMATS.contains(logFormat)) {
            throw new InvalidSettingException(ConfigKeys.key(ConfigKeys.LOG_FORMAT), logFormat, "must be text or json");
        }

        String camera = r.string(ConfigKeys.CAMERA).trim();
        Settings.TestPatternSpec pattern = null;
        List<String> command = new ArrayList<>();
        String cameraCmd = r.string(ConfigKeys.CAMERA_CMD).trim();
        String cameraArgs = r.optional(ConfigKeys.CAMERA_ARGS);
        Settings.HttpSourceSpec httpSource = httpSource(ConfigKeys.key(ConfigKeys.CAMERA_URL), r.optional(ConfigKeys.CAMERA_URL),
                r.optional(ConfigKeys.CAMERA_USER), r.optional(ConfigKeys.CAMERA_PASSWORD));
        if (httpSource != null) {
            if (!camera.equals("command")) {
                throw new InvalidSettingException(ConfigKeys.key(ConfigKeys.CAMERA_URL), httpSource.url().toString(),
                        "replaces the camera program; it cannot be combined with " + ConfigKeys.key(ConfigKeys.CAMERA) + "=" + camera);
            }
        } else if (camera.equals("command")) {
            if (cameraCmd.isEmpty()) {
                throw new InvalidSettingException(ConfigKeys.key(ConfigKeys.CAMERA_CMD), cameraCmd, "must name a program");
            }
            command.add(cameraCmd);
            command.addAll(splitWords(ConfigKeys.key(ConfigKeys.CAMERA_ARGS), cameraArgs));
        } else {
            pattern = testPattern(ConfigKeys.key(ConfigKeys.CAMERA), camera);
        }
        Settings.Limits limits = new Settings.Limits(r.integer(ConfigKeys.MAX_CONNECTIONS, 1, 100_000),
                r.integer(ConfigKeys.MAX_CONNECTIONS_PER_ADDRESS, 0, 100_000),
                r.integer(ConfigKeys.MAX_CLIENTS_PER_ADDRESS, 0, 100_000),
                r.integer(ConfigKeys.HEADER_TIMEOUT, 1, 3600), r.integer(ConfigKeys.CLIENT_TIMEOUT, 1, 86_400));
        if (limits.maxConnections() < maxClients) {
            throw new InvalidSettingException(ConfigKeys.key(ConfigKeys.MAX_CONNECTIONS), Integer.toString(limits.maxConnections()),
                    "must be at least max-clients (" + maxClients + "): every stream client holds a connection");
        }
        Settings.Auth auth = SecuritySettings.auth(r.optional(ConfigKeys.AUTH_USER), r.optional(ConfigKeys.AUTH_PASSWORD_HASH),
                r.optional(ConfigKeys.AUTH_EXEMPT));
        Settings.Tls tls = SecuritySettings.tls(r.optional(ConfigKeys.TLS_KEYSTORE), r.optional(ConfigKeys.TLS_KEYSTORE_PASSWORD_FILE),
                r.optional(ConfigKeys.TLS_KEYSTORE_PASSWORD), r.integer(ConfigKeys.TLS_PORT, 0, 65535), port,
                r.string(ConfigKeys.PLAIN_HTTP));
        List<String> origins = SecuritySettings.origins(r.optional(ConfigKeys.ALLOW_ORIGIN));
        Settings server = new Settings(port, address.trim(), maxClients, bufferSize, statsInterval, command, pattern, logLevel,
                verbose, maxFrameSize, snapshotTimeout * 1000, cameraTimeout, idleStop, warmupFrames, logFormat, limits, auth,
                tls, origins, httpSource, List.of(), null);
        List<Settings.NamedCamera> cameras = namedCameras(config, r, server);
        if (cameras.isEmpty()) {
            return server;
        }
        // Named cameras replace the unnamed one unless it was configured too: then it stays at /stream.
        String defaultCamera = unnamedCameraConfigured(config) ? null : cameras.get(0).name();
        return new Settings(port, address.trim(), maxClients, bufferSize, statsInterval, command, pattern, logLevel,
                verbose, maxFrameSize, snapshotTimeout * 1000, cameraTimeout, idleStop, warmupFrames, logFormat, limits, auth,
                tls, origins, httpSource, cameras, defaultCamera);
    }

    /**
     * A camera URL with its credentials taken out of the URL (user:password@host), so that logs and
     * stats never show them; the configured user and password win over them.
     */
    private static Settings.HttpSourceSpec httpSource(String key, String value, String configuredUser,
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
            return new Settings.HttpSourceSpec(bare, user, password);
        } catch (URISyntaxException e) {
            throw new InvalidSettingException(key, shownUrl(value), "must be an http:// or https:// URL (" + e.getReason() + ")");
        }
    }

    /**
     * The named cameras: those listed in {@code cameras}, in that order, then any other
     * {@code camera.NAME} key in name order. Each is {@code camera.NAME=SOURCE}, where the source is
     * {@code test-pattern[:WxH][@FPS]}, an {@code http(s)://} MJPEG URL, or a camera command line,
     * with the server's limits unless {@code camera.NAME.SETTING} sets its own.
     */
    private static List<Settings.NamedCamera> namedCameras(Config config, Reader r, Settings server) {
        Set<String> names = new LinkedHashSet<>();
        String listed = r.optional(ConfigKeys.CAMERAS);
        if (listed != null) {
            for (String name : listed.split(",")) {
                if (!name.isBlank()) {
                    names.add(cameraName(ConfigKeys.key(ConfigKeys.CAMERAS), listed, name.trim()));
                }
            }
        }
        Set<String> found = new TreeSet<>();
        for (String key : config.getPropertyNames()) {
            String name = ConfigKeys.namedCamera(key);
            if (name != null) {
                found.add(name);
            }
        }
        for (String name : found) {
            names.add(cameraName(ConfigKeys.key(ConfigKeys.NAMED_CAMERA + name), name, name));
        }
        List<Settings.NamedCamera> cameras = new ArrayList<>();
        for (String name : names) {
            cameras.add(new Settings.NamedCamera(name, namedCamera(r, server, name)));
        }
        return cameras;
    }

    private static String cameraName(String key, String value, String name) {
        if (!ConfigKeys.CAMERA_NAME.matcher(name).matches()) {
            throw new InvalidSettingException(key, value, "camera names are 1 to 32 letters, digits, '-' or '_'"
                    + " (not starting with '-' or '_'), was '" + ShownValue.of(name) + "'");
        }
        if (name.equalsIgnoreCase(Settings.UNNAMED)) {
            throw new InvalidSettingException(key, value, "'" + Settings.UNNAMED + "' is the unnamed camera's name; choose another");
        }
        return name;
    }

    private static Settings namedCamera(Reader r, Settings server, String name) {
        String base = ConfigKeys.NAMED_CAMERA + name;
        String sourceKey = ConfigKeys.key(base);
        String source = r.optional(base);
        if (source == null || source.isBlank()) {
            throw new InvalidSettingException(sourceKey, source,
                    "must name the camera: test-pattern[:WxH][@FPS], an http:// or https:// MJPEG URL, or a camera command");
        }
        source = source.trim();
        String scoped = base + ".";
        Settings.TestPatternSpec pattern = null;
        Settings.HttpSourceSpec http = null;
        List<String> command = List.of();
        String lower = source.toLowerCase(Locale.ROOT);
        if (lower.startsWith("test-pattern")) {
            pattern = testPattern(sourceKey, source);
        } else if (lower.startsWith("http://") || lower.startsWith("https://")) {
            http = httpSource(sourceKey, source, r.optional(scoped + ConfigKeys.CAMERA_USER),
                    r.optional(scoped + ConfigKeys.CAMERA_PASSWORD));
        } else {
            command = splitWords(sourceKey, source);
        }
        int clients = r.integer(scoped + ConfigKeys.MAX_CLIENTS, server.maxClients(), 1, 100_000);
        int buffer = r.integer(scoped + ConfigKeys.BUFFER_SIZE, server.bufferSize(), 1, 1024);
        int frameBytes = r.integer(scoped + ConfigKeys.MAX_FRAME_SIZE, server.maxFrameBytes(), 1024, 64 * 1024 * 1024);
        int timeout = r.integer(scoped + ConfigKeys.CAMERA_TIMEOUT, server.cameraTimeoutSeconds(), 0, 3600);
        int idle = r.integer(scoped + ConfigKeys.IDLE_STOP, server.idleStopSeconds(), 0, 86_400);
        int warmup = r.integer(scoped + ConfigKeys.WARMUP_FRAMES, server.warmupFrames(), 0, 1000);
        return server.withCamera(command, pattern, http, clients, buffer, frameBytes, timeout, idle, warmup);
    }

    /** Whether the unnamed camera was configured on purpose, not just left at the bundled defaults. */
    private static boolean unnamedCameraConfigured(Config config) {
        for (String flag : List.of(ConfigKeys.CAMERA, ConfigKeys.CAMERA_CMD, ConfigKeys.CAMERA_ARGS, ConfigKeys.CAMERA_URL)) {
            ConfigValue value = config.getConfigValue(ConfigKeys.key(flag));
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

    private static Settings.TestPatternSpec testPattern(String key, String value) {
        Matcher m = TEST_PATTERN.matcher(value);
        if (!m.matches()) {
            throw new InvalidSettingException(key, value,
                    "must be 'command' or 'test-pattern[:WIDTHxHEIGHT][@FPS]'");
        }
        int width = m.group(1) == null ? 640 : Integer.parseInt(m.group(1));
        int height = m.group(2) == null ? 480 : Integer.parseInt(m.group(2));
        int fps = m.group(3) == null ? 30 : Integer.parseInt(m.group(3));
        if (width < 16 || height < 16 || width > 7680 || height > 4320 || fps < 1 || fps > 120) {
            throw new InvalidSettingException(key, value,
                    "test pattern must be 16x16..7680x4320 at 1..120 fps");
        }
        return new Settings.TestPatternSpec(width, height, fps);
    }

    /** Reads raw values and names the key in every error. */
    private static final class Reader {
        private final Config config;

        Reader(Config config) {
            this.config = config;
        }

        String optional(String flag) {
            return config.getOptionalValue(ConfigKeys.key(flag), String.class).orElse(null);
        }

        String string(String flag) {
            String value = optional(flag);
            if (value == null) {
                throw new InvalidSettingException(ConfigKeys.key(flag), null, "must be set");
            }
            return value;
        }

        /** A setting that falls back to {@code fallback} when it is not set, such as a named camera's own limit. */
        int integer(String flag, int fallback, int min, int max) {
            String value = optional(flag);
            return value == null || value.isBlank() ? fallback : integer(flag, value, min, max);
        }

        int integer(String flag, int min, int max) {
            return integer(flag, string(flag), min, max);
        }

        private int integer(String flag, String raw, int min, int max) {
            String value = raw.trim();
            try {
                int n = Integer.parseInt(value);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new InvalidSettingException(ConfigKeys.key(flag), value, "must be a whole number from " + min + " to " + max);
        }

        boolean bool(String flag) {
            String value = string(flag).trim().toLowerCase(Locale.ROOT);
            switch (value) {
                case "true": case "yes": case "on": case "1":
                    return true;
                case "false": case "no": case "off": case "0":
                    return false;
                default:
                    throw new InvalidSettingException(ConfigKeys.key(flag), value, "must be true or false");
            }
        }
    }
}
