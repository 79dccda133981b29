package org.pistream.core;

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
 */
public record Settings(int port, String address, int maxClients, int bufferSize, int statsIntervalSeconds,
                       List<String> cameraCommand, TestPatternSpec testPattern, String logLevel, boolean verbose,
                       int maxFrameBytes, int snapshotTimeoutMillis, int cameraTimeoutSeconds, int idleStopSeconds,
                       int warmupFrames, String logFormat, Limits limits, Auth auth, Tls tls,
                       List<String> allowedOrigins, HttpSourceSpec httpSource) {

    public Settings {
        cameraCommand = List.copyOf(cameraCommand);
        allowedOrigins = List.copyOf(allowedOrigins);
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

    /** What the stats and logs call the camera: credentials in the command or URL are masked. */
    public String cameraDescription() {
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
                + ", auth=" + auth + ", tls=" + tls + ", allowedOrigins=" + allowedOrigins + "]"; // Auth and Tls mask their secrets
    }
}
