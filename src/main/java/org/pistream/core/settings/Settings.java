package org.pistream.core.settings;

import java.net.URI;
import java.util.List;

/**
 * Every setting pi-stream runs with, validated and immutable. Built once by the context listener
 * (from MicroProfile Config) and handed to constructors; nothing below reads configuration.
 *
 * @param cameraCommand    the camera program and its arguments, already split into words
 * @param testPattern      the built-in camera to use instead of the command, or null
 * @param httpSource       another MJPEG server to relay instead of the command, or null
 * @param statsIntervalSeconds seconds between stats log lines; 0 turns them off
 * @param cameraTimeoutSeconds end a camera that sends no complete frame for this long; 0: never
 * @param idleStopSeconds      stop the camera after this long without viewers; 0: never
 * @param warmupFrames         frames discarded after each camera start
 * @param logFormat            {@code text} or {@code json} (one JSON object per line); used by the embedded launcher
 * @param limits               connection and client limits and timeouts
 * @param auth                 HTTP Basic authentication, or null when off
 * @param tls                  HTTPS for the embedded server, or null when off
 * @param allowedOrigins       origins allowed to read the stream, snapshots and stats from scripts
 *                             (CORS); {@code *} for any; empty when off
 * @param cameras              named cameras ({@code camera.NAME}), each with its own settings, in the
 *                             order they are listed; empty for the single unnamed camera
 * @param defaultCamera        which named camera {@code /stream} and {@code /snapshot} serve, or null
 *                             when they serve the unnamed camera these settings describe
 */
public record Settings(int port, String address, int maxClients, int bufferSize, int statsIntervalSeconds,
                       List<String> cameraCommand, TestPatternSpec testPattern, String logLevel, boolean verbose,
                       int maxFrameBytes, int snapshotTimeoutMillis, int cameraTimeoutSeconds, int idleStopSeconds,
                       int warmupFrames, String logFormat, Limits limits, Auth auth, Tls tls,
                       List<String> allowedOrigins, HttpSourceSpec httpSource, List<NamedCamera> cameras,
                       String defaultCamera) {

    /** The name the unnamed camera goes by beside named ones, in stats, metrics and {@code /cam/default/}. */
    public static final String UNNAMED = "default";

    public Settings {
        cameraCommand = List.copyOf(cameraCommand);
        allowedOrigins = List.copyOf(allowedOrigins);
        cameras = List.copyOf(cameras);
    }

    /**
     * One of several cameras: its name (as in {@code /cam/NAME/stream}) and the settings its
     * supervisor, broadcaster and limits run with (the server's, with its own camera and limits).
     */
    public record NamedCamera(String name, Settings settings) {
        @Override
        public String toString() {
            return name + "=" + settings.cameraDescription();
        }
    }

    /** The camera part of the settings, replaced: what a named camera differs in from the server's. */
    public Settings withCamera(List<String> command, TestPatternSpec pattern, HttpSourceSpec source, int clients,
                               int buffer, int frameBytes, int timeoutSeconds, int idleSeconds, int warmup) {
        return new Settings(port, address, clients, buffer, statsIntervalSeconds, command, pattern, logLevel, verbose,
                frameBytes, snapshotTimeoutMillis, timeoutSeconds, idleSeconds, warmup, logFormat, limits, auth, tls,
                allowedOrigins, source, List.of(), null);
    }

    /**
     * Limits against misbehaving clients. Connection limits and the header timeout belong to the
     * connector, so only the embedded server applies them; the rest apply in a container too.
     *
     * @param maxConnections           open connections at once (embedded); more are answered 503
     * @param maxConnectionsPerAddress open connections from one remote address (embedded); 0: no cap
     * @param maxClientsPerAddress     stream clients from one remote address; 0: no cap
     * @param headerTimeoutSeconds     a connection must send a complete request head within this
     *                                 time of opening or of its previous response (embedded)
     * @param clientTimeoutSeconds     a stream client whose connection accepts no bytes for this
     *                                 long is disconnected
     */
    public record Limits(int maxConnections, int maxConnectionsPerAddress, int maxClientsPerAddress,
                         int headerTimeoutSeconds, int clientTimeoutSeconds) {
    }

    /**
     * HTTP Basic authentication for every path except {@code exemptPaths}.
     *
     * @param exemptPaths paths within the webapp served without credentials (health checks)
     */
    public record Auth(String user, PasswordHash passwordHash, List<String> exemptPaths) {
        public Auth {
            exemptPaths = List.copyOf(exemptPaths);
        }
    }

    /** What the plain-HTTP port does while HTTPS is on. */
    public enum PlainHttp { KEEP, REDIRECT, OFF }

    /**
     * HTTPS (TLS 1.2 and 1.3, HTTP/2 and HTTP/1.1) for the embedded server.
     *
     * @param keystore PKCS12 key store with the server's key and certificate chain
     * @param port     HTTPS port (0 picks a free one)
     */
    public record Tls(String keystore, Secret keystorePassword, int port, PlainHttp plainHttp) {
    }

    /** Size and rate of the built-in test pattern. */
    public record TestPatternSpec(int width, int height, int fps) {
        @Override
        public String toString() {
            return "test-pattern:" + width + "x" + height + "@" + fps;
        }
    }

    /**
     * An MJPEG URL to read frames from ({@code camera-url}).
     *
     * @param url      the URL without credentials, as logs and stats show it
     * @param user     basic-auth user, or null for none
     * @param password basic-auth password, or null; never shown
     */
    public record HttpSourceSpec(URI url, String user, String password) {
        @Override
        public String toString() {
            return url + (user == null ? "" : " (as " + user + ")");
        }
    }

    /** These settings for the unnamed camera alone, without the named ones. */
    public Settings alone() {
        return withCamera(cameraCommand, testPattern, httpSource, maxClients, bufferSize, maxFrameBytes, cameraTimeoutSeconds,
                idleStopSeconds, warmupFrames);
    }

    /** What the stats and logs call the camera: credentials in the command or URL are masked. */
    public String cameraDescription() {
        if (!cameras.isEmpty()) {
            StringBuilder all = new StringBuilder();
            if (defaultCamera == null) {
                all.append(UNNAMED).append('=').append(alone().cameraDescription());
            }
            for (NamedCamera camera : cameras) {
                all.append(all.length() == 0 ? "" : ", ").append(camera);
            }
            return all.toString();
        }
        if (httpSource != null) {
            return httpSource.toString();
        }
        return testPattern != null ? testPattern.toString() : Secrets.redact(String.join(" ", cameraCommand));
    }

    /** Every setting, for logs: the camera's credentials, the password hash and the key store password masked. */
    @Override
    public String toString() {
        return "Settings[port=" + port + ", address=" + address + ", maxClients=" + maxClients + ", bufferSize=" + bufferSize
                + ", statsIntervalSeconds=" + statsIntervalSeconds + ", camera=" + cameraDescription() + ", logLevel="
                + logLevel + ", verbose=" + verbose + ", logFormat=" + logFormat + ", maxFrameBytes=" + maxFrameBytes
                + ", snapshotTimeoutMillis=" + snapshotTimeoutMillis + ", cameraTimeoutSeconds=" + cameraTimeoutSeconds
                + ", idleStopSeconds=" + idleStopSeconds + ", warmupFrames=" + warmupFrames + ", limits=" + limits
                + ", auth=" + auth + ", tls=" + tls + ", allowedOrigins=" + allowedOrigins + ", cameras=" + cameras
                + ", defaultCamera=" + defaultCamera + "]"; // Auth and Tls mask their secrets
    }
}
