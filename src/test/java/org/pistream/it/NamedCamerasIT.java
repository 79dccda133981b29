package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Two named cameras from two test camera programs in one server: each at {@code /cam/NAME/}, with
 * its own limits and stats; one camera's crash leaves the other's viewers alone.
 */
class NamedCamerasIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.start(Map.of(), List.of("-Dpistream.camera.back.max-clients=2"),
                "--port", "0", "--address", "127.0.0.1",
                "--camera", "front=" + camera("--size 320x240 --fps 20"),
                "--camera", "back=" + camera("--size 160x120 --fps 10"));
    }

    private static String camera(String args) {
        return ExternalTools.javaBinary() + " " + ExternalTools.testCameraArgs(args);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (server != null) {
            server.close();
            System.out.println("Server output:\n" + server.output()); // for a failure's report
        }
    }

    private static URI cam(String name) {
        return server.uri().resolve("cam/" + name + "/");
    }

    private static BufferedImage picture(MjpegClient client) throws IOException {
        byte[] jpeg = client.readPart().jpeg();
        MjpegClient.checkJpeg(jpeg);
        return ImageIO.read(new ByteArrayInputStream(jpeg));
    }

    @Test
    void eachCameraStreamsItsOwnPicturesAndTheFirstIsTheDefault() throws Exception {
        Http.awaitStats(cam("back"), WAIT, s -> s.at("/camera/state").asText().equals("streaming"));
        Http.awaitStats(cam("front"), WAIT, s -> s.at("/camera/state").asText().equals("streaming"));
        try (MjpegClient front = MjpegClient.open(server.uri(), "/cam/front/stream");
             MjpegClient back = MjpegClient.open(server.uri(), "/cam/back/stream");
             MjpegClient plain = MjpegClient.open(server.uri(), "/stream")) {
            for (MjpegClient c : List.of(front, back, plain)) {
                c.readPreamble();
            }
            for (int i = 0; i < 5; i++) {
                BufferedImage f = picture(front);
                BufferedImage b = picture(back);
                BufferedImage p = picture(plain);
                assertEquals(320, f.getWidth());
                assertEquals(160, b.getWidth());
                assertEquals(320, p.getWidth(), "/stream serves the first camera");
            }
            JsonNode frontStats = Http.awaitStats(cam("front"), WAIT, s -> s.at("/clients/connected").asInt() == 2);
            JsonNode backStats = Http.awaitStats(cam("back"), WAIT, s -> s.at("/clients/connected").asInt() == 1);
            assertEquals("front", frontStats.at("/server/camera").asText());
            assertEquals(320, frontStats.at("/camera/width").asInt());
            assertEquals(120, backStats.at("/camera/height").asInt());
            assertEquals(100, frontStats.at("/clients/max").asInt());
            assertEquals(2, backStats.at("/clients/max").asInt(), "camera.back.max-clients");
            double frontFps = frontStats.at("/camera/fps10s").asDouble();
            double backFps = backStats.at("/camera/fps10s").asDouble();
            assertTrue(frontFps > backFps, "front " + frontFps + " fps, back " + backFps + " fps");

            JsonNode list = Http.stats(server.uri()).get("cameras");
            assertEquals(2, list.size(), list.toString());
            assertEquals("front", list.get(0).get("name").asText());
            assertTrue(list.get(0).get("default").asBoolean());
            assertEquals("cam/back/stream", list.get(1).get("stream").asText());
            assertEquals(1, list.get(1).get("clients").asInt());

            String metrics = new String(Http.get(server.uri("/metrics")).body(), StandardCharsets.UTF_8);
            assertTrue(metrics.contains("pistream_clients{camera=\"front\"} 2.0"), metrics);
            assertTrue(metrics.contains("pistream_clients{camera=\"back\"} 1.0"), metrics);
            assertTrue(metrics.contains("pistream_camera_width_pixels{camera=\"back\"} 160.0"), metrics);
        }
    }

    @Test
    void aCameraFullOfClientsRefusesWhileTheOtherServes() throws Exception {
        try (MjpegClient one = MjpegClient.open(server.uri(), "/cam/back/stream");
             MjpegClient two = MjpegClient.open(server.uri(), "/cam/back/stream")) {
            one.readPreamble();
            two.readPreamble();
            Http.awaitStats(cam("back"), WAIT, s -> s.at("/clients/connected").asInt() == 2);
            assertEquals(503, Http.get(server.uri("/cam/back/stream")).statusCode());
            try (MjpegClient front = MjpegClient.open(server.uri(), "/cam/front/stream")) {
                front.readPreamble();
                MjpegClient.checkJpeg(front.readPart().jpeg());
            }
        }
    }

    @Test
    void oneCameraCrashingLeavesTheOtherAlone() throws Exception {
        long backPid = Http.awaitStats(cam("back"), WAIT, s -> s.at("/camera/pid").asLong() > 0).at("/camera/pid").asLong();
        // Front must be streaming before the kill: on a loaded machine it may still be starting (a
        // "camera starting" picture that has nothing to do with back).
        Http.awaitStats(cam("front"), WAIT, s -> s.at("/camera/state").asText().equals("streaming"));
        long frontRestarts = Http.stats(cam("front")).at("/camera/restarts").asLong();
        long backRestarts = Http.stats(cam("back")).at("/camera/restarts").asLong();
        try (MjpegClient front = MjpegClient.open(server.uri(), "/cam/front/stream");
             MjpegClient back = MjpegClient.open(server.uri(), "/cam/back/stream")) {
            front.readPreamble();
            back.readPreamble();
            front.readPart();
            long frontPlaceholders = Http.stats(cam("front")).at("/output/placeholderFrames").asLong();
            double killedAt = System.currentTimeMillis() / 1000.0;
            ProcessHandle.of(backPid).ifPresent(ProcessHandle::destroyForcibly);
            // Front keeps streaming camera frames, in order, all the while back is down and restarting:
            // until back streams again (its restart waits a 1 s backoff at least), front's viewer gets
            // frames captured after the kill, and never a no-signal picture.
            int framesWhileBackWasDown = 0;
            double lastTimestamp = 0;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                assertTrue(System.nanoTime() < deadline, "back did not stream again within " + WAIT);
                MjpegClient.Part part = front.readPart();
                MjpegClient.checkJpeg(part.jpeg());
                assertFalse(part.isPlaceholder(), () -> "front showed no-signal while back restarted: " + part.placeholderReason());
                assertTrue(part.timestamp() > lastTimestamp, "front's frames in order");
                lastTimestamp = part.timestamp();
                JsonNode backNow = Http.stats(cam("back"));
                if (backNow.at("/camera/restarts").asLong() > backRestarts && backNow.at("/camera/state").asText().equals("streaming")) {
                    break;
                }
                if (part.timestamp() > killedAt) {
                    framesWhileBackWasDown++;
                }
            }
            assertTrue(framesWhileBackWasDown >= 1, "front sent no frame captured while back was down");
            assertEquals(frontPlaceholders, Http.stats(cam("front")).at("/output/placeholderFrames").asLong(),
                    "front never showed no-signal");
            JsonNode backStats = Http.awaitStats(cam("back"), WAIT, s -> s.at("/camera/restarts").asLong() > backRestarts
                    && s.at("/camera/state").asText().equals("streaming"));
            assertTrue(backStats.at("/camera/pid").asLong() != backPid, backStats.toString());
            assertEquals(frontRestarts, Http.stats(cam("front")).at("/camera/restarts").asLong(), "front never restarted");
            // The back viewer stayed connected through the restart and gets camera frames again.
            BufferedImage b = picture(back);
            assertTrue(b.getWidth() > 0);
            JsonNode health = Http.stats(server.uri());
            assertEquals("UP", health.at("/server/health").asText());
        }
    }

    @Test
    void unknownCameraIsNotFoundAndNamesTheCameras() throws Exception {
        var response = Http.get(server.uri("/cam/side/stream"));
        assertEquals(404, response.statusCode());
        String body = new String(response.body(), StandardCharsets.UTF_8);
        assertTrue(body.contains("front, back"), body);
    }

    @Test
    void badCameraNamesAreRefusedNamingTheKey() throws Exception {
        ServerProcess.Result reserved = ServerProcess.run(WAIT, "--port", "0", "--camera", "default=test-pattern");
        assertEquals(2, reserved.exitCode(), reserved.toString());
        assertTrue(reserved.stderr().contains("pistream.camera"), reserved.stderr());
        ServerProcess.Result empty = ServerProcess.run(WAIT, "--port", "0", "--camera", "front=");
        assertEquals(2, empty.exitCode(), empty.toString());
        assertTrue(empty.stderr().contains("pistream.camera.front"), empty.stderr());
        // A per-camera limit from the environment is checked like any other setting.
        Commands.Result badLimit = Commands.run(WAIT, Map.of("PISTREAM_CAMERA_FRONT_MAX_CLIENTS", "0"),
                ServerProcess.command("--port", "0", "--camera", "front=test-pattern"));
        assertEquals(2, badLimit.exitCode(), badLimit.toString());
        assertTrue(badLimit.stderr().contains("pistream.camera.front.max-clients"), badLimit.stderr());
    }
}
