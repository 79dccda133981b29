package org.pistream.web.observe;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.pistream.core.Cameras;
import org.pistream.core.PiStream;
import org.pistream.core.settings.Settings;
import org.pistream.core.stats.CameraStats;
import org.pistream.core.stats.ClientStats;
import org.pistream.core.stats.FanoutStats;
import org.pistream.core.stats.Health;
import org.pistream.core.stats.SourceStats;
import org.pistream.web.CameraServlet;

/** The numbers {@code /stats} shows, as a tree of maps for the JSON writer; docs/STATS.md describes them. */
public final class StatsReport {
    private StatsReport() {
    }

    /** @param config the settings in force for this camera, by key name ({@link Settings#shown}) */
    static Map<String, Object> of(PiStream app, String version, Map<String, Object> config) {
        CameraStats stats = app.stats();
        FanoutStats b = stats.fanout();
        Map<String, Object> root = new LinkedHashMap<>();

        Map<String, Object> server = new LinkedHashMap<>();
        server.put("version", version);
        server.put("camera", stats.name());
        server.put("startedAt", stats.startedAt().toString());
        server.put("uptimeSeconds", round(stats.uptime().toMillis() / 1000.0));
        Runtime runtime = Runtime.getRuntime();
        server.put("heapUsedBytes", runtime.totalMemory() - runtime.freeMemory());
        server.put("heapMaxBytes", runtime.maxMemory());
        server.put("threads", Thread.activeCount());
        Health health = stats.health();
        server.put("health", health.up() ? "UP" : "DOWN");
        server.put("config", config);
        root.put("server", server);

        SourceStats source = stats.source();
        Map<String, Object> cam = new LinkedHashMap<>();
        cam.put("kind", source.kind());
        cam.put("source", source.description());
        cam.put("state", source.stateKey());
        cam.put("pid", source.pid());
        cam.put("starts", source.starts());
        cam.put("restarts", source.restarts());
        cam.put("lastExitCode", source.lastExitCode());
        cam.put("lastError", source.lastError());
        cam.put("lastStderr", source.lastStderr());
        cam.put("problem", source.problem());
        cam.put("watchdogRestarts", source.watchdogRestarts());
        cam.put("warmupFramesDiscarded", source.warmupFramesDiscarded());
        cam.put("frameBufferBytes", source.frameBufferBytes());
        cam.put("framesIn", b.framesIn());
        cam.put("bytesIn", b.bytesIn());
        cam.put("fps", round(b.fps1s()));
        cam.put("fps10s", round(b.fps10s()));
        cam.put("width", b.width());
        cam.put("height", b.height());
        SourceStats.Requested requested = source.requested();
        cam.put("requestedResolution", requested.resolution());
        cam.put("requestedFps", requested.fps());
        cam.put("requestedQuality", requested.quality());
        cam.put("lastFrameAgeMs", health.lastFrameAgeMillis());
        cam.put("frameSizeMeanBytes", Math.round(b.frameSizes().mean()));
        cam.put("framesDropped", new LinkedHashMap<String, Object>(source.framesDropped()));
        cam.put("garbageBytes", source.garbageBytes());
        // The camera's settings in force, changes made through /controls included.
        cam.put("settings", app.controls().values());
        cam.put("settingsChanges", app.controls().changes());
        root.put("camera", cam);

        Map<String, Object> clients = new LinkedHashMap<>();
        clients.put("connected", b.list().size());
        clients.put("max", b.maxClients());
        clients.put("accepted", b.accepted());
        clients.put("rejected", b.rejected());
        clients.put("rejectedByReason", new LinkedHashMap<String, Object>(b.rejectedByReason()));
        List<Map<String, Object>> list = new ArrayList<>();
        for (ClientStats s : b.list()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("id", s.id());
            ClientStats.Viewer viewer = s.viewer();
            if (viewer != null) {
                c.put("remote", viewer.remote());
                c.put("userAgent", viewer.userAgent());
                c.put("path", viewer.path());
                if (viewer.maxFps() > 0) {
                    c.put("maxFps", viewer.maxFps());
                }
            }
            c.put("connectedAt", Instant.ofEpochMilli(s.connectedAtMillis()).toString());
            c.put("framesSent", s.framesSent());
            c.put("framesSkipped", s.framesSkipped());
            c.put("framesPassedOver", s.framesPassedOver());
            c.put("bytesSent", s.bytesSent());
            c.put("lagFrames", s.lagFrames());
            list.add(c);
        }
        clients.put("list", list);
        root.put("clients", clients);

        Map<String, Object> output = new LinkedHashMap<>();
        output.put("framesOut", b.framesOut());
        output.put("framesSkipped", b.framesSkipped());
        output.put("placeholderFrames", b.placeholderFrames());
        output.put("keepAliveFrames", b.keepAliveFrames());
        output.put("bytesOut", b.bytesOut());
        output.put("deliveryLatencyMeanMs", round(b.deliveryLatency().mean() / 1e6));
        root.put("output", output);
        return root;
    }

    /** Adds {@code server.base}: where the answering camera's URLs are, relative to the context root. */
    @SuppressWarnings("unchecked")
    static void addBase(Map<String, Object> report, String base) {
        ((Map<String, Object>) report.get("server")).put("base", base);
    }

    /**
     * Every camera in a line each, in the order they are configured, with where to find it: the
     * page lists them from this. URLs are relative to the context root.
     */
    static List<Map<String, Object>> cameras(Cameras cameras) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (PiStream app : cameras.all().values()) {
            CameraStats stats = app.stats();
            FanoutStats b = stats.fanout();
            Health health = stats.health();
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", stats.name());
            c.put("default", app == cameras.main());
            c.put("kind", stats.source().kind());
            c.put("source", stats.source().description());
            c.put("state", stats.source().stateKey());
            c.put("problem", stats.source().problem());
            c.put("health", health.up() ? "UP" : "DOWN");
            c.put("fps", round(b.fps1s()));
            c.put("width", b.width());
            c.put("height", b.height());
            c.put("lastFrameAgeMs", health.lastFrameAgeMillis());
            c.put("framesIn", b.framesIn());
            c.put("clients", b.clients());
            c.put("maxClients", b.maxClients());
            String base = CameraServlet.PATH + "/" + stats.name() + "/";
            c.put("stream", base + CameraServlet.STREAM);
            c.put("snapshot", base + CameraServlet.SNAPSHOT);
            c.put("stats", base + CameraServlet.STATS);
            list.add(c);
        }
        return list;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
