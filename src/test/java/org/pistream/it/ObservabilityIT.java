package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code /stats}, {@code /metrics} and {@code /healthz} of a running server with real clients
 * attached, checked against each other and against what the clients did; {@code promtool} checks
 * the exposition format.
 */
class ObservabilityIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("--camera", "test-pattern:320x240@30", "--max-clients", "3", "--port", "0",
                "--address", "127.0.0.1");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    private static Map<String, Double> metrics(URI base) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = Http.get(base.resolve("metrics"));
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"),
                response.headers().toString());
        return PrometheusText.parse(new String(response.body(), StandardCharsets.UTF_8));
    }

    private static JsonNode health(URI base, int expectedStatus) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = Http.get(base.resolve("healthz"));
        assertEquals(expectedStatus, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        return JSON.readTree(response.body());
    }

    /** Polls /healthz until it answers {@code status}; returns the body. */
    private static JsonNode awaitHealth(URI base, int status) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<byte[]> response = Http.get(base.resolve("healthz"));
            last = response.statusCode() + " " + new String(response.body(), StandardCharsets.UTF_8);
            if (response.statusCode() == status) {
                return JSON.readTree(response.body());
            }
            Thread.sleep(100);
        }
        throw new AssertionError("/healthz did not answer " + status + " within " + WAIT + "; last: " + last);
    }

    private static MjpegClient viewer(String path, String userAgent) throws IOException {
        MjpegClient client = MjpegClient.open(server.uri(), path, Map.of("User-Agent", userAgent));
        assertEquals(200, client.status());
        client.readPart();
        return client;
    }

    private static JsonNode entryFor(JsonNode stats, String userAgent) {
        for (JsonNode c : stats.at("/clients/list")) {
            if (c.path("userAgent").asText().equals(userAgent)) {
                return c;
            }
        }
        return null;
    }

    @Test
    void statsMetricsAndHealthFollowTheClients() throws Exception {
        URI base = server.uri();
        // The other tests' viewers have gone: this one fills max-clients (3) itself.
        Http.awaitStats(base, WAIT, s -> s.at("/clients/connected").asInt() == 0);
        long rejectedBefore = Http.stats(base).at("/clients/rejectedByReason/max_clients").asLong();
        List<MjpegClient> viewers = new ArrayList<>();
        try {
            viewers.add(viewer("/stream", "viewer-a"));
            viewers.add(viewer("/stream?dual_final_frames=1", "viewer-b"));
            viewers.add(viewer("/", "viewer-c"));
            JsonNode stats = Http.awaitStats(base, WAIT, s -> s.at("/clients/connected").asInt() == 3
                    && s.at("/clients/list").size() == 3
                    && s.at("/clients/list").findValues("framesSent").stream().allMatch(n -> n.asLong() > 0));
            Set<Long> ids = new HashSet<>();
            for (JsonNode c : stats.at("/clients/list")) {
                ids.add(c.path("id").asLong());
                assertTrue(c.path("remote").asText().startsWith("127.0.0.1:"), c.toString());
                assertTrue(c.path("bytesSent").asLong() > c.path("framesSent").asLong(), c.toString());
                assertTrue(c.path("lagFrames").asLong() >= 0, c.toString());
                assertTrue(c.has("framesSkipped"), c.toString());
                Instant since = Instant.parse(c.path("connectedAt").asText());
                assertTrue(since.isAfter(Instant.now().minusSeconds(60)) && !since.isAfter(Instant.now()), c.toString());
            }
            assertEquals(3, ids.size(), "distinct client ids");
            assertEquals("/stream?dual_final_frames=1", entryFor(stats, "viewer-b").path("path").asText());
            assertEquals("/", entryFor(stats, "viewer-c").path("path").asText());
            assertEquals(3, stats.at("/clients/max").asInt());
            assertEquals(3, stats.at("/server/config/max-clients").asInt());
            assertEquals("test-pattern:320x240@30", stats.at("/server/config/camera").asText());
            assertEquals("UP", stats.at("/server/health").asText());
            // The kind and the mode: asked for (the settings) and delivered (the frames' own header, the measured rate).
            assertEquals("test-pattern", stats.at("/camera/kind").asText());
            assertEquals("320x240", stats.at("/camera/requestedResolution").asText(), stats.toString());
            assertEquals(30, stats.at("/camera/requestedFps").asInt());
            assertEquals(80, stats.at("/camera/requestedQuality").asInt(), "the test pattern's default quality");
            assertEquals(320, stats.at("/camera/width").asInt());
            assertEquals("test-pattern", stats.at("/cameras/0/kind").asText());

            Map<String, Double> m1 = metrics(base);
            assertEquals(3.0, PrometheusText.value(m1, cam("pistream_clients")));
            assertEquals(3.0, PrometheusText.value(m1, cam("pistream_clients_limit")));
            assertEquals(320.0, PrometheusText.value(m1, cam("pistream_camera_width_pixels")));
            assertEquals(240.0, PrometheusText.value(m1, cam("pistream_camera_height_pixels")));
            assertEquals(1.0, PrometheusText.value(m1, cam("pistream_camera_state{state=\"streaming\"}")));
            assertEquals(1.0, PrometheusText.value(m1, cam("pistream_healthy")));
            assertEquals(1.0, PrometheusText.value(m1,
                    cam("pistream_camera_info{kind=\"test-pattern\",requested_resolution=\"320x240\"}")));
            assertEquals(30.0, PrometheusText.value(m1, cam("pistream_camera_requested_fps")));
            assertEquals(80.0, PrometheusText.value(m1, cam("pistream_camera_requested_quality")));
            assertTrue(PrometheusText.value(m1, cam("pistream_frames_sent_total")) >= stats.at("/output/framesOut").asLong());

            // A fourth viewer is one too many: 503, counted by reason in both places.
            try (MjpegClient refused = MjpegClient.open(base, "/stream")) {
                assertEquals(503, refused.status());
            }
            JsonNode afterRefusal = Http.stats(base);
            assertEquals(rejectedBefore + 1, afterRefusal.at("/clients/rejectedByReason/max_clients").asLong());
            assertEquals(rejectedBefore + 1.0,
                    PrometheusText.value(metrics(base), cam("pistream_connections_rejected_total{reason=\"max_clients\"}")));

            // Frames flow: every counter moves forward while a viewer reads.
            for (int i = 0; i < 15; i++) {
                viewers.get(0).readPart();
            }
            Map<String, Double> m2 = metrics(base);
            for (String series : List.of("pistream_camera_frames_total", "pistream_camera_bytes_total",
                    "pistream_frames_sent_total", "pistream_bytes_sent_total", "pistream_frame_delivery_seconds_count",
                    "pistream_camera_frame_size_bytes_count")) {
                assertTrue(PrometheusText.value(m2, cam(series)) > PrometheusText.value(m1, cam(series)), series);
            }
            assertEquals(PrometheusText.value(m2, cam("pistream_frame_delivery_seconds_count")),
                    PrometheusText.value(m2, cam("pistream_frame_delivery_seconds_bucket{le=\"+Inf\"}")));
            JsonNode later = Http.stats(base);
            assertTrue(later.at("/camera/framesIn").asLong() > stats.at("/camera/framesIn").asLong());
            assertTrue(entryFor(later, "viewer-a").path("framesSent").asLong()
                    > entryFor(stats, "viewer-a").path("framesSent").asLong());

            // A viewer leaves: its entry goes, the others stay.
            long leaving = entryFor(later, "viewer-b").path("id").asLong();
            viewers.remove(1).close();
            JsonNode two = Http.awaitStats(base, WAIT, s -> s.at("/clients/connected").asInt() == 2);
            assertEquals(2, two.at("/clients/list").size());
            assertTrue(two.at("/clients/list").findValues("id").stream().noneMatch(n -> n.asLong() == leaving));
            assertNotNull(entryFor(two, "viewer-a"));
            assertEquals(2.0, PrometheusText.value(metrics(base), cam("pistream_clients")));

            JsonNode up = health(base, 200);
            assertEquals("UP", up.path("status").asText());
            assertEquals("camera", up.at("/checks/0/name").asText());
            assertEquals("UP", up.at("/checks/0/status").asText());
            assertEquals("streaming", up.at("/checks/0/data/state").asText());
            assertTrue(up.at("/checks/0/data/lastFrameAgeMs").asLong() < 5000, up.toString());
        } finally {
            for (MjpegClient v : viewers) {
                v.close();
            }
        }
        JsonNode none = Http.awaitStats(base, WAIT, s -> s.at("/clients/connected").asInt() == 0);
        assertEquals(0, none.at("/clients/list").size());
    }

    @Test
    void promtoolAcceptsTheMetrics() throws Exception {
        String promtool = ExternalTools.require("promtool").toString();
        try (MjpegClient client = viewer("/stream", "promtool-test")) {
            for (int i = 0; i < 5; i++) {
                client.readPart();
            }
            byte[] body = Http.get(server.uri("metrics")).body();
            String text = new String(body, StandardCharsets.UTF_8);
            for (String name : List.of("pistream_frame_delivery_seconds_bucket", "pistream_camera_frame_size_bytes_bucket",
                    "pistream_camera_frames_total", "pistream_connections_rejected_total", "pistream_build_info", "pistream_camera_info",
                    "jvm_threads_current", "process_cpu_seconds_total")) {
                assertTrue(text.contains("\n" + name), name + " missing:\n" + text);
            }
            Process p = new ProcessBuilder(promtool, "check", "metrics").redirectErrorStream(true).start();
            p.getOutputStream().write(body);
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "promtool did not finish");
            assertEquals(0, p.exitValue(), out);
            assertEquals("", out.strip(), "promtool lint findings");
        }
    }

    @Test
    void healthGoesDownWhenTheCameraStopsSendingAndUpWhenItSendsAgain() throws Exception {
        // 30 frames, then silence: stale after camera-timeout (2 s), then the watchdog restarts it.
        try (TestServer hanging = TestServer.start("--port", "0", "--address", "127.0.0.1", "--camera-timeout", "2",
                "--camera-cmd", ExternalTools.javaBinary(),
                "--camera-args", ExternalTools.testCameraArgs("--fps 30 --size 160x120 --hang-after 30"))) {
            URI base = hanging.uri();
            JsonNode up = awaitHealth(base, 200);
            assertEquals("UP", up.path("status").asText());
            JsonNode down = awaitHealth(base, 503);
            assertEquals("DOWN", down.path("status").asText());
            assertEquals("DOWN", down.at("/checks/0/status").asText());
            assertTrue(down.at("/checks/0/data/lastFrameAgeMs").asLong() > 0, down.toString());
            JsonNode again = awaitHealth(base, 200);
            assertEquals("streaming", again.at("/checks/0/data/state").asText());
            JsonNode stats = Http.stats(base);
            assertTrue(stats.at("/camera/watchdogRestarts").asInt() >= 1, stats.toString());
            assertTrue(PrometheusText.value(metrics(base), cam("pistream_camera_watchdog_restarts_total")) >= 1);
        }
    }

    @Test
    void cameraIdleOnPurposeIsHealthyAndProbesDoNotWakeIt() throws Exception {
        try (TestServer idle = TestServer.start("--camera", "test-pattern:64x48@5", "--idle-stop", "1",
                "--port", "0", "--address", "127.0.0.1")) {
            URI base = idle.uri();
            Http.awaitStats(base, WAIT, s -> s.at("/camera/state").asText().equals("idle"));
            for (int i = 0; i < 10; i++) {
                JsonNode body = health(base, 200);
                assertEquals("idle", body.at("/checks/0/data/state").asText(), body.toString());
                Thread.sleep(100);
            }
            assertEquals("idle", Http.stats(base).at("/camera/state").asText(), "a probe is not a viewer");
            assertEquals(1.0, PrometheusText.value(metrics(base), cam("pistream_camera_state{state=\"idle\"}")));
        }
    }

    @Test
    void noSecretReachesTheLogOrTheEndpoints() throws Exception {
        // A camera command with credentials in a URL and in an option, which also prints the URL on
        // stderr (as ffmpeg does); a viewer whose URL carries a token.
        String script = "echo opening rtsp://admin:hunter2@cam.local/live >&2; exec sleep 60";
        try (TestServer s = TestServer.start("--port", "0", "--address", "127.0.0.1", "--verbose",
                "--camera-cmd", "sh", "--camera-args",
                "-c '" + script + "' rtsp://admin:hunter2@cam.local/live --password hunter3")) {
            URI base = s.uri();
            try (MjpegClient viewer = MjpegClient.open(base, "/stream?client=abc&token=hunter4")) {
                assertEquals(200, viewer.status());
                assertTrue(s.awaitOutput("opening rtsp://admin:***@cam.local/live", WAIT), s.output());
                assertTrue(s.awaitOutput("token=***", WAIT), s.output());
                List<String> bodies = new ArrayList<>();
                for (String path : List.of("stats", "metrics", "healthz")) {
                    bodies.add(new String(Http.get(base.resolve(path)).body(), StandardCharsets.UTF_8));
                }
                String stats = bodies.get(0);
                assertTrue(stats.contains("rtsp://admin:***@cam.local/live --password ***"), stats);
                assertTrue(stats.contains("/stream?client=abc&token=***"), stats);
                for (String text : List.of(s.output(), String.join("\n", bodies))) {
                    assertFalse(text.contains("hunter"), text);
                }
            }
            s.stop();
            assertTrue(s.output().contains("Settings: Settings["), s.output());
            assertFalse(s.output().contains("hunter"), s.output());
        }
    }

    /** A camera series of the single (unnamed) camera: every camera series carries its camera's name. */
    private static String cam(String series) {
        int brace = series.indexOf('{');
        return brace < 0 ? series + "{camera=\"default\"}"
                : series.substring(0, brace) + "{camera=\"default\"," + series.substring(brace + 1);
    }
}
