package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The camera program's own words reach the user: what the real rpicam-vid (rpicam-apps 1.13.0 on
 * libcamera's virtual camera, {@code ../shared/camera/bin}) and the real ffmpeg write on stderr when
 * they fail is in {@code /stats} ({@code camera.lastError}, {@code camera.lastStderr}), in
 * {@code /healthz}, on the no-signal picture and in the log; three failures alike make the camera
 * misconfigured.
 */
class CameraWordsIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static String[] flags(String... camera) {
        String[] all = new String[camera.length + 4];
        all[0] = "--port";
        all[1] = "0";
        all[2] = "--address";
        all[3] = "127.0.0.1";
        System.arraycopy(camera, 0, all, 4, camera.length);
        return all;
    }

    private static JsonNode healthz(TestServer server) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = Http.get(server.uri("healthz"));
        assertEquals(503, response.statusCode());
        return new ObjectMapper().readTree(new String(response.body(), StandardCharsets.UTF_8));
    }

    /** The next no-signal picture whose reason contains {@code text}, decoded to check it is a picture. */
    private static MjpegClient.Part placeholderSaying(MjpegClient client, String text) throws IOException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            MjpegClient.Part part = client.readPart();
            assertNotNull(part, "the stream ended");
            if (part.isPlaceholder() && part.placeholderReason().contains(text)) {
                BufferedImage image = ImageIO.read(new ByteArrayInputStream(part.jpeg()));
                assertNotNull(image, "the no-signal picture decodes");
                return part;
            }
        }
        throw new AssertionError("no no-signal picture saying '" + text + "' within " + WAIT);
    }

    @Test
    void aCameraThatIsNotThereIsNamedInRpicamVidsWordsThenReportedMisconfigured() throws Exception {
        String rpicamVid = ExternalTools.require("rpicam-vid").toAbsolutePath().toString();
        String words = "rpicam-vid exited with code 255: ERROR: *** selected camera is not available ***";
        try (TestServer server = TestServer.start(flags("--camera", "rpicam:7", "--camera-cmd", rpicamVid,
                "--resolution", "1280x720"));
             MjpegClient client = MjpegClient.open(server.uri(), "/stream")) {
            JsonNode first = Http.awaitStats(server.uri(), WAIT, s -> s.at("/camera/lastError").isTextual());
            assertEquals(words, first.at("/camera/lastError").asText(), first.toString());
            assertEquals("rpicam", first.at("/camera/kind").asText());
            assertTrue(first.at("/camera/lastStderr").toString().contains("\"ERROR: *** selected camera is not available ***\""),
                    first.toString());
            assertTrue(first.at("/camera/lastStderr").size() <= 10, first.toString());
            placeholderSaying(client, words);

            // Failed alike three times without a frame (1 s and 2 s apart): misconfigured, everywhere.
            JsonNode stats = Http.awaitStats(server.uri(), WAIT, s -> s.at("/camera/state").asText().equals("misconfigured"));
            assertTrue(stats.at("/camera/problem").asText().startsWith("camera misconfigured: " + words), stats.toString());
            assertEquals(255, stats.at("/camera/lastExitCode").asInt());
            JsonNode health = healthz(server);
            assertEquals("misconfigured", health.at("/checks/0/data/state").asText(), health.toString());
            assertTrue(health.at("/checks/0/data/problem").asText().contains(words), health.toString());
            assertEquals(words, health.at("/checks/0/data/lastError").asText(), health.toString());
            MjpegClient.Part picture = placeholderSaying(client, "camera misconfigured: " + words);
            assertEquals(1280, ImageIO.read(new ByteArrayInputStream(picture.jpeg())).getWidth(),
                    "at the size asked for, as no frame came");
            assertEquals(1, server.lines().stream().filter(l -> l.contains("Camera misconfigured")).count(),
                    "one warning: " + server.output());
            assertTrue(server.output().contains("selected camera is not available"), "the words are in the log");
        }
    }

    @Test
    void rpicamVidsWordsForAnOptionItDoesNotKnow() throws Exception {
        String rpicamVid = ExternalTools.require("rpicam-vid").toAbsolutePath().toString();
        try (TestServer server = TestServer.start(flags("--camera-cmd", rpicamVid, "--camera-args", "--bogus-option -o -"))) {
            JsonNode stats = Http.awaitStats(server.uri(), WAIT, s -> s.at("/camera/lastError").isTextual());
            assertEquals("rpicam-vid exited with code 255: ERROR: *** unrecognised option '--bogus-option' ***",
                    stats.at("/camera/lastError").asText(), stats.toString());
            assertEquals("command", stats.at("/camera/kind").asText());
            JsonNode health = healthz(server);
            assertTrue(health.at("/checks/0/data/lastError").asText().contains("unrecognised option '--bogus-option'"),
                    health.toString());
        }
    }

    @Test
    void ffmpegsWordsForRpicamVidsArguments() throws Exception {
        String ffmpeg = ExternalTools.require("ffmpeg").toString();
        // What a user got before camera-args stopped leaking from rpicam-vid to another program.
        try (TestServer server = TestServer.start(flags("--camera-cmd", ffmpeg, "--camera-args",
                "--codec mjpeg -o - -t 0 -n --camera 0"));
             MjpegClient client = MjpegClient.open(server.uri(), "/stream")) {
            JsonNode stats = Http.awaitStats(server.uri(), WAIT, s -> s.at("/camera/lastError").isTextual());
            String lastError = stats.at("/camera/lastError").asText();
            assertTrue(lastError.startsWith("ffmpeg exited with code 1: Unrecognized option "), lastError);
            assertTrue(lastError.endsWith("Error splitting the argument list: Option not found"), lastError);
            placeholderSaying(client, "Unrecognized option");
        }
    }
}
