package org.pistream.core.settings;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Every setting pi-stream has, one {@link Key} a line: the one place a setting is declared. The
 * flags and {@code --help} (launcher), the MicroProfile Config keys and their environment names,
 * the bundled defaults, the keys a {@code --config} file may hold, validation, the keys a named
 * camera may set for itself and {@code /stats} config are all derived from it. Adding a setting is
 * a line here plus the code that uses its value ({@link Settings#get}, {@link CameraSettings#get}).
 *
 * <p>The order is the order of {@code --help}. {@link #standard()} is pi-stream's table;
 * {@link #with} adds keys to a copy (tests use it to check that a new key reaches every place).
 */
public final class KeyTable {
    /** What every config key starts with: {@code pistream.port}. */
    public static final String PREFIX = "pistream.";
    /** The prefix of a named camera's keys, after {@link #PREFIX}: {@code camera.NAME[.KEY]}. */
    public static final String NAMED_CAMERA = "camera.";
    /** A camera's name: it becomes part of URLs ({@code /cam/NAME/stream}) and of config keys. */
    public static final Pattern CAMERA_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,31}");

    public static final Key<Integer> PORT = Key.integer("port", 8080, 0, 65535,
            "TCP port to listen on (0 picks a free one)").shown();
    public static final Key<String> ADDRESS = Key.text("address", "0.0.0.0", "address to listen on").required()
            .check(v -> !v.isBlank(), "must be an address to listen on").stripped().shown();
    public static final Key<Integer> MAX_CLIENTS = Key.integer("max-clients", 100, 1, 100_000,
            "most stream clients at once; more get 503").perCamera().shown();
    public static final Key<Integer> BUFFER_SIZE = Key.integer("buffer-size", 32, 1, 1024,
            "frames a client may fall behind before it skips to the newest").perCamera().shown();
    public static final Key<Integer> STATS_INTERVAL = Key.integer("stats-interval", 30, 0, 86_400,
            "seconds between stats log lines (0: off)").shown();
    /** The unnamed camera; on the command line also {@code NAME=SOURCE} for a named one (see the launcher). */
    public static final Key<String> CAMERA = Key.text("camera", "auto",
            "'auto' finds the camera at start (the first Pi camera module, else the first USB webcam with MJPEG;"
            + " a --camera-cmd or --camera-args given means 'command'); 'command' runs --camera-cmd;"
            + " 'rpicam[:INDEX]' is a Pi camera module through rpicam-vid; 'v4l2:DEVICE' is a USB webcam (/dev/video0,"
            + " /dev/v4l/by-id/...), its MJPEG passed through, or encoded by ffmpeg when it has none;"
            + " 'test-pattern[:WxH][@FPS]' is the built-in camera;"
            + " NAME=SOURCE (repeatable) adds a named camera at /cam/NAME/: SOURCE is rpicam[:INDEX], v4l2:DEVICE, a test pattern,"
            + " an http:// URL or a command line")
            .required().flag(Key.Flag.REPEATED).shown();
    public static final Key<String> CAMERA_CMD = Key.text("camera-cmd", "rpicam-vid",
            "camera program that writes MJPEG to stdout").required();
    public static final Key<String> CAMERA_ARGS = Key.text("camera-args",
            "-t 0 -n --codec mjpeg --width 1280 --height 720 --framerate 30 -o -",
            "arguments of the camera program, split like a shell does; the default is rpicam-vid's and applies to"
            + " rpicam-vid (or libcamera-vid) only: another --camera-cmd gets none unless given");
    public static final Key<String> CAMERA_URL = Key.text("camera-url", null,
            "MJPEG stream to relay instead of the camera program, e.g. http://pi:8080/stream (user:password@ allowed)");
    public static final Key<String> CAMERA_USER = Key.text("camera-user", null, "basic-auth user for --camera-url").perCamera();
    public static final Key<String> CAMERA_PASSWORD = Key.text("camera-password", null,
            "basic-auth password for --camera-url (prefer PISTREAM_CAMERA_PASSWORD: flags show in ps)").perCamera().secret();
    public static final Key<Integer> CAMERA_TIMEOUT = Key.integer("camera-timeout", 10, 0, 3600,
            "seconds without a frame before the camera is restarted (0: never)").perCamera().shown();
    public static final Key<Integer> IDLE_STOP = Key.integer("idle-stop", 0, 0, 86_400,
            "seconds without viewers before the camera is stopped until the next request (0: never)").perCamera().shown();
    public static final Key<Integer> WARMUP_FRAMES = Key.integer("warmup-frames", 0, 0, 1000,
            "frames discarded after each camera start while exposure settles").perCamera().shown();
    public static final Key<String> VERIFY_FRAMES = Key.choice("verify-frames", "full", "must be full or headers",
            "check every camera frame before viewers get it: full (headers and all image data) or headers (markers and"
            + " tables only, for several 1080p cameras on a Pi 3 or Zero 2)", "full", "headers").perCamera().shown();
    /** Camera settings that mean the same for every kind that takes them (rpicam, the test pattern); unset: the kind's default. */
    public static final Key<String> RESOLUTION = Key.text("resolution", null,
            "camera picture size WIDTHxHEIGHT, e.g. 1280x720 (rpicam, v4l2: the nearest the camera offers, test pattern; default 1280x720,"
            + " 640x480 for the test pattern)")
            .check(v -> v.isBlank() || v.strip().matches("\\d{1,5}x\\d{1,5}"), "must be WIDTHxHEIGHT, e.g. 1280x720")
            .stripped().perCamera().shown();
    public static final Key<Integer> FPS = Key.optionalInteger("fps", 1, 120,
            "camera frames per second (rpicam, v4l2, test pattern; default 30)").perCamera().shown();
    public static final Key<Integer> QUALITY = Key.optionalInteger("quality", 1, 100,
            "camera JPEG quality 1-100 (rpicam, v4l2 without MJPEG, test pattern; default: rpicam-vid's 50, 80 otherwise)").perCamera().shown();
    public static final Key<Integer> ROTATION = Key.integer("rotation", 0, 0, 270,
            "rotate the camera picture by 0 or 180 degrees (90 and 270: no kind supports them yet)")
            .check(v -> v.strip().matches("0|90|180|270"), "must be 0, 90, 180 or 270").perCamera().shown();
    public static final Key<Boolean> HFLIP = Key.bool("hflip", false, "mirror the camera picture left to right").perCamera().shown();
    public static final Key<Boolean> VFLIP = Key.bool("vflip", false, "flip the camera picture upside down").perCamera().shown();
    public static final Key<String> LOG_LEVEL = Key.choice("log-level", "info", "must be one of trace, debug, info, warn, error, off",
            "trace, debug, info, warn, error or off", "trace", "debug", "info", "warn", "error", "off").shown();
    public static final Key<Boolean> VERBOSE = Key.bool("verbose", false, "debug logging for pi-stream itself").shown();
    public static final Key<String> LOG_FORMAT = Key.choice("log-format", "text", "must be text or json",
            "text, or json: one JSON object per line for log shippers", "text", "json").shown();
    public static final Key<Integer> MAX_FRAME_SIZE = Key.integer("max-frame-size", 4 * 1024 * 1024, 1024, 64 * 1024 * 1024,
            "largest JPEG accepted from the camera, in bytes").perCamera().shown();
    public static final Key<Integer> SNAPSHOT_TIMEOUT = Key.integer("snapshot-timeout", 5, 0, 60,
            "seconds /snapshot waits for a first frame before 503").shown();
    public static final Key<Integer> MAX_CONNECTIONS = Key.integer("max-connections", 512, 1, 100_000,
            "most open connections at once; more are answered 503");
    public static final Key<Integer> MAX_CONNECTIONS_PER_ADDRESS = Key.integer("max-connections-per-address", 64, 0, 100_000,
            "most open connections from one address (0: no cap)");
    public static final Key<Integer> MAX_CLIENTS_PER_ADDRESS = Key.integer("max-clients-per-address", 64, 0, 100_000,
            "most stream clients from one address (0: no cap)");
    public static final Key<Integer> HEADER_TIMEOUT = Key.integer("header-timeout", 10, 1, 3600,
            "seconds a connection has to send a complete request head");
    public static final Key<Integer> CLIENT_TIMEOUT = Key.integer("client-timeout", 30, 1, 86_400,
            "seconds a stream client may accept no bytes before it is dropped");
    public static final Key<String> AUTH_USER = Key.text("auth-user", null,
            "user name for HTTP Basic authentication (with --auth-password-hash)");
    public static final Key<String> AUTH_PASSWORD_HASH = Key.text("auth-password-hash", null,
            "the password's hash, from 'java -jar pi-stream.war hash-password'").secret();
    public static final Key<String> AUTH_EXEMPT = Key.text("auth-exempt", "/healthz",
            "paths served without credentials, comma-separated").flag(Key.Flag.NONE);
    public static final Key<String> TLS_KEYSTORE = Key.text("tls-keystore", null,
            "PKCS12 key store: serve HTTPS (HTTP/2 and HTTP/1.1) on --tls-port");
    public static final Key<String> TLS_KEYSTORE_PASSWORD_FILE = Key.text("tls-keystore-password-file", null,
            "file whose first line is the key store's password (or set PISTREAM_TLS_KEYSTORE_PASSWORD)");
    /** The key store password itself: no flag, so it never shows in a process list. */
    public static final Key<String> TLS_KEYSTORE_PASSWORD = Key.text("tls-keystore-password", null,
            "the key store's password (prefer --tls-keystore-password-file)").secret().flag(Key.Flag.NONE);
    public static final Key<Integer> TLS_PORT = Key.integer("tls-port", 8443, 0, 65535, "HTTPS port (0 picks a free one)");
    public static final Key<String> PLAIN_HTTP = Key.text("plain-http", "redirect",
            "with HTTPS on, the plain HTTP port: 'keep' serving, 'redirect' to HTTPS, or 'off'").required();
    public static final Key<String> ALLOW_ORIGIN = Key.text("allow-origin", null,
            "origins (comma-separated, or *) whose pages may read /stream, /snapshot, /stats (CORS)");
    public static final Key<String> TRUSTED_PROXIES = Key.text("trusted-proxies", null,
            "reverse proxies (addresses or CIDR blocks, IPv4 or IPv6, comma-separated) whose X-Forwarded-For or Forwarded"
            + " header names the client for per-address caps, login throttling, logs and /stats; empty: trust none")
            .check(v -> tryParse(() -> AddressRange.parseList(v)), "must be IP addresses or CIDR blocks such as"
                    + " 127.0.0.1, 10.0.0.0/8 or fd00::/8, separated by commas");
    public static final Key<String> HSTS = Key.text("hsts", null,
            "send Strict-Transport-Security: max-age=SECONDS on HTTPS answers, e.g. 31536000 (0 tells browsers to"
            + " forget it); empty: not sent").check(v -> v.strip().matches("\\d{1,10}") && Long.parseLong(v.strip()) <= Integer.MAX_VALUE,
            "must be a max-age in seconds from 0 to " + Integer.MAX_VALUE).stripped();
    public static final Key<String> STATE_DIR = Key.text("state-dir", null,
            "directory where control values changed while running are saved and restored from at the next start"
            + " (the package's service uses /var/lib/pi-stream); empty: not saved").stripped();
    public static final Key<Boolean> ALLOW_REMOTE_CONTROL = Key.bool("allow-remote-control", false,
            "with authentication off, let any address change camera settings (POST /controls); off: loopback only");
    /**
     * Names of named cameras, comma-separated, in the order the page lists them; no flag
     * ({@code --camera NAME=SOURCE} adds to it). Each is configured by {@code camera.NAME} (its
     * source) and optionally {@code camera.NAME.KEY} for a {@link Key#perCamera} key.
     */
    public static final Key<String> CAMERAS = Key.text("cameras", null,
            "named cameras, comma-separated, in the order the page lists them").flag(Key.Flag.NONE);

    private static final KeyTable STANDARD = new KeyTable(List.of(PORT, ADDRESS, MAX_CLIENTS, BUFFER_SIZE, STATS_INTERVAL,
            CAMERA, CAMERA_CMD, CAMERA_ARGS, CAMERA_URL, CAMERA_USER, CAMERA_PASSWORD, CAMERA_TIMEOUT, IDLE_STOP,
            WARMUP_FRAMES, VERIFY_FRAMES, RESOLUTION, FPS, QUALITY, ROTATION, HFLIP, VFLIP, LOG_LEVEL, VERBOSE, LOG_FORMAT,
            MAX_FRAME_SIZE, SNAPSHOT_TIMEOUT, MAX_CONNECTIONS,
            MAX_CONNECTIONS_PER_ADDRESS, MAX_CLIENTS_PER_ADDRESS, HEADER_TIMEOUT, CLIENT_TIMEOUT, AUTH_USER,
            AUTH_PASSWORD_HASH, AUTH_EXEMPT, TLS_KEYSTORE, TLS_KEYSTORE_PASSWORD_FILE, TLS_KEYSTORE_PASSWORD, TLS_PORT,
            PLAIN_HTTP, HSTS, ALLOW_ORIGIN, TRUSTED_PROXIES, STATE_DIR, ALLOW_REMOTE_CONTROL, CAMERAS));

    private final List<Key<?>> keys;

    private KeyTable(List<Key<?>> keys) {
        Map<String, Key<?>> byName = new LinkedHashMap<>();
        for (Key<?> key : keys) {
            if (byName.put(key.name(), key) != null) {
                throw new IllegalArgumentException("key declared twice: " + key.name());
            }
        }
        this.keys = List.copyOf(keys);
    }

    private static boolean tryParse(Runnable parse) {
        try {
            parse.run();
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** pi-stream's settings. */
    public static KeyTable standard() {
        return STANDARD;
    }

    /** A copy of this table with {@code extra} keys at the end. */
    public KeyTable with(Key<?>... extra) {
        List<Key<?>> all = new ArrayList<>(keys);
        Collections.addAll(all, extra);
        return new KeyTable(all);
    }

    /** Every key, in the order {@code --help} lists them. */
    public List<Key<?>> keys() {
        return keys;
    }

    /** The key called {@code name} (without the prefix), or null. */
    public Key<?> find(String name) {
        for (Key<?> key : keys) {
            if (key.name().equals(name)) {
                return key;
            }
        }
        return null;
    }

    /** The bundled defaults: every config key with its default, empty for none (the lowest config source). */
    public Map<String, String> defaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        for (Key<?> key : keys) {
            defaults.put(key.configKey(), key.defaultValue() == null ? "" : key.defaultValue());
        }
        return defaults;
    }

    /** Whether {@code configKey} is a setting: one of the keys, or a named camera's ({@link #namedCamera}). */
    public boolean isKnown(String configKey) {
        return (configKey.startsWith(PREFIX) && find(configKey.substring(PREFIX.length())) != null) || namedCamera(configKey) != null;
    }

    /**
     * The camera NAME of a named camera's key, {@code pistream.camera.NAME} or
     * {@code pistream.camera.NAME.KEY} for a {@link Key#isPerCamera} key; null for any other key.
     */
    public String namedCamera(String configKey) {
        String prefix = PREFIX + NAMED_CAMERA;
        if (!configKey.startsWith(prefix)) {
            return null;
        }
        String rest = configKey.substring(prefix.length());
        int dot = rest.indexOf('.');
        String name = dot < 0 ? rest : rest.substring(0, dot);
        if (!CAMERA_NAME.matcher(name).matches()) {
            return null;
        }
        if (dot < 0) {
            return name;
        }
        Key<?> key = find(rest.substring(dot + 1));
        return key != null && key.isPerCamera() ? name : null;
    }

    /** The config key of camera NAME's own value of {@code key}: {@code pistream.camera.NAME.KEY}. */
    public static String cameraKey(String camera, Key<?> key) {
        return PREFIX + NAMED_CAMERA + camera + "." + key.name();
    }

    /** The config key of camera NAME's source: {@code pistream.camera.NAME}. */
    public static String cameraKey(String camera) {
        return PREFIX + NAMED_CAMERA + camera;
    }
}
