package org.pistream.web;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The configuration keys. Each is {@code pistream.} plus a command-line flag's name, so
 * {@code --max-clients} is {@code pistream.max-clients}, the system property
 * {@code -Dpistream.max-clients} and the environment variable {@code PISTREAM_MAX_CLIENTS}.
 */
public final class ConfigKeys {
    public static final String PREFIX = "pistream.";

    public static final String PORT = "port";
    public static final String ADDRESS = "address";
    public static final String MAX_CLIENTS = "max-clients";
    public static final String BUFFER_SIZE = "buffer-size";
    public static final String STATS_INTERVAL = "stats-interval";
    public static final String CAMERA = "camera";
    public static final String CAMERA_CMD = "camera-cmd";
    public static final String CAMERA_ARGS = "camera-args";
    public static final String CAMERA_URL = "camera-url";
    public static final String CAMERA_USER = "camera-user";
    public static final String CAMERA_PASSWORD = "camera-password";
    public static final String LOG_LEVEL = "log-level";
    public static final String VERBOSE = "verbose";
    public static final String LOG_FORMAT = "log-format";
    public static final String MAX_FRAME_SIZE = "max-frame-size";
    public static final String SNAPSHOT_TIMEOUT = "snapshot-timeout";
    public static final String CAMERA_TIMEOUT = "camera-timeout";
    public static final String IDLE_STOP = "idle-stop";
    public static final String WARMUP_FRAMES = "warmup-frames";
    public static final String MAX_CONNECTIONS = "max-connections";
    public static final String MAX_CONNECTIONS_PER_ADDRESS = "max-connections-per-address";
    public static final String MAX_CLIENTS_PER_ADDRESS = "max-clients-per-address";
    public static final String HEADER_TIMEOUT = "header-timeout";
    public static final String CLIENT_TIMEOUT = "client-timeout";
    public static final String AUTH_USER = "auth-user";
    public static final String AUTH_PASSWORD_HASH = "auth-password-hash";
    /** Paths served without credentials; a key without a flag. */
    public static final String AUTH_EXEMPT = "auth-exempt";
    public static final String TLS_KEYSTORE = "tls-keystore";
    public static final String TLS_KEYSTORE_PASSWORD_FILE = "tls-keystore-password-file";
    /** The key store password itself: a key without a flag, so it never shows in a process list. */
    public static final String TLS_KEYSTORE_PASSWORD = "tls-keystore-password";
    public static final String TLS_PORT = "tls-port";
    public static final String PLAIN_HTTP = "plain-http";
    public static final String ALLOW_ORIGIN = "allow-origin";
    /**
     * Names of named cameras, comma-separated, in the order the page lists them; a key without a
     * flag ({@code --camera NAME=SPEC} adds to it). Each is configured by {@code camera.NAME} (its
     * source) and optionally {@code camera.NAME.SETTING} for a {@link #PER_CAMERA} setting.
     */
    public static final String CAMERAS = "cameras";
    /** The prefix of a named camera's keys, after {@link #PREFIX}. */
    public static final String NAMED_CAMERA = "camera.";

    /** Every flag name, in the order help lists them. */
    public static final List<String> ALL = List.of(PORT, ADDRESS, MAX_CLIENTS, BUFFER_SIZE, STATS_INTERVAL, CAMERA,
            CAMERA_CMD, CAMERA_ARGS, CAMERA_URL, CAMERA_USER, CAMERA_PASSWORD, CAMERA_TIMEOUT, IDLE_STOP, WARMUP_FRAMES,
            LOG_LEVEL, VERBOSE, LOG_FORMAT, MAX_FRAME_SIZE, SNAPSHOT_TIMEOUT, MAX_CONNECTIONS, MAX_CONNECTIONS_PER_ADDRESS,
            MAX_CLIENTS_PER_ADDRESS, HEADER_TIMEOUT, CLIENT_TIMEOUT, AUTH_USER, AUTH_PASSWORD_HASH, TLS_KEYSTORE,
            TLS_KEYSTORE_PASSWORD_FILE, TLS_PORT, PLAIN_HTTP, ALLOW_ORIGIN);

    /** Settings that are configuration keys but not flags (they may hold secrets, or lists). */
    public static final List<String> CONFIG_ONLY = List.of(AUTH_EXEMPT, TLS_KEYSTORE_PASSWORD, CAMERAS);

    /** Settings a named camera may set for itself ({@code camera.NAME.max-clients}); it has the server's otherwise. */
    public static final List<String> PER_CAMERA = List.of(MAX_CLIENTS, BUFFER_SIZE, MAX_FRAME_SIZE, CAMERA_TIMEOUT,
            IDLE_STOP, WARMUP_FRAMES, CAMERA_USER, CAMERA_PASSWORD);

    /** A camera's name: it becomes part of URLs ({@code /cam/NAME/stream}) and of config keys. */
    public static final Pattern CAMERA_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,31}");

    private ConfigKeys() {
    }

    /** Whether {@code key} is a named camera's: {@code pistream.camera.NAME} or {@code pistream.camera.NAME.SETTING}. */
    public static boolean isNamedCameraKey(String key) {
        return namedCamera(key) != null;
    }

    /** The camera NAME of a named camera's key ({@link #isNamedCameraKey}), or null for any other key. */
    public static String namedCamera(String key) {
        String prefix = PREFIX + NAMED_CAMERA;
        if (!key.startsWith(prefix)) {
            return null;
        }
        String rest = key.substring(prefix.length());
        int dot = rest.indexOf('.');
        String name = dot < 0 ? rest : rest.substring(0, dot);
        boolean valid = CAMERA_NAME.matcher(name).matches() && (dot < 0 || PER_CAMERA.contains(rest.substring(dot + 1)));
        return valid ? name : null;
    }

    public static String key(String flag) {
        return PREFIX + flag;
    }
}
