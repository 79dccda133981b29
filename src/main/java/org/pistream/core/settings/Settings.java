package org.pistream.core.settings;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every setting pi-stream runs with, validated and immutable: the server's (address, ports,
 * limits, TLS, authentication, CORS, logging, stats) and one {@link CameraSettings} per camera.
 * Built once by the context listener (from MicroProfile Config, by the {@link KeyTable}) and handed
 * to constructors; nothing below reads configuration.
 *
 * @param values         the server's value of every key in the table
 * @param auth           HTTP Basic authentication, or null when off
 * @param tls            HTTPS for the embedded server, or null when off
 * @param allowedOrigins origins allowed to read the stream, snapshots and stats from scripts (CORS);
 *                       {@code *} for any; empty when off
 * @param cameras        every camera to run, in the order they are listed: the unnamed one
 *                       ({@value #UNNAMED}) first when it runs, then the named ones ({@code camera.NAME})
 * @param defaultCamera  the name of the camera {@code /stream} and {@code /snapshot} serve, one of {@code cameras}
 */
public record Settings(Values values, Auth auth, Tls tls, List<String> allowedOrigins, List<CameraSettings> cameras,
                       String defaultCamera) {

    /** The name the unnamed camera goes by beside named ones, in stats, metrics and {@code /cam/default/}. */
    public static final String UNNAMED = "default";

    public Settings {
        allowedOrigins = List.copyOf(allowedOrigins);
        cameras = List.copyOf(cameras);
        if (cameras.stream().noneMatch(c -> c.name().equals(defaultCamera))) {
            throw new IllegalArgumentException("the default camera '" + defaultCamera + "' is not one of " + cameras);
        }
    }

    /** The server's value of a key; for a per-camera key, the value cameras have unless they set their own. */
    public <T> T get(Key<T> key) {
        return values.get(key);
    }

    public int port() {
        return get(KeyTable.PORT);
    }

    public String address() {
        return get(KeyTable.ADDRESS);
    }

    /** Seconds between stats log lines; 0 turns them off. */
    public int statsIntervalSeconds() {
        return get(KeyTable.STATS_INTERVAL);
    }

    public String logLevel() {
        return get(KeyTable.LOG_LEVEL);
    }

    public boolean verbose() {
        return get(KeyTable.VERBOSE);
    }

    /** {@code text} or {@code json} (one JSON object per line); used by the embedded launcher. */
    public String logFormat() {
        return get(KeyTable.LOG_FORMAT);
    }

    public int snapshotTimeoutMillis() {
        return get(KeyTable.SNAPSHOT_TIMEOUT) * 1000;
    }

    /** The reverse proxies whose forwarding headers are believed ({@code trusted-proxies}); empty: none. */
    public List<AddressRange> trustedProxies() {
        return AddressRange.parseList(get(KeyTable.TRUSTED_PROXIES));
    }

    /** The {@code Strict-Transport-Security} max-age in seconds for HTTPS answers, or -1 when none is sent ({@code hsts}). */
    public long hstsMaxAgeSeconds() {
        String hsts = get(KeyTable.HSTS);
        return hsts == null ? -1 : Long.parseLong(hsts.strip());
    }

    /** Connection and client limits and timeouts. */
    public Limits limits() {
        return new Limits(get(KeyTable.MAX_CONNECTIONS), get(KeyTable.MAX_CONNECTIONS_PER_ADDRESS),
                get(KeyTable.MAX_CLIENTS_PER_ADDRESS), get(KeyTable.HEADER_TIMEOUT), get(KeyTable.CLIENT_TIMEOUT));
    }

    /** Whether logs name each camera: as soon as one camera has a name. */
    public boolean namesCameras() {
        return cameras.size() > 1 || !cameras.get(0).name().equals(UNNAMED);
    }

    /**
     * The settings in force for {@code camera}, as {@code /stats} shows them under {@code config}:
     * every {@link Key#isShown} key by name, the camera's own value for a per-camera key, and for
     * {@code camera} its source's description (credentials masked).
     */
    public Map<String, Object> shown(CameraSettings camera) {
        Map<String, Object> shown = new LinkedHashMap<>();
        values.asMap().forEach((key, value) -> {
            if (!key.isShown() || key.isSecret()) {
                return;
            }
            if (key.equals(KeyTable.CAMERA)) {
                shown.put(key.name(), camera.source().description());
            } else {
                shown.put(key.name(), key.isPerCamera() && camera.values().has(key) ? camera.values().get(key) : value);
            }
        });
        return shown;
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

    /** What the stats and logs call the cameras: {@code NAME=SOURCE, ...}, or the source alone for the one unnamed camera. */
    public String cameraDescription() {
        if (!namesCameras()) {
            return cameras.get(0).source().description();
        }
        StringBuilder all = new StringBuilder();
        for (CameraSettings camera : cameras) {
            all.append(all.length() == 0 ? "" : ", ").append(camera.name()).append('=').append(camera.source().description());
        }
        return all.toString();
    }

    /** Every setting, for logs: credentials in the camera's command or URL, the password hash and the key store password masked. */
    @Override
    public String toString() {
        return "Settings[" + values + ", cameras=" + cameras + ", defaultCamera=" + defaultCamera + ", auth=" + auth
                + ", tls=" + tls + ", allowedOrigins=" + allowedOrigins + "]"; // Auth and Tls mask their secrets
    }
}
