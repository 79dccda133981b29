package org.pistream.web.observe;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.pistream.core.Cameras;
import org.pistream.core.PiStream;
import org.pistream.core.fanout.Frame;
import org.pistream.core.fanout.FrameBroadcaster;
import org.pistream.core.fanout.RejectReason;
import org.pistream.core.fanout.Subscription;
import org.pistream.core.jpeg.DropReason;
import org.pistream.core.jpeg.JpegInfo;
import org.pistream.core.jpeg.SplitterCounters;
import org.pistream.core.settings.Settings;
import org.pistream.core.source.Camera;
import org.pistream.core.source.CameraStatus;
import org.pistream.core.stats.Health;
import org.pistream.web.CameraServlet;
import org.pistream.web.stream.StreamClient;

/** The numbers {@code /stats} shows, as a tree of maps for the JSON writer; docs/STATS.md describes them. */
public final class StatsReport {
    private StatsReport() {
    }

    /** @param config the settings in force for this camera, by key name ({@link Settings#shown}) */
    static Map<String, Object> of(PiStream app, String version, Map<String, Object> config) {
        FrameBroadcaster b = app.broadcaster();
        Map<String, Object> root = new LinkedHashMap<>();

        Map<String, Object> server = new LinkedHashMap<>();
        server.put("version", version);
        server.put("camera", app.name());
        server.put("startedAt", app.startedAt().toString());
        server.put("uptimeSeconds", round(app.uptime().toMillis() / 1000.0));
        Runtime runtime = Runtime.getRuntime();
        server.put("heapUsedBytes", runtime.totalMemory() - runtime.freeMemory());
        server.put("heapMaxBytes", runtime.maxMemory());
        server.put("threads", Thread.activeCount());
        Health health = app.health();
        server.put("health", health.up() ? "UP" : "DOWN");
        server.put("config", config);
        root.put("server", server);

        Camera camera = app.camera();
        CameraStatus status = camera.status();
        Map<String, Object> cam = new LinkedHashMap<>();
        cam.put("kind", status.kind());
        cam.put("source", status.description());
        cam.put("state", status.state().key());
        cam.put("pid", status.pid() < 0 ? null : status.pid());
        cam.put("starts", status.starts());
        cam.put("restarts", status.restarts());
        cam.put("lastExitCode", status.lastExitCode());
        cam.put("lastError", status.lastError());
        cam.put("problem", status.problem());
        cam.put("watchdogRestarts", status.watchdogKills());
        cam.put("warmupFramesDiscarded", status.warmupDiscarded());
        cam.put("frameBufferBytes", status.frameBufferBytes());
        cam.put("framesIn", b.framesIn());
        cam.put("bytesIn", b.bytesIn());
        cam.put("fps", round(b.inputFps(1)));
        cam.put("fps10s", round(b.inputFps(10)));
        int[] size = resolution(b);
        cam.put("width", size == null ? null : size[0]);
        cam.put("height", size == null ? null : size[1]);
        cam.put("lastFrameAgeMs", health.lastFrameAgeMillis());
        cam.put("frameSizeMeanBytes", Math.round(b.frameSizes().snapshot().mean()));
        Map<String, Object> dropped = new LinkedHashMap<>();
        SplitterCounters counters = camera.splitterCounters();
        for (DropReason reason : DropReason.values()) {
            dropped.put(reason.key(), counters == null ? 0 : counters.dropped(reason));
        }
        cam.put("framesDropped", dropped);
        cam.put("garbageBytes", counters == null ? 0 : counters.garbageBytes());
        root.put("camera", cam);

        List<Subscription> subscriptions = b.subscriptions();
        Map<String, Object> clients = new LinkedHashMap<>();
        clients.put("connected", subscriptions.size());
        clients.put("max", b.maxSubscribers());
        clients.put("accepted", b.accepted());
        clients.put("rejected", b.rejected());
        Map<String, Object> rejectedBy = new LinkedHashMap<>();
        for (RejectReason reason : RejectReason.values()) {
            rejectedBy.put(reason.key(), b.rejected(reason));
        }
        clients.put("rejectedByReason", rejectedBy);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Subscription s : subscriptions) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("id", s.id());
            if (s.subscriber() instanceof StreamClient client) {
                c.put("remote", client.remote());
                c.put("userAgent", client.userAgent());
                c.put("path", client.path());
                if (client.options().maxFps() > 0) {
                    c.put("maxFps", client.options().maxFps());
                }
            }
            c.put("connectedAt", Instant.ofEpochMilli(s.connectedAtMillis()).toString());
            c.put("framesSent", s.framesSent());
            c.put("framesSkipped", s.framesSkipped());
            c.put("framesPassedOver", s.framesPassedOver());
            c.put("bytesSent", s.bytesSent());
            c.put("lagFrames", s.lag());
            list.add(c);
        }
        clients.put("list", list);
        root.put("clients", clients);

        Map<String, Object> output = new LinkedHashMap<>();
        output.put("framesOut", b.framesOut());
        output.put("framesSkipped", b.framesSkipped());
        output.put("placeholderFrames", b.placeholderFrames());
        output.put("keepAliveFrames", b.repeatedFrames());
        output.put("bytesOut", b.bytesOut());
        output.put("deliveryLatencyMeanMs", round(b.deliveryLatency().snapshot().mean() / 1e6));
        root.put("output", output);
        return root;
    }

    /**
     * Every camera in a line each, in the order they are configured, with where to find it: the
     * page lists them from this. URLs are relative to the context root.
     */
    static List<Map<String, Object>> cameras(Cameras cameras) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (PiStream app : cameras.all().values()) {
            FrameBroadcaster b = app.broadcaster();
            CameraStatus status = app.camera().status();
            Health health = app.health();
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", app.name());
            c.put("default", app == cameras.main());
            c.put("source", status.description());
            c.put("state", status.state().key());
            c.put("health", health.up() ? "UP" : "DOWN");
            c.put("fps", round(b.inputFps(1)));
            int[] size = resolution(b);
            c.put("width", size == null ? null : size[0]);
            c.put("height", size == null ? null : size[1]);
            c.put("lastFrameAgeMs", health.lastFrameAgeMillis());
            c.put("framesIn", b.framesIn());
            c.put("clients", b.subscriberCount());
            c.put("maxClients", b.maxSubscribers());
            String base = CameraServlet.PATH + "/" + app.name() + "/";
            c.put("stream", base + CameraServlet.STREAM);
            c.put("snapshot", base + CameraServlet.SNAPSHOT);
            c.put("stats", base + CameraServlet.STATS);
            list.add(c);
        }
        return list;
    }

    /** Width and height of the newest camera frame, read from its JPEG header, or null before the first. */
    static int[] resolution(FrameBroadcaster b) {
        Frame latest = b.latestReal();
        return latest == null ? null : JpegInfo.dimensions(latest.part(), latest.jpegOffset(), latest.jpegLength());
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
