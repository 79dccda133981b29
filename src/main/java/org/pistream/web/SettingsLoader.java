package org.pistream.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import org.pistream.core.settings.CameraSettings;
import org.pistream.core.settings.CameraSource;
import org.pistream.core.settings.Key;
import org.pistream.core.settings.KeyTable;
import org.pistream.core.settings.Settings;
import org.pistream.core.settings.Values;

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
        CameraSettings unnamed = new CameraSettings(Settings.UNNAMED, unnamedSource(values), perCamera(table, values));
        List<CameraSettings> cameras = namedCameras(table, config, values);
        if (cameras.isEmpty()) {
            return new Settings(values, auth, tls, origins, List.of(unnamed), Settings.UNNAMED);
        }
        // Named cameras replace the unnamed one unless it was configured too: then it stays at /stream.
        if (unnamedCameraConfigured(config)) {
            cameras.add(0, unnamed);
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
    private static CameraSource unnamedSource(Values values) {
        String camera = values.get(KeyTable.CAMERA).trim();
        CameraSource.HttpSource http = httpSource(KeyTable.CAMERA_URL.configKey(), values.get(KeyTable.CAMERA_URL),
                values.get(KeyTable.CAMERA_USER), values.get(KeyTable.CAMERA_PASSWORD));
        if (http != null) {
            if (!camera.equals("command")) {
                throw new InvalidSettingException(KeyTable.CAMERA_URL.configKey(), http.uri().toString(),
                        "replaces the camera program; it cannot be combined with " + KeyTable.CAMERA.configKey() + "=" + camera);
            }
            return http;
        }
        if (!camera.equals("command")) {
            return testPattern(KeyTable.CAMERA.configKey(), camera);
        }
        String cameraCmd = values.get(KeyTable.CAMERA_CMD).trim();
        if (cameraCmd.isEmpty()) {
            throw new InvalidSettingException(KeyTable.CAMERA_CMD.configKey(), cameraCmd, "must name a program");
        }
        List<String> command = new ArrayList<>();
        command.add(cameraCmd);
        command.addAll(splitWords(KeyTable.CAMERA_ARGS.configKey(), values.get(KeyTable.CAMERA_ARGS)));
        return new CameraSource.CommandSource(command);
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
    private static List<CameraSettings> namedCameras(KeyTable table, Config config, Values server) {
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
            cameras.add(namedCamera(table, config, server, name));
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
    private static CameraSettings namedCamera(KeyTable table, Config config, Values server, String name) {
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
                    "must name the camera: test-pattern[:WxH][@FPS], an http:// or https:// MJPEG URL, or a camera command");
        }
        source = source.trim();
        String lower = source.toLowerCase(Locale.ROOT);
        CameraSource kind;
        if (lower.startsWith("test-pattern")) {
            kind = testPattern(sourceKey, source);
        } else if (lower.startsWith("http://") || lower.startsWith("https://")) {
            String user = config.getOptionalValue(KeyTable.cameraKey(name, KeyTable.CAMERA_USER), String.class).orElse(null);
            String password = config.getOptionalValue(KeyTable.cameraKey(name, KeyTable.CAMERA_PASSWORD), String.class).orElse(null);
            kind = httpSource(sourceKey, source, user, password);
        } else {
            kind = new CameraSource.CommandSource(splitWords(sourceKey, source));
        }
        return new CameraSettings(name, kind, values);
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

    private static CameraSource.TestPatternSource testPattern(String key, String value) {
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
        return new CameraSource.TestPatternSource(width, height, fps);
    }
}
