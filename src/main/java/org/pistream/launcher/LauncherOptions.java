package org.pistream.launcher;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.pistream.web.ConfigKeys;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterException;
import com.beust.jcommander.converters.IParameterSplitter;

/**
 * The command-line flags. Values stay strings here: they become the highest-priority config
 * source, and {@code SettingsLoader} validates them exactly as it validates every other source,
 * so a bad value gets the same message whether it came from a flag, a property or the environment.
 * Defaults are not set here but come from the bundled defaults file (the help shows them).
 */
final class LauncherOptions {
    @Parameter(names = "--port", description = "TCP port to listen on (0 picks a free one)", order = 0)
    String port;

    @Parameter(names = "--address", description = "address to listen on", order = 1)
    String address;

    @Parameter(names = "--max-clients", description = "most stream clients at once; more get 503", order = 2)
    String maxClients;

    @Parameter(names = "--buffer-size", description = "frames a client may fall behind before it skips to the newest", order = 3)
    String bufferSize;

    @Parameter(names = "--stats-interval", description = "seconds between stats log lines (0: off)", order = 4)
    String statsInterval;

    @Parameter(names = "--camera", description = "'command' runs --camera-cmd; 'test-pattern[:WxH][@FPS]' is the built-in camera;"
            + " NAME=SOURCE (repeatable) adds a named camera at /cam/NAME/: SOURCE is a test pattern, an http:// URL or a command line",
            splitter = WholeValue.class, order = 5)
    List<String> camera = new ArrayList<>();

    @Parameter(names = "--camera-cmd", description = "camera program that writes MJPEG to stdout", order = 6)
    String cameraCmd;

    @Parameter(names = "--camera-args", description = "arguments of the camera program, split like a shell does", order = 7)
    String cameraArgs;

    @Parameter(names = "--camera-url", description = "MJPEG stream to relay instead of the camera program, e.g. http://pi:8080/stream (user:password@ allowed)", order = 7)
    String cameraUrl;

    @Parameter(names = "--camera-user", description = "basic-auth user for --camera-url", order = 7)
    String cameraUser;

    @Parameter(names = "--camera-password", description = "basic-auth password for --camera-url (prefer PISTREAM_CAMERA_PASSWORD: flags show in ps)", order = 7)
    String cameraPassword;

    @Parameter(names = "--camera-timeout", description = "seconds without a frame before the camera is restarted (0: never)", order = 8)
    String cameraTimeout;

    @Parameter(names = "--idle-stop", description = "seconds without viewers before the camera is stopped until the next request (0: never)", order = 8)
    String idleStop;

    @Parameter(names = "--warmup-frames", description = "frames discarded after each camera start while exposure settles", order = 8)
    String warmupFrames;

    @Parameter(names = "--log-level", description = "trace, debug, info, warn, error or off", order = 9)
    String logLevel;

    @Parameter(names = "--verbose", description = "debug logging for pi-stream itself", order = 10)
    Boolean verbose;

    @Parameter(names = "--log-format", description = "text, or json: one JSON object per line for log shippers", order = 10)
    String logFormat;

    @Parameter(names = "--max-frame-size", description = "largest JPEG accepted from the camera, in bytes", order = 11)
    String maxFrameSize;

    @Parameter(names = "--snapshot-timeout", description = "seconds /snapshot waits for a first frame before 503", order = 12)
    String snapshotTimeout;

    @Parameter(names = "--max-connections", description = "most open connections at once; more are answered 503", order = 13)
    String maxConnections;

    @Parameter(names = "--max-connections-per-address", description = "most open connections from one address (0: no cap)", order = 13)
    String maxConnectionsPerAddress;

    @Parameter(names = "--max-clients-per-address", description = "most stream clients from one address (0: no cap)", order = 13)
    String maxClientsPerAddress;

    @Parameter(names = "--header-timeout", description = "seconds a connection has to send a complete request head", order = 14)
    String headerTimeout;

    @Parameter(names = "--client-timeout", description = "seconds a stream client may accept no bytes before it is dropped", order = 14)
    String clientTimeout;

    @Parameter(names = "--auth-user", description = "user name for HTTP Basic authentication (with --auth-password-hash)", order = 15)
    String authUser;

    @Parameter(names = "--auth-password-hash", description = "the password's hash, from 'java -jar pi-stream.war hash-password'", order = 15)
    String authPasswordHash;

    @Parameter(names = "--tls-keystore", description = "PKCS12 key store: serve HTTPS (HTTP/2 and HTTP/1.1) on --tls-port", order = 16)
    String tlsKeystore;

    @Parameter(names = "--tls-keystore-password-file", description = "file whose first line is the key store's password"
            + " (or set PISTREAM_TLS_KEYSTORE_PASSWORD)", order = 16)
    String tlsKeystorePasswordFile;

    @Parameter(names = "--tls-port", description = "HTTPS port (0 picks a free one)", order = 16)
    String tlsPort;

    @Parameter(names = "--plain-http", description = "with HTTPS on, the plain HTTP port: 'keep' serving, 'redirect' to HTTPS, or 'off'", order = 16)
    String plainHttp;

    @Parameter(names = "--allow-origin", description = "origins (comma-separated, or *) whose pages may read /stream, /snapshot, /stats (CORS)", order = 17)
    String allowOrigin;

    @Parameter(names = "--config", description = "properties file of pistream.NAME=VALUE settings, below flags, -D and the environment", order = 19)
    String config;

    @Parameter(names = "--version", description = "print the version and exit", order = 20)
    boolean version;

    @Parameter(names = {"--help", "-h"}, help = true, description = "print this help and exit", order = 21)
    boolean help;

    /** The flags given on the command line, as config keys. */
    Map<String, String> toConfig() {
        Map<String, String> map = new LinkedHashMap<>();
        put(map, ConfigKeys.PORT, port);
        put(map, ConfigKeys.ADDRESS, address);
        put(map, ConfigKeys.MAX_CLIENTS, maxClients);
        put(map, ConfigKeys.BUFFER_SIZE, bufferSize);
        put(map, ConfigKeys.STATS_INTERVAL, statsInterval);
        putCameras(map);
        put(map, ConfigKeys.CAMERA_CMD, cameraCmd);
        put(map, ConfigKeys.CAMERA_ARGS, cameraArgs);
        put(map, ConfigKeys.CAMERA_URL, cameraUrl);
        put(map, ConfigKeys.CAMERA_USER, cameraUser);
        put(map, ConfigKeys.CAMERA_PASSWORD, cameraPassword);
        put(map, ConfigKeys.CAMERA_TIMEOUT, cameraTimeout);
        put(map, ConfigKeys.IDLE_STOP, idleStop);
        put(map, ConfigKeys.WARMUP_FRAMES, warmupFrames);
        put(map, ConfigKeys.LOG_LEVEL, logLevel);
        put(map, ConfigKeys.VERBOSE, verbose == null ? null : verbose.toString());
        put(map, ConfigKeys.LOG_FORMAT, logFormat);
        put(map, ConfigKeys.MAX_FRAME_SIZE, maxFrameSize);
        put(map, ConfigKeys.SNAPSHOT_TIMEOUT, snapshotTimeout);
        put(map, ConfigKeys.MAX_CONNECTIONS, maxConnections);
        put(map, ConfigKeys.MAX_CONNECTIONS_PER_ADDRESS, maxConnectionsPerAddress);
        put(map, ConfigKeys.MAX_CLIENTS_PER_ADDRESS, maxClientsPerAddress);
        put(map, ConfigKeys.HEADER_TIMEOUT, headerTimeout);
        put(map, ConfigKeys.CLIENT_TIMEOUT, clientTimeout);
        put(map, ConfigKeys.AUTH_USER, authUser);
        put(map, ConfigKeys.AUTH_PASSWORD_HASH, authPasswordHash);
        put(map, ConfigKeys.TLS_KEYSTORE, tlsKeystore);
        put(map, ConfigKeys.TLS_KEYSTORE_PASSWORD_FILE, tlsKeystorePasswordFile);
        put(map, ConfigKeys.TLS_PORT, tlsPort);
        put(map, ConfigKeys.PLAIN_HTTP, plainHttp);
        put(map, ConfigKeys.ALLOW_ORIGIN, allowOrigin);
        return map;
    }

    /**
     * {@code --camera VALUE} sets the unnamed camera; {@code --camera NAME=SOURCE} sets
     * {@code camera.NAME} and lists NAME in {@code cameras}, keeping the order of the flags.
     */
    private void putCameras(Map<String, String> map) {
        List<String> names = new ArrayList<>();
        for (String value : camera) {
            int eq = value.indexOf('=');
            String name = eq < 0 ? "" : value.substring(0, eq).trim();
            if (ConfigKeys.CAMERA_NAME.matcher(name).matches()) {
                names.add(name);
                map.put(ConfigKeys.key(ConfigKeys.NAMED_CAMERA + name), value.substring(eq + 1));
            } else if (map.putIfAbsent(ConfigKeys.key(ConfigKeys.CAMERA), value) != null) {
                throw new ParameterException("--camera is given twice without a name: '" + map.get(ConfigKeys.key(ConfigKeys.CAMERA))
                        + "' and '" + value + "' (use NAME=SOURCE for more cameras)");
            }
        }
        if (!names.isEmpty()) {
            map.put(ConfigKeys.key(ConfigKeys.CAMERAS), String.join(",", names));
        }
    }

    /** A flag value is one value: a camera command line may contain commas. */
    public static final class WholeValue implements IParameterSplitter {
        @Override
        public List<String> split(String value) {
            return List.of(value);
        }
    }

    private static void put(Map<String, String> map, String flag, String value) {
        if (value != null) {
            map.put(ConfigKeys.key(flag), value);
        }
    }
}
