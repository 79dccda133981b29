package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pistream.core.settings.PasswordHash;
import org.pistream.core.source.detect.V4l2StandIn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The camera controls end to end: {@code GET/POST /controls} on the test pattern and on the real
 * rpicam-vid (rpicam-apps v1.13.0 on libcamera's virtual camera, which ignores image controls: the
 * flags it was started with are checked on its command line), a restart for new settings seen on
 * the same stream connection, saved values restored after a server restart, the refusals.
 */
class ControlsIT {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern CAMERA_STARTED = Pattern.compile("Camera started: pid (\\d+) `([^`]*)`");

    @TempDir
    Path state;

    static JsonNode controls(URI base, String path) throws Exception {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
        return JSON.readTree(r.body());
    }

    static JsonNode control(JsonNode listing, String name) {
        for (JsonNode c : listing.get("controls")) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no control " + name + " in " + listing);
    }

    static HttpResponse<String> post(URI base, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            b.setHeader(headers[i], headers[i + 1]);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static BufferedImage decode(byte[] jpeg) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        assertNotNull(image, "a decodable JPEG");
        return image;
    }

    /** Reads parts of {@code stream} until a camera frame of that size comes; returns the placeholder reasons seen on the way. */
    private static List<String> readUntilSize(MjpegClient stream, int width, int height) throws IOException {
        List<String> placeholders = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            MjpegClient.Part part = stream.readPart();
            if (part.isPlaceholder()) {
                String reason = part.placeholderReason();
                if (placeholders.isEmpty() || !placeholders.get(placeholders.size() - 1).equals(reason)) {
                    placeholders.add(reason);
                }
                continue;
            }
            BufferedImage image = decode(part.jpeg());
            if (image.getWidth() == width && image.getHeight() == height) {
                return placeholders;
            }
        }
        throw new AssertionError("no " + width + "x" + height + " frame within " + WAIT + "; placeholders: " + placeholders);
    }

    private static double metric(URI base, String name) throws Exception {
        String text = new String(Http.get(base.resolve("/metrics")).body(), StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no " + name + " in /metrics");
    }

    @Test
    void theTestPatternListsItsStreamSettingsAndGetChangesNothing() throws Exception {
        try (TestServer server = TestServer.start("--port", "0", "--address", "127.0.0.1", "--camera", "test-pattern:320x240@10",
                "--stats-interval", "0")) {
            JsonNode first = controls(server.uri(), "/controls");
            assertEquals("test-pattern", first.get("kind").asText());
            assertTrue(first.get("canChange").asBoolean(), "loopback may change settings");
            List<String> names = new ArrayList<>();
            first.get("controls").forEach(c -> names.add(c.get("name").asText()));
            assertEquals(List.of("resolution", "fps", "quality", "rotation", "hflip", "vflip"), names);
            JsonNode resolution = control(first, "resolution");
            assertEquals("size", resolution.get("type").asText());
            assertEquals("320x240", resolution.get("value").asText());
            assertEquals("restart", resolution.get("apply").asText());
            assertEquals(80, control(first, "quality").get("value").asInt());
            assertEquals(List.of(0, 180), List.of(control(first, "rotation").at("/menu/0/value").asInt(),
                    control(first, "rotation").at("/menu/1/value").asInt()));
            // GET (and the same listing under /cam/default/) changes nothing.
            JsonNode named = controls(server.uri(), "/cam/default/controls");
            assertEquals(first.get("controls"), named.get("controls"));
            assertEquals(first.get("controls"), controls(server.uri(), "/controls").get("controls"));
            assertEquals(0.0, metric(server.uri(), "pistream_control_changes_total"));
            assertEquals("320x240", Http.stats(server.uri()).at("/camera/settings/resolution").asText());
        }
    }

    @Test
    void aResolutionChangeRestartsTheTestPatternOnTheSameConnection() throws Exception {
        try (TestServer server = TestServer.start("--port", "0", "--address", "127.0.0.1", "--camera", "test-pattern",
                "--resolution", "320x240", "--fps", "15", "--stats-interval", "1")) {
            try (MjpegClient stream = MjpegClient.open(server.uri(), "/stream")) {
                assertEquals(200, stream.status());
                readUntilSize(stream, 320, 240);
                HttpResponse<String> r = post(server.uri(), "/controls", "{\"resolution\": \"160x120\", \"vflip\": true}");
                assertEquals(200, r.statusCode(), r.body());
                JsonNode answer = JSON.readTree(r.body());
                assertTrue(answer.get("restart").asBoolean(), r.body());
                assertEquals("160x120", answer.at("/changed/resolution/to").asText());
                assertEquals("320x240", answer.at("/changed/resolution/from").asText());
                List<String> placeholders = readUntilSize(stream, 160, 120);
                assertTrue(placeholders.stream().allMatch(p -> p.equals("applying settings")), "only 'applying settings', no fault: "
                        + placeholders);
            }
            JsonNode now = controls(server.uri(), "/controls");
            assertEquals("160x120", control(now, "resolution").get("value").asText());
            assertEquals(true, control(now, "vflip").get("value").asBoolean());
            assertEquals(1.0, metric(server.uri(), "pistream_control_changes_total"));
            assertEquals(1.0, metric(server.uri(), "pistream_control_restarts_total"));
            JsonNode stats = Http.stats(server.uri());
            assertEquals("160x120", stats.at("/camera/settings/resolution").asText(), stats.toString());
            assertEquals(0, stats.at("/camera/restarts").asInt(), "a restart for new settings is not a fault");
            assertTrue(server.output().contains("Settings changed from 127.0.0.1: resolution 320x240 -> 160x120, vflip false ->"
                    + " true (restarting the camera)"), server.output());
        }
    }

    @Test
    void badValuesUnknownControlsAndBadBodiesAreRefusedAndChangeNothing() throws Exception {
        try (TestServer server = TestServer.start("--port", "0", "--address", "127.0.0.1", "--camera", "test-pattern:320x240@10",
                "--stats-interval", "0")) {
            URI base = server.uri();
            HttpResponse<String> bad = post(base, "/controls", "{\"resolution\": \"160x120\", \"quality\": 101}");
            assertEquals(400, bad.statusCode());
            assertEquals("quality: 101 is not allowed; must be a whole number from 1 to 100", JSON.readTree(bad.body()).get("error").asText());
            HttpResponse<String> unknown = post(base, "/controls", "{\"focus_absolute\": 3}");
            assertEquals(404, unknown.statusCode());
            assertTrue(JSON.readTree(unknown.body()).get("error").asText().startsWith("no control 'focus_absolute' on this camera"),
                    unknown.body());
            assertEquals(400, post(base, "/controls", "[1, 2]").statusCode());
            assertEquals(400, post(base, "/controls", "{\"fps\": ").statusCode());
            assertEquals(400, post(base, "/controls", "{\"fps\": {\"a\": 1}}").statusCode());
            assertEquals(415, post(base, "/controls", "fps=10", "Content-Type", "application/x-www-form-urlencoded").statusCode());
            assertEquals(415, post(base, "/controls", "{\"fps\": 10}", "Content-Type", "text/plain").statusCode());
            assertEquals(404, post(base, "/cam/nope/controls", "{\"fps\": 10}").statusCode());
            assertEquals(405, post(base, "/stats", "{}").statusCode(), "no other endpoint takes a POST");
            assertEquals("320x240", control(controls(base, "/controls"), "resolution").get("value").asText());
            assertEquals(0.0, metric(base, "pistream_control_changes_total"));
        }
    }

    @Test
    void crossSiteRequestsCannotChangeSettings() throws Exception {
        try (TestServer server = TestServer.start("--port", "0", "--address", "127.0.0.1", "--camera", "test-pattern:320x240@10",
                "--stats-interval", "0")) {
            URI base = server.uri();
            String body = "{\"fps\": 5}";
            assertEquals(403, post(base, "/controls", body, "Origin", "http://evil.example").statusCode());
            assertEquals(403, post(base, "/controls", body, "Origin", "null").statusCode());
            assertEquals(403, post(base, "/controls", body, "Origin", "http://127.0.0.1:1").statusCode());
            HttpResponse<String> site = post(base, "/controls", body, "Sec-Fetch-Site", "cross-site");
            assertEquals(403, site.statusCode());
            assertTrue(site.body().contains("Cross-site requests cannot change camera settings"), site.body());
            assertEquals(403, post(base, "/controls", body, "Sec-Fetch-Site", "same-site").statusCode());
            assertEquals(5.0, metric(base, "pistream_control_refusals_total"));
            assertEquals(10, control(controls(base, "/controls"), "fps").get("value").asInt());
            // The page's own requests: same origin.
            String origin = "http://127.0.0.1:" + base.getPort();
            assertEquals(200, post(base, "/controls", body, "Origin", origin, "Sec-Fetch-Site", "same-origin").statusCode());
            assertEquals(5, control(controls(base, "/controls"), "fps").get("value").asInt());
        }
    }

    @Test
    void withAuthOffOnlyLoopbackMayChangeUnlessAllowRemoteControl() throws Exception {
        // A client behind the trusted proxy on 127.0.0.1 is the forwarded address: not loopback.
        try (TestServer server = TestServer.start("--port", "0", "--address", "127.0.0.1", "--camera", "test-pattern:320x240@10",
                "--stats-interval", "0", "--trusted-proxies", "127.0.0.1")) {
            HttpResponse<String> r = post(server.uri(), "/controls", "{\"fps\": 5}", "X-Forwarded-For", "192.0.2.7");
            assertEquals(403, r.statusCode());
            assertTrue(r.body().contains("from the camera's own machine only"), r.body());
            HttpResponse<String> list = CLIENT.send(HttpRequest.newBuilder(server.uri("/controls")).header("X-Forwarded-For",
                    "192.0.2.7").build(), HttpResponse.BodyHandlers.ofString());
            JsonNode listing = JSON.readTree(list.body());
            assertFalse(listing.get("canChange").asBoolean(), "the page is told, to show why");
            assertTrue(listing.get("refusal").asText().contains("allow-remote-control"), list.body());
            assertEquals(200, post(server.uri(), "/controls", "{\"fps\": 5}").statusCode(), "loopback itself may");
        }
        try (TestServer server = TestServer.start("--port", "0", "--address", "127.0.0.1", "--camera", "test-pattern:320x240@10",
                "--stats-interval", "0", "--trusted-proxies", "127.0.0.1", "--allow-remote-control")) {
            HttpResponse<String> r = post(server.uri(), "/controls", "{\"fps\": 5}", "X-Forwarded-For", "192.0.2.7");
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(server.output().contains("Settings changed from 192.0.2.7: fps 10 -> 5"), server.output());
        }
    }

    @Test
    void withAuthOnALoggedInUserMayChangeAndIsNamedInTheLog() throws Exception {
        String hash = PasswordHash.create("s3cret-pass".toCharArray(), new SecureRandom());
        try (TestServer server = TestServer.start("--port", "0", "--address", "127.0.0.1", "--camera", "test-pattern:320x240@10",
                "--stats-interval", "0", "--auth-user", "admin", "--auth-password-hash", hash)) {
            assertEquals(401, post(server.uri(), "/controls", "{\"fps\": 5}").statusCode());
            String auth = "Basic " + Base64.getEncoder().encodeToString("admin:s3cret-pass".getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> r = post(server.uri(), "/controls", "{\"fps\": 5}", "Authorization", auth);
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(server.output().contains("Settings changed by 'admin' from 127.0.0.1: fps 10 -> 5"), server.output());
        }
        // Exempting /controls from authentication does not open it: a change still needs a checked user.
        Path config = Files.writeString(state.resolve("exempt.properties"), "pistream.auth-exempt=/healthz,/controls\n");
        try (TestServer server = TestServer.start("--port", "0", "--address", "127.0.0.1", "--camera", "test-pattern:320x240@10",
                "--stats-interval", "0", "--auth-user", "admin", "--auth-password-hash", hash, "--config", config.toString())) {
            assertEquals(403, post(server.uri(), "/controls", "{\"fps\": 5}").statusCode());
        }
    }

    @Test
    void appliedValuesAreSavedAndRestoredButAnExplicitFlagWins() throws Exception {
        try (TestServer server = TestServer.start("--port", "0", "--address", "127.0.0.1", "--camera", "test-pattern",
                "--stats-interval", "0", "--state-dir", state.toString())) {
            assertEquals(200, post(server.uri(), "/controls", "{\"resolution\": \"160x120\", \"quality\": 40}").statusCode());
        }
        String saved = Files.readString(state.resolve("controls.properties"));
        assertTrue(saved.contains("default.resolution=160x120") && saved.contains("default.quality=40"), saved);
        try (TestServer server = TestServer.start("--port", "0", "--address", "127.0.0.1", "--camera", "test-pattern",
                "--stats-interval", "0", "--state-dir", state.toString())) {
            JsonNode now = controls(server.uri(), "/controls");
            assertEquals("160x120", control(now, "resolution").get("value").asText());
            assertEquals(40, control(now, "quality").get("value").asInt());
            try (MjpegClient stream = MjpegClient.open(server.uri(), "/stream")) {
                readUntilSize(stream, 160, 120);
            }
            assertTrue(server.output().contains("Restored saved settings from " + state.resolve("controls.properties")),
                    server.output());
        }
        try (TestServer server = TestServer.start("--port", "0", "--address", "127.0.0.1", "--camera", "test-pattern",
                "--resolution", "320x240", "--stats-interval", "0", "--state-dir", state.toString())) {
            JsonNode now = controls(server.uri(), "/controls");
            assertEquals("320x240", control(now, "resolution").get("value").asText(), "the flag wins");
            assertEquals(40, control(now, "quality").get("value").asInt(), "what the flags leave open is restored");
            assertTrue(server.output().contains("The configuration sets resolution=320x240: it wins over the saved"
                    + " resolution=160x120"), server.output());
        }
    }

    @Test
    void aCorruptStateFileIsReportedAndIgnored() throws Exception {
        Files.write(state.resolve("controls.properties"), new byte[] {(byte) 0xc3, 0x28, '=', '\n', 'x'});
        try (TestServer server = TestServer.start("--port", "0", "--address", "127.0.0.1", "--camera", "test-pattern:320x240@10",
                "--stats-interval", "0", "--state-dir", state.toString())) {
            assertEquals("320x240", control(controls(server.uri(), "/controls"), "resolution").get("value").asText());
            assertTrue(server.output().contains("Ignoring the saved control values"), server.output());
            // The next change replaces the corrupt file with a good one.
            assertEquals(200, post(server.uri(), "/controls", "{\"fps\": 5}").statusCode());
            assertEquals(Map.of("default.fps", "5"), properties(state.resolve("controls.properties")));
        }
    }

    private static Map<String, String> properties(Path file) throws IOException {
        java.util.Properties p = new java.util.Properties();
        try (var in = Files.newInputStream(file)) {
            p.load(in);
        }
        Map<String, String> m = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    @Test
    void rpicamRestartsRpicamVidWithTheNewFlagsAndTheNewSize() throws Exception {
        String rpicamVid = ExternalTools.require("rpicam-vid").toAbsolutePath().toString();
        try (TestServer server = TestServer.start("--port", "0", "--address", "127.0.0.1", "--camera", "rpicam",
                "--camera-cmd", rpicamVid, "--resolution", "1280x720", "--fps", "15", "--stats-interval", "0")) {
            JsonNode listing = controls(server.uri(), "/controls");
            assertEquals("rpicam", listing.get("kind").asText());
            assertEquals(1.0, control(listing, "contrast").get("default").asDouble());
            assertEquals("auto", control(listing, "awb").get("value").asText());
            assertTrue(control(listing, "lens-position").get("inactive").asBoolean());
            try (MjpegClient stream = MjpegClient.open(server.uri(), "/stream")) {
                readUntilSize(stream, 1280, 720);
                HttpResponse<String> r = post(server.uri(), "/controls", "{\"resolution\": \"640x480\", \"brightness\": 0.25,"
                        + " \"awb\": \"daylight\", \"ev\": -1.5, \"hflip\": true}");
                assertEquals(200, r.statusCode(), r.body());
                List<String> placeholders = readUntilSize(stream, 640, 480);
                assertEquals(List.of("applying settings"), placeholders, "viewers are told, on the same connection");
            }
            List<String> starts = server.lines().stream().filter(l -> l.contains("Camera started: pid")).toList();
            assertEquals(2, starts.size(), server.output());
            Matcher m = CAMERA_STARTED.matcher(starts.get(1));
            assertTrue(m.find(), starts.get(1));
            assertEquals(rpicamVid + " --codec mjpeg -o - -t 0 -n --camera 0 --width 640 --height 480 --framerate 15 --quality 50"
                    + " --hflip --brightness 0.25 --ev -1.5 --awb daylight", m.group(2));
            // The wrapper execs the real rpicam-vid: the running process has exactly these flags.
            Path cmdline = Path.of("/proc", m.group(1), "cmdline");
            if (Files.exists(cmdline)) {
                String running = new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).replace('\0', ' ').strip();
                assertTrue(running.endsWith("--width 640 --height 480 --framerate 15 --quality 50 --hflip --brightness 0.25"
                        + " --ev -1.5 --awb daylight"), running);
            }
            assertEquals(0.0, metric(server.uri(), "pistream_control_changes_total") - 1.0);
            HttpResponse<String> bad = post(server.uri(), "/controls", "{\"contrast\": 16}");
            assertEquals(400, bad.statusCode());
            assertEquals("contrast: 16 is not allowed; must be a number from 0 to 15.99", JSON.readTree(bad.body()).get("error").asText());
        }
    }

    @Test
    void v4l2ControlsApplyLiveWithoutARestart() throws Exception {
        ExternalTools.require("bash");
        ExternalTools.require("ffmpeg");
        // STAND-IN v4l2-ctl (src/test/standins): a webcam whose listings are real v4l2-ctl outputs (sources in the samples).
        V4l2StandIn standIn = new V4l2StandIn(state.resolve("v4l2"))
                .card("usb-0000:01:00.0-1.1", "Integrated_Webcam_HD: Integrate", "/dev/video0", "/dev/video1")
                .node("video0", "v4l2-formats-integrated-webcam.txt", "v4l2-ctrls-c920-like.txt")
                .node("video1", "v4l2-formats-metadata-node.txt", null)
                .write();
        Map<String, String> env = Map.of("PATH", V4l2StandIn.DIR + ":" + System.getenv("PATH"), "V4L2_STANDIN_DIR",
                standIn.root().toString());
        try (ServerProcess server = ServerProcess.start(env, List.of(), "--port", "0", "--address", "127.0.0.1",
                "--camera", "v4l2:/dev/video0", "--resolution", "640x480", "--fps", "15", "--stats-interval", "0",
                "--state-dir", state.toString())) {
            JsonNode listing = controls(server.uri(), "/controls");
            assertEquals("v4l2", listing.get("kind").asText());
            assertEquals("live", control(listing, "brightness").get("apply").asText());
            assertEquals(128, control(listing, "brightness").get("value").asInt());
            assertTrue(control(listing, "white_balance_temperature").get("inactive").asBoolean(), listing.toString());
            assertEquals("60 Hz", control(listing, "power_line_frequency").at("/menu/2/label").asText());
            try (MjpegClient stream = MjpegClient.open(server.uri(), "/stream")) {
                readUntilSize(stream, 640, 480);
                HttpResponse<String> r = post(server.uri(), "/controls", "{\"brightness\": 90, \"power_line_frequency\": 1}");
                assertEquals(200, r.statusCode(), r.body());
                assertFalse(JSON.readTree(r.body()).get("restart").asBoolean(), r.body());
                // No frame gap: the next parts are camera frames, never an "applying settings" picture.
                for (int i = 0; i < 15; i++) {
                    assertFalse(stream.readPart().isPlaceholder(), "a live change shows no placeholder");
                }
            }
            JsonNode now = controls(server.uri(), "/controls");
            assertEquals(90, control(now, "brightness").get("value").asInt());
            assertEquals(1, control(now, "power_line_frequency").get("value").asInt());
            assertEquals(1, server.lines().stream().filter(l -> l.contains("Camera started: pid")).count(), "no restart");
            assertTrue(server.output().contains("Settings changed from 127.0.0.1: brightness 128 -> 90, power_line_frequency"
                    + " 2 -> 1 (live)"), server.output());
            HttpResponse<String> bad = post(server.uri(), "/controls", "{\"brightness\": 300}");
            assertEquals(400, bad.statusCode());
            assertEquals("brightness: 300 is not allowed; must be a whole number from 0 to 255",
                    JSON.readTree(bad.body()).get("error").asText());
        }
        assertEquals(Map.of("default.brightness", "90", "default.power_line_frequency", "1"),
                properties(state.resolve("controls.properties")));
    }
}
