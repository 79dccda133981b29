package org.pistream.web.observe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.pistream.core.Cameras;
import org.pistream.core.PiStream;
import org.pistream.core.stats.CameraStats;
import org.pistream.core.stats.FanoutStats;
import org.pistream.core.stats.Health;
import org.pistream.core.stats.Histogram;
import org.pistream.core.stats.SourceStats;
import org.pistream.web.security.SecurityCounters;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * pi-stream's numbers as Prometheus metrics, read from the core's own counters at scrape time.
 * Nothing on the frame path touches the Prometheus client: the core counts with adders and its
 * {@link Histogram}, {@code /stats} and {@code /metrics} read the same values, and a scrape costs
 * one pass over them (and over the connected clients, for the largest lag).
 *
 * <p>Names are stable and start with {@code pistream_}; the text writer adds {@code _total} to
 * counters and {@code _bucket}, {@code _sum}, {@code _count} to histograms. Per-client numbers
 * stay in {@code /stats}: a label per connection would make a new series for every viewer. Every
 * camera's series carry a {@code camera} label, {@code default} for the unnamed camera.
 */
public final class PiStreamCollector implements MultiCollector {
    private static final double NANOS_PER_SECOND = 1e9;

    private final Cameras cameras;
    private final String version;
    private final SecurityCounters security;
    private final Supplier<Map<String, Object>> connections;

    /**
     * @param security    what the webapp's protections did
     * @param connections the embedded server's connection numbers (as in {@code /stats}), or null in a container
     */
    public PiStreamCollector(Cameras cameras, String version, SecurityCounters security,
                             Supplier<Map<String, Object>> connections) {
        this.cameras = cameras;
        this.version = version;
        this.security = security;
        this.connections = connections;
    }

    @Override
    public MetricSnapshots collect() {
        Families f = new Families();
        PiStream main = cameras.main();
        f.info("pistream_build", "pi-stream's version", Labels.of("version", version));
        f.gauge("pistream_start_time_seconds", "When pi-stream started, in seconds since the epoch", Labels.EMPTY,
                main.startedAt().toEpochMilli() / 1000.0);
        for (PiStream app : cameras.all().values()) {
            camera(f, app.stats());
            Labels cam = Labels.of("camera", app.name());
            f.counter("pistream_control_changes", "Requests that changed camera settings (controls)", cam, app.controls().changes());
            f.counter("pistream_control_restarts", "Camera restarts to apply changed settings (not faults)", cam,
                    app.controls().restarts());
        }
        security(f);
        return f.build();
    }

    /**
     * The server's protections, without a camera label: what {@code /stats} shows under
     * {@code clients}, {@code auth} and (embedded) {@code connections}. Refusals and bad requests
     * are logged at most every 10 s, or not at all; here each one counts.
     */
    private void security(Families f) {
        f.counter("pistream_clients_refused_per_address", "Stream requests refused (503) at max-clients-per-address",
                Labels.EMPTY, security.refusedPerAddress.sum());
        f.counter("pistream_clients_timed_out", "Stream clients dropped after accepting no bytes for client-timeout",
                Labels.EMPTY, security.clientTimeouts.sum());
        f.counter("pistream_auth_failures", "Requests with wrong credentials", Labels.EMPTY, security.authFailures.sum());
        f.counter("pistream_auth_throttled", "Requests refused (429) after too many failed logins", Labels.EMPTY,
                security.authThrottled.sum());
        f.counter("pistream_control_refusals", "Requests to change camera settings refused (not allowed, cross-site, not JSON)",
                Labels.EMPTY, security.controlRefusals.sum());
        Map<String, Object> c = connections == null ? null : connections.get();
        if (c == null) {
            return;
        }
        f.gauge("pistream_server_connections_open", "Admitted connections open now (embedded server)", Labels.EMPTY,
                number(c.get("open")));
        f.counter("pistream_server_connections_accepted", "Connections accepted (embedded server)", Labels.EMPTY,
                number(c.get("accepted")));
        f.counter("pistream_server_connections_refused", "Requests refused (503) on connections over max-connections "
                + "or max-connections-per-address", Labels.EMPTY, number(c.get("refused")));
        f.counter("pistream_server_header_timeouts", "Connections closed for not sending a request head in header-timeout",
                Labels.EMPTY, number(c.get("headerTimeouts")));
        f.counter("pistream_server_idle_closed", "Idle keep-alive connections closed", Labels.EMPTY,
                number(c.get("idleClosed")));
        f.counter("pistream_server_bad_requests", "Requests the server refused as malformed before any handler "
                + "(400, 414, 426, 431, 505); not logged", Labels.EMPTY, number(c.get("badRequests")));
    }

    private static double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : 0;
    }

    /** One camera's series, each labelled {@code camera="NAME"} ({@code default} for the unnamed camera). */
    private static void camera(Families f, CameraStats stats) {
        FanoutStats b = stats.fanout();
        SourceStats status = stats.source();
        Health health = stats.health();
        Labels cam = Labels.of("camera", stats.name());

        SourceStats.Requested requested = status.requested();
        // Labels from the configuration only, so a camera has one series for the server's life.
        f.info("pistream_camera", "The camera's kind and the resolution it was asked for (empty when none was)",
                cam.add("kind", status.kind()).add("requested_resolution", requested.resolution() == null ? "" : requested.resolution()));
        if (requested.fps() != null) {
            f.gauge("pistream_camera_requested_fps", "Frames per second the camera was asked for (fps)", cam, requested.fps());
        }
        if (requested.quality() != null) {
            f.gauge("pistream_camera_requested_quality", "JPEG quality the camera was asked for, 1-100 (quality)", cam,
                    requested.quality());
        }
        f.gauge("pistream_healthy", "1 while the camera is healthy (fresh frames, or idle on purpose), else 0; /healthz is UP when all are",
                cam, health.up() ? 1 : 0);
        for (String s : SourceStats.STATES) {
            f.gauge("pistream_camera_state", "1 for the camera's current state, 0 for the others", cam.add("state", s),
                    s.equals(status.stateKey()) ? 1 : 0);
        }
        f.counter("pistream_camera_starts", "Camera program starts", cam, status.starts());
        f.counter("pistream_camera_restarts", "Camera restarts after an exit, a failed start or the watchdog", cam,
                status.restarts());
        f.counter("pistream_camera_watchdog_restarts", "Camera runs ended because no frame came for camera-timeout seconds",
                cam, status.watchdogRestarts());
        if (status.lastExitCode() != null) {
            f.gauge("pistream_camera_last_exit_code", "Exit code of the camera program's last run", cam, status.lastExitCode());
        }
        f.counter("pistream_camera_frames", "Frames received from the camera and published to clients", cam, b.framesIn());
        f.counter("pistream_camera_bytes", "JPEG bytes of the published camera frames", cam, b.bytesIn());
        f.counter("pistream_camera_warmup_frames_discarded", "Frames discarded after camera starts (warmup-frames)", cam,
                status.warmupFramesDiscarded());
        status.framesDropped().forEach((reason, n) -> f.counter("pistream_camera_frames_dropped",
                "Frames from the camera that were dropped, never sent, by reason", cam.add("reason", reason), n));
        f.counter("pistream_camera_garbage_bytes", "Bytes from the camera outside any frame, skipped", cam,
                status.garbageBytes());
        f.gauge("pistream_camera_frame_buffer_bytes", "Memory the frame splitter holds for the frame being read", cam,
                status.frameBufferBytes());
        f.gauge("pistream_camera_fps", "Camera frames per second over the last window", cam.add("window", "1s"), b.fps1s());
        f.gauge("pistream_camera_fps", "Camera frames per second over the last window", cam.add("window", "10s"), b.fps10s());
        if (health.lastFrameAgeMillis() != null) {
            f.gauge("pistream_camera_last_frame_age_seconds", "Age of the newest camera frame", cam,
                    health.lastFrameAgeMillis() / 1000.0);
        }
        if (b.width() != null) {
            f.gauge("pistream_camera_width_pixels", "Width of the newest camera frame, from its JPEG header", cam, b.width());
            f.gauge("pistream_camera_height_pixels", "Height of the newest camera frame, from its JPEG header", cam, b.height());
        }
        f.histogram("pistream_camera_frame_size_bytes", "Sizes of the camera's JPEG frames", cam, b.frameSizes(), 1);

        f.gauge("pistream_clients", "Stream clients connected", cam, b.list().size());
        f.gauge("pistream_clients_limit", "Most stream clients at once (max-clients)", cam, b.maxClients());
        f.gauge("pistream_clients_max_lag_frames", "Frames the furthest-behind client has yet to get", cam, b.maxLagFrames());
        f.counter("pistream_connections_accepted", "Stream clients accepted", cam, b.accepted());
        b.rejectedByReason().forEach((reason, n) -> f.counter("pistream_connections_rejected",
                "Stream clients turned away with 503, by reason", cam.add("reason", reason), n));

        f.counter("pistream_frames_sent", "Frames written to stream clients (every client counts)", cam, b.framesOut());
        f.counter("pistream_bytes_sent", "Stream bytes written to clients, part headers included", cam, b.bytesOut());
        f.counter("pistream_frames_skipped", "Frames slow clients skipped to catch up with the newest", cam,
                b.framesSkipped());
        f.counter("pistream_placeholder_frames", "No-signal pictures published while the camera was down", cam,
                b.placeholderFrames());
        f.counter("pistream_keepalive_frames", "Frames re-sent to keep connections alive while frames paused", cam,
                b.keepAliveFrames());
        f.histogram("pistream_frame_delivery_seconds",
                "Per client and frame: from the frame's publish to its last byte handed to the connection", cam,
                b.deliveryLatency(), NANOS_PER_SECOND);
    }

    /**
     * The metric families of one scrape, in first-seen order: every camera adds its data points
     * to the same family, as the exposition format wants one family per name.
     */
    private static final class Families {
        private final Map<String, Object> builders = new LinkedHashMap<>();

        void info(String name, String help, Labels labels) {
            ((InfoSnapshot.Builder) builders.computeIfAbsent(name, n -> InfoSnapshot.builder().name(n).help(help)))
                    .dataPoint(InfoDataPointSnapshot.builder().labels(labels).build());
        }

        void counter(String name, String help, Labels labels, double value) {
            ((CounterSnapshot.Builder) builders.computeIfAbsent(name, n -> CounterSnapshot.builder().name(n).help(help)))
                    .dataPoint(CounterDataPointSnapshot.builder().labels(labels).value(value).build());
        }

        void gauge(String name, String help, Labels labels, double value) {
            ((GaugeSnapshot.Builder) builders.computeIfAbsent(name, n -> GaugeSnapshot.builder().name(n).help(help)))
                    .dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(value).build());
        }

        /** @param divisor turns the core's unit into the metric's (nanoseconds into seconds) */
        void histogram(String name, String help, Labels labels, Histogram.Snapshot h, double divisor) {
            long[] bounds = h.upperBounds();
            double[] upper = new double[bounds.length + 1];
            for (int i = 0; i < bounds.length; i++) {
                upper[i] = bounds[i] / divisor;
            }
            upper[bounds.length] = Double.POSITIVE_INFINITY;
            ((HistogramSnapshot.Builder) builders.computeIfAbsent(name, n -> HistogramSnapshot.builder().name(n).help(help)))
                    .dataPoint(HistogramDataPointSnapshot.builder().labels(labels)
                            .classicHistogramBuckets(ClassicHistogramBuckets.of(upper, h.counts())).sum(h.sum() / divisor).build());
        }

        MetricSnapshots build() {
            List<MetricSnapshot> snapshots = new ArrayList<>();
            for (Object builder : builders.values()) {
                if (builder instanceof CounterSnapshot.Builder c) {
                    snapshots.add(c.build());
                } else if (builder instanceof GaugeSnapshot.Builder g) {
                    snapshots.add(g.build());
                } else if (builder instanceof HistogramSnapshot.Builder h) {
                    snapshots.add(h.build());
                } else {
                    snapshots.add(((InfoSnapshot.Builder) builder).build());
                }
            }
            return new MetricSnapshots(snapshots);
        }
    }
}
