package org.pistream.web;

import java.util.List;

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
    public static final String MAX_FRAME_SIZE = "max-frame-size";
    public static final String SNAPSHOT_TIMEOUT = "snapshot-timeout";
    public static final String CAMERA_TIMEOUT = "camera-timeout";
    public static final String IDLE_STOP = "idle-stop";
    public static final String WARMUP_FRAMES = "warmup-frames";

    /** Every flag name, in the order help lists them. */
    public static final List<String> ALL = List.of(PORT, ADDRESS, MAX_CLIENTS, BUFFER_SIZE, STATS_INTERVAL, CAMERA,
            CAMERA_CMD, CAMERA_ARGS, CAMERA_URL, CAMERA_USER, CAMERA_PASSWORD, CAMERA_TIMEOUT, IDLE_STOP, WARMUP_FRAMES, LOG_LEVEL, VERBOSE, MAX_FRAME_SIZE,
            SNAPSHOT_TIMEOUT);

    private ConfigKeys() {
    }

    public static String key(String flag) {
        return PREFIX + flag;
    }
}
