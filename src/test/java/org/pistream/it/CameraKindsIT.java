package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The camera kinds with their settings, end to end through {@code java -jar}: the real rpicam-vid
 * (rpicam-apps v1.13.0 on libcamera's virtual camera, {@code ../shared/camera/bin}) at the sizes
 * asked for, the flags it was given (the virtual camera ignores flips and rotation, so those are
 * checked on its command line), the test pattern, the refusals, the {@code cameras} command and
 * camera-args that no longer leak from rpicam-vid to another program.
 */
class CameraKindsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern CAMERA_STARTED = Pattern.compile("Camera started: pid (\\d+) `([^`]*)`");

    /** The first frame of {@code path}, decoded. */
    private static BufferedImage frame(ServerProcess server, String path) throws Exception {
        try (MjpegClient client = MjpegClient.open(server.uri(), path)) {
            assertEquals(200, client.status());
            client.readPart();
            byte[] jpeg = client.readPart().jpeg();
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
            assertTrue(image != null, "a decodable JPEG");
            return image;
        }
    }

    private static String startedLine(ServerProcess server) throws InterruptedException {
        assertTrue(server.awaitOutput("Camera started: pid", WAIT), server.output());
        return server.lines().stream().filter(l -> l.contains("Camera started: pid")).findFirst().orElseThrow();
    }

    /** The camera program's own command line from /proc, words joined by blanks, or null once it has gone. */
    private static String procCmdline(long pid) throws IOException {
        Path cmdline = Path.of("/proc", Long.toString(pid), "cmdline");
        if (!Files.exists(cmdline)) {
            return null;
        }
        return new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).replace('\0', ' ').strip();
    }

    @Test
    void rpicamAt640x480RunsRpicamVidWithTheSettingsAsItsOwnFlags() throws Exception {
        String rpicamVid = ExternalTools.require("rpicam-vid").toAbsolutePath().toString();
        try (ServerProcess server = ServerProcess.start("--port", "0", "--address", "127.0.0.1", "--camera", "rpicam",
                "--camera-cmd", rpicamVid, "--resolution", "640x480", "--fps", "15", "--quality", "70", "--rotation", "180",
                "--hflip", "--vflip")) {
            String line = startedLine(server);
            Matcher m = CAMERA_STARTED.matcher(line);
            assertTrue(m.find(), line);
            assertEquals(rpicamVid + " --codec mjpeg -o - -t 0 -n --camera 0 --width 640 --height 480 --framerate 15 --quality 70"
                    + " --rotation 180 --hflip --vflip", m.group(2));
            BufferedImage image = frame(server, "/stream");
            assertEquals(640, image.getWidth());
            assertEquals(480, image.getHeight());
            // The wrapper execs the real rpicam-vid: the running process has exactly these flags.
            String running = procCmdline(Long.parseLong(m.group(1)));
            if (running != null) {
                assertTrue(running.endsWith("--camera 0 --width 640 --height 480 --framerate 15 --quality 70 --rotation 180"
                        + " --hflip --vflip"), running);
            }
            JsonNode stats = Http.stats(server.uri());
            assertEquals("rpicam", stats.at("/camera/kind").asText(), stats.toString());
            JsonNode config = stats.at("/server/config");
            assertTrue(config.get("camera").asText().startsWith("rpicam:0 ("), config.toString());
            assertEquals("640x480", config.get("resolution").asText());
            assertEquals(15, config.get("fps").asInt());
            assertEquals(70, config.get("quality").asInt());
            assertEquals(180, config.get("rotation").asInt());
            assertTrue(config.get("hflip").asBoolean() && config.get("vflip").asBoolean(), config.toString());
        }
    }

    @Test
    void aNamedRpicamCameraAt1280x720FindsRpicamVidOnPath() throws Exception {
        Path bin = ExternalTools.require("rpicam-vid").toAbsolutePath().getParent();
        // Only the server's own environment gets the folder on its PATH, as on a Pi where rpicam-vid is installed.
        Map<String, String> env = Map.of("PATH", bin + ":" + System.getenv("PATH"));
        try (ServerProcess server = ServerProcess.start(env, List.of("-Dpistream.camera.front.resolution=1280x720",
                        "-Dpistream.camera.front.quality=30"), "--port", "0", "--address", "127.0.0.1",
                "--camera", "front=rpicam:0", "--fps", "10")) {
            String line = startedLine(server);
            assertTrue(line.contains("`rpicam-vid --codec mjpeg -o - -t 0 -n --camera 0 --width 1280 --height 720 --framerate 10"
                    + " --quality 30`"), line);
            BufferedImage image = frame(server, "/cam/front/stream");
            assertEquals(1280, image.getWidth());
            assertEquals(720, image.getHeight());
            JsonNode config = Http.stats(server.uri("/cam/front/")).at("/server/config");
            assertEquals("1280x720", config.get("resolution").asText(), config.toString());
            assertEquals(10, config.get("fps").asInt());
        }
    }

    @Test
    void theTestPatternHonoursSizeQualityAndFlips() throws Exception {
        try (ServerProcess server = ServerProcess.start("--port", "0", "--address", "127.0.0.1", "--camera", "test-pattern",
                "--resolution", "320x240", "--fps", "10", "--quality", "60", "--hflip")) {
            BufferedImage image = frame(server, "/stream");
            assertEquals(320, image.getWidth());
            assertEquals(240, image.getHeight());
            int topLeft = image.getRGB(5, 5);
            int topRight = image.getRGB(314, 5);
            // Upright, the first bar (grey) is on the left and the last (blue) on the right; mirrored, the other way round.
            assertTrue((topLeft & 0xff) > 150 && ((topLeft >> 16) & 0xff) < 60, "top left is blue: " + Integer.toHexString(topLeft));
            assertTrue(((topRight >> 16) & 0xff) > 150 && ((topRight >> 8) & 0xff) > 150, "top right is grey: "
                    + Integer.toHexString(topRight));
            JsonNode config = Http.stats(server.uri()).at("/server/config");
            assertEquals("test-pattern:320x240@10", config.get("camera").asText());
            assertEquals(60, config.get("quality").asInt());
        }
    }

    @Test
    void whatAKindCannotDoIsRefusedInOneLineWithExitCode2() throws Exception {
        assertRefused("pistream.rotation", "'90'", "rpicam", "--camera", "rpicam", "--rotation", "90");
        assertRefused("pistream.rotation", "'270'", "test-pattern", "--camera", "test-pattern", "--rotation", "270");
        assertRefused("pistream.resolution", "'640x480'", "command camera", "--camera-cmd", "ffmpeg", "--resolution", "640x480");
        assertRefused("pistream.vflip", "'true'", "http camera", "--camera-url", "http://127.0.0.1:9/stream", "--vflip");
        assertRefused("pistream.resolution", "'640x480'", "test-pattern:320x240", "--camera", "test-pattern:320x240",
                "--resolution", "640x480");
    }

    private static void assertRefused(String key, String value, String kind, String... args) throws Exception {
        ServerProcess.Result result = ServerProcess.run(WAIT, args);
        assertEquals(2, result.exitCode(), result.toString());
        String stderr = result.stderr().strip();
        assertFalse(stderr.contains("\n"), "one line: " + stderr);
        assertTrue(stderr.contains(key) && stderr.contains(value) && stderr.contains(kind), stderr);
    }

    @Test
    void theCamerasCommandListsTheRealRpicamHellosCameras() throws Exception {
        Path bin = ExternalTools.require("rpicam-hello").toAbsolutePath().getParent();
        Commands.Result result = Commands.run(WAIT, Map.of("PATH", bin + ":" + System.getenv("PATH")),
                ServerProcess.command("cameras"));
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.stdout().contains("rpicam:0"), result.stdout());
        assertTrue(result.stdout().contains("Virtual"), result.stdout());
        assertTrue(result.stdout().contains("--camera rpicam:0"), result.stdout());
        assertTrue(result.stdout().contains("1280x720"), result.stdout());
    }

    @Test
    void ffmpegWithoutCameraArgsNoLongerGetsRpicamVidsArguments() throws Exception {
        String ffmpeg = ExternalTools.require("ffmpeg").toString();
        try (ServerProcess server = ServerProcess.start("--port", "0", "--address", "127.0.0.1", "--camera-cmd", ffmpeg)) {
            String line = startedLine(server);
            assertTrue(line.contains("`" + ffmpeg + "`"), "no arguments inherited: " + line);
            assertFalse(server.output().contains("Unrecognized option"), server.output());
            // ffmpeg alone says how to use it, in its own words, where it said "Unrecognized option '-codec'" before.
            JsonNode stats = Http.awaitStats(server.uri(), WAIT, s -> s.at("/camera/lastError").isTextual());
            assertEquals("ffmpeg exited with code 1: Use -h to get full help or, even better, run 'man ffmpeg'",
                    stats.at("/camera/lastError").asText(), stats.toString());
        }
    }
}
