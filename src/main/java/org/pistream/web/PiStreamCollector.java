package org.pistream.web;

import java.util.ArrayList;
import java.util.List;

import org.pistream.core.Camera;
import org.pistream.core.CameraState;
import org.pistream.core.CameraStatus;
import org.pistream.core.DropReason;
import org.pistream.core.FrameBroadcaster;
import org.pistream.core.Health;
import org.pistream.core.Histogram;
import org.pistream.core.PiStream;
import org.pistream.core.RejectReason;
import org.pistream.core.SplitterCounters;
import org.pistream.core.Subscription;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
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
 * stay in {@code /stats}: a label per connection would make a new series for every viewer.
 */
final class PiStreamCollector implements MultiCollector {
    private static final double NANOS_PER_SECOND = 1e9;

    private final PiStream app;
    private final String version;

    PiStreamCollector(PiStream app, String version) {
        this.app = app;
        this.version = version;
    }

    @Override
    public MetricSnapshots collect() {
        FrameBroadcaster b = app.broadcaster();
        Camera camera = app.camera();
        CameraStatus status = camera.status();
        Health health = app.health();
        List<MetricSnapshot> m = new ArrayList<>();

        m.add(InfoSnapshot.builder().name("pistream_build").help("pi-stream's version")
                .dataPoint(InfoDataPointSnapshot.builder().labels(Labels.of("version", version)).build()).build());
        m.add(gauge("pistream_start_time_seconds", "When pi-stream started, in seconds since the epoch",
                app.startedAt().toEpochMilli() / 1000.0));
        m.add(gauge("pistream_healthy", "1 while /healthz answers UP (fresh camera frames, or idle on purpose), else 0",
                health.up() ? 1 : 0));

        GaugeSnapshot.Builder state = GaugeSnapshot.builder().name("pistream_camera_state")
                .help("1 for the camera's current state, 0 for the others");
        for (CameraState s : CameraState.values()) {
            state.dataPoint(GaugeDataPointSnapshot.builder().labels(Labels.of("state", s.key()))
                    .value(s == status.state() ? 1 : 0).build());
        }
        m.add(state.build());
        m.add(counter("pistream_camera_starts", "Camera program starts", status.starts()));
        m.add(counter("pistream_camera_restarts", "Camera restarts after an exit, a failed start or the watchdog",
                status.restarts()));
        m.add(counter("pistream_camera_watchdog_restarts",
                "Camera runs ended because no frame came for camera-timeout seconds", status.watchdogKills()));
        if (status.lastExitCode() != null) {
            m.add(gauge("pistream_camera_last_exit_code", "Exit code of the camera program's last run",
                    status.lastExitCode()));
        }
        m.add(counter("pistream_camera_frames", "Frames received from the camera and published to clients", b.framesIn()));
        m.add(counter("pistream_camera_bytes", "JPEG bytes of the published camera frames", b.bytesIn()));
        m.add(counter("pistream_camera_warmup_frames_discarded", "Frames discarded after camera starts (warmup-frames)",
                status.warmupDiscarded()));
        SplitterCounters counters = camera.splitterCounters();
        CounterSnapshot.Builder dropped = CounterSnapshot.builder().name("pistream_camera_frames_dropped")
                .help("Frames from the camera that were dropped, never sent, by reason");
        for (DropReason reason : DropReason.values()) {
            dropped.dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("reason", reason.key()))
                    .value(counters == null ? 0 : counters.dropped(reason)).build());
        }
        m.add(dropped.build());
        m.add(counter("pistream_camera_garbage_bytes", "Bytes from the camera outside any frame, skipped",
                counters == null ? 0 : counters.garbageBytes()));
        m.add(gauge("pistream_camera_frame_buffer_bytes", "Memory the frame splitter holds for the frame being read",
                status.frameBufferBytes()));
        GaugeSnapshot.Builder fps = GaugeSnapshot.builder().name("pistream_camera_fps")
                .help("Camera frames per second over the last window");
        fps.dataPoint(GaugeDataPointSnapshot.builder().labels(Labels.of("window", "1s")).value(b.inputFps(1)).build());
        fps.dataPoint(GaugeDataPointSnapshot.builder().labels(Labels.of("window", "10s")).value(b.inputFps(10)).build());
        m.add(fps.build());
        if (health.lastFrameAgeMillis() != null) {
            m.add(gauge("pistream_camera_last_frame_age_seconds", "Age of the newest camera frame",
                    health.lastFrameAgeMillis() / 1000.0));
        }
        int[] size = StatsReport.resolution(b);
        if (size != null) {
            m.add(gauge("pistream_camera_width_pixels", "Width of the newest camera frame, from its JPEG header", size[0]));
            m.add(gauge("pistream_camera_height_pixels", "Height of the newest camera frame, from its JPEG header", size[1]));
        }
        m.add(histogram("pistream_camera_frame_size_bytes", "Sizes of the camera's JPEG frames", b.frameSizes(), 1));

        List<Subscription> subscriptions = b.subscriptions();
        long maxLag = 0;
        for (Subscription s : subscriptions) {
            maxLag = Math.max(maxLag, s.lag());
        }
        m.add(gauge("pistream_clients", "Stream clients connected", subscriptions.size()));
        m.add(gauge("pistream_clients_limit", "Most stream clients at once (max-clients)", b.maxSubscribers()));
        m.add(gauge("pistream_clients_max_lag_frames", "Frames the furthest-behind client has yet to get", maxLag));
        m.add(counter("pistream_connections_accepted", "Stream clients accepted", b.accepted()));
        CounterSnapshot.Builder rejected = CounterSnapshot.builder().name("pistream_connections_rejected")
                .help("Stream clients turned away with 503, by reason");
        for (RejectReason reason : RejectReason.values()) {
            rejected.dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("reason", reason.key()))
                    .value(b.rejected(reason)).build());
        }
        m.add(rejected.build());

        m.add(counter("pistream_frames_sent", "Frames written to stream clients (every client counts)", b.framesOut()));
        m.add(counter("pistream_bytes_sent", "Stream bytes written to clients, part headers included", b.bytesOut()));
        m.add(counter("pistream_frames_skipped", "Frames slow clients skipped to catch up with the newest",
                b.framesSkipped()));
        m.add(counter("pistream_placeholder_frames", "No-signal pictures published while the camera was down",
                b.placeholderFrames()));
        m.add(counter("pistream_keepalive_frames", "Frames re-sent to keep connections alive while frames paused",
                b.repeatedFrames()));
        m.add(histogram("pistream_frame_delivery_seconds",
                "Per client and frame: from the frame's publish to its last byte handed to the connection",
                b.deliveryLatency(), NANOS_PER_SECOND));
        return new MetricSnapshots(m);
    }

    private static CounterSnapshot counter(String name, String help, double value) {
        return CounterSnapshot.builder().name(name).help(help)
                .dataPoint(CounterDataPointSnapshot.builder().value(value).build()).build();
    }

    private static GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help)
                .dataPoint(GaugeDataPointSnapshot.builder().value(value).build()).build();
    }

    /** @param divisor turns the core's unit into the metric's (nanoseconds into seconds) */
    private static HistogramSnapshot histogram(String name, String help, Histogram histogram, double divisor) {
        Histogram.Snapshot h = histogram.snapshot();
        long[] bounds = h.upperBounds();
        double[] upper = new double[bounds.length + 1];
        for (int i = 0; i < bounds.length; i++) {
            upper[i] = bounds[i] / divisor;
        }
        upper[bounds.length] = Double.POSITIVE_INFINITY;
        return HistogramSnapshot.builder().name(name).help(help)
                .dataPoint(HistogramDataPointSnapshot.builder().classicHistogramBuckets(ClassicHistogramBuckets.of(upper, h.counts()))
                        .sum(h.sum() / divisor).build())
                .build();
    }
}
