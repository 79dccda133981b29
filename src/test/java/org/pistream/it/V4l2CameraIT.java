package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pistream.core.source.detect.V4l2StandIn;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * USB webcams ({@code --camera v4l2:DEVICE}) and the automatic choice ({@code camera=auto}, the default),
 * end to end through {@code java -jar}. V4L2 cannot run here, so the server's PATH starts with the strict
 * v4l2-ctl stand-in ({@code src/test/standins}), whose fake webcams are real {@code --list-formats-ext}
 * outputs (their sources are in the samples' headers) and which streams MJPEG or raw YUYV rendered by ffmpeg at
 * the size set; ffmpeg, the shell and the Pi camera programs (rpicam-apps v1.13.0 on libcamera's virtual
 * camera, {@code ../shared/camera/bin}) are the real ones.
 */
class V4l2CameraIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;
    private V4l2StandIn standIn;

    @BeforeEach
    void webcams() throws IOException {
        ExternalTools.require("bash");
        ExternalTools.require("ffmpeg");
        // Three MJPEG webcams (a laptop's UVC camera: MJPG 1280x720 960x540 848x480 640x480 640x360, YUYV up to
        // 640x480), so that three cameras can stream at once, each from its own device as real ones must; and a
        // camera listing YUYV only (the first part of a C920's listing by v4l-utils before 1.14).
        standIn = new V4l2StandIn(tmp.resolve("v4l2"))
                .card("usb-0000:01:00.0-1.1", "Integrated_Webcam_HD: Integrate", "/dev/video0", "/dev/video1")
                .node("video0", "v4l2-formats-integrated-webcam.txt", null)
                .node("video1", "v4l2-formats-metadata-node.txt", null)
                .card("usb-0000:01:00.0-1.2", "Integrated_Webcam_HD: Integrate", "/dev/video2", "/dev/video3")
                .node("video2", "v4l2-formats-integrated-webcam.txt", null)
                .node("video3", "v4l2-formats-metadata-node.txt", null)
                .card("usb-0000:01:00.0-1.3", "Integrated_Webcam_HD: Integrate", "/dev/video4", "/dev/video5")
                .node("video4", "v4l2-formats-integrated-webcam.txt", null)
                .node("video5", "v4l2-formats-metadata-node.txt", null)
                .card("usb-0000:01:00.0-1.4", "HD Pro Webcam C920", "/dev/video6", "/dev/video7")
                .node("video6", "v4l2-formats-c920-old-layout.txt", null)
                .node("video7", "v4l2-formats-metadata-node.txt", null)
                .write();
    }

    /** The system PATH without any folder holding a Pi camera program, with {@code first} in front. */
    private static String pathWithout(String... first) {
        List<String> dirs = new ArrayList<>(List.of(first));
        for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
            if (!dir.isEmpty() && !Files.exists(Path.of(dir, "rpicam-hello")) && !Files.exists(Path.of(dir, "libcamera-hello"))
                    && !Files.exists(Path.of(dir, "rpicam-vid"))) {
                dirs.add(dir);
            }
        }
        return String.join(File.pathSeparator, dirs);
    }

    private Map<String, String> webcamsOnly() {
        return Map.of("PATH", pathWithout(V4l2StandIn.DIR.toString()), "V4L2_STANDIN_DIR", standIn.root().toString());
    }

    /** The first camera frame (not a no-signal picture) of {@code path}, decoded. */
    private static BufferedImage frame(ServerProcess server, String path) throws Exception {
        try (MjpegClient client = MjpegClient.open(server.uri(), path)) {
            assertEquals(200, client.status());
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                MjpegClient.Part part = client.readPart();
                if (!part.isPlaceholder()) {
                    BufferedImage image = ImageIO.read(new ByteArrayInputStream(part.jpeg()));
                    assertNotNull(image, "a decodable JPEG");
                    return image;
                }
            }
            throw new AssertionError("no camera frame within " + WAIT + ": " + server.output());
        }
    }

    private static void assertSize(int width, int height, BufferedImage image) {
        assertEquals(width + "x" + height, image.getWidth() + "x" + image.getHeight());
    }

    @Test
    void mjpegWebcamsAtEachSizeArePassedThroughInTheNearestModeTheyOffer() throws Exception {
        try (ServerProcess server = ServerProcess.start(webcamsOnly(), List.of("-Dpistream.camera.a.resolution=640x480",
                        "-Dpistream.camera.b.resolution=1280x720", "-Dpistream.camera.c.resolution=1000x560", "-Dpistream.cameras=a,b,c"),
                "--port", "0", "--address", "127.0.0.1", "--camera", "a=v4l2:/dev/video0", "--camera", "b=v4l2:/dev/video2",
                "--camera", "c=v4l2:/dev/video4", "--fps", "30")) {
            assertSize(640, 480, frame(server, "/cam/a/stream"));
            assertSize(1280, 720, frame(server, "/cam/b/stream"));
            assertSize(960, 540, frame(server, "/cam/c/stream"));
            String out = server.output();
            assertTrue(out.contains("Camera 'a': Camera v4l2:/dev/video0: asked 640x480@30, using 640x480@30 MJPG (exactly as asked),"
                    + " passed through"), out);
            assertTrue(out.contains("Camera v4l2:/dev/video4: asked 1000x560@30, using 960x540@30 MJPG (nearest size the camera offers)"),
                    out);
            assertTrue(out.contains("`v4l2-ctl -d /dev/video2 --set-fmt-video=width=1280,height=720,pixelformat=MJPG --set-parm=30"
                    + " --stream-mmap --stream-to=-`"), out);
            JsonNode stats = Http.stats(server.uri("/cam/c/"));
            assertEquals("v4l2", stats.at("/camera/kind").asText(), stats.toString());
            assertEquals("v4l2:/dev/video4 (MJPG 960x540@30)", stats.at("/server/config/camera").asText(), stats.toString());
            assertEquals("960x540", stats.at("/server/config/resolution").asText(), "what the camera was asked for");
        }
    }

    @Test
    void aYuyvOnlyWebcamIsEncodedByFfmpegAndItsPipelineEndsWithTheServer() throws Exception {
        List<ProcessHandle> pipeline;
        try (ServerProcess server = ServerProcess.start(webcamsOnly(), List.of(), "--port", "0", "--address", "127.0.0.1",
                "--camera", "v4l2:/dev/video6", "--resolution", "640x480", "--fps", "15", "--quality", "90", "--vflip")) {
            assertSize(640, 480, frame(server, "/stream"));
            String out = server.output();
            assertTrue(out.contains("Camera v4l2:/dev/video6: asked 640x480@15, using 640x480@15 YUYV (exactly as asked), encoded by ffmpeg"),
                    out);
            assertTrue(out.contains("| exec ffmpeg -hide_banner -nostdin -loglevel error -f rawvideo -pix_fmt yuyv422 -video_size 640x480"
                    + " -framerate 15 -i - -vf vflip -c:v mjpeg -pix_fmt yuvj422p -q:v 5 -f mjpeg -`"), out);
            JsonNode stats = Http.stats(server.uri());
            long pid = stats.at("/camera/pid").asLong();
            ProcessHandle shell = ProcessHandle.of(pid).orElseThrow();
            pipeline = new ArrayList<>(shell.descendants().toList());
            pipeline.add(shell);
            assertTrue(pipeline.size() >= 3, "sh, v4l2-ctl (the stand-in's ffmpeg) and ffmpeg: " + pipeline.stream()
                    .map(p -> p.info().commandLine().orElse("?")).toList());
            server.stop();
        }
        for (ProcessHandle p : pipeline) {
            assertFalse(p.isAlive(), "left running after the server stopped: " + p.info().commandLine().orElse(Long.toString(p.pid())));
        }
    }

    @Test
    void whatAV4l2CameraCannotDoIsRefusedInOneLineWithExitCode2() throws Exception {
        assertRefused(webcamsOnly(), "pistream.quality", "'70'", "v4l2", "--camera", "v4l2:/dev/video0", "--quality", "70");
        assertRefused(webcamsOnly(), "pistream.hflip", "'true'", "v4l2", "--camera", "v4l2:/dev/video0", "--hflip");
        assertRefused(webcamsOnly(), "pistream.rotation", "'90'", "v4l2", "--camera", "v4l2:/dev/video6", "--rotation", "90");
        assertRefused(webcamsOnly(), "pistream.camera", "'v4l2:/dev/video9'", "Cannot open device /dev/video9",
                "--camera", "v4l2:/dev/video9");
        assertRefused(webcamsOnly(), "pistream.camera-cmd", "'ffmpeg'", "v4l2", "--camera", "v4l2:/dev/video0", "--camera-cmd", "ffmpeg");
    }

    private static void assertRefused(Map<String, String> env, String key, String value, String kind, String... args) throws Exception {
        Commands.Result result = Commands.run(WAIT, env, ServerProcess.command(args));
        assertEquals(2, result.exitCode(), result.toString());
        String stderr = result.stderr().strip();
        assertFalse(stderr.contains("\n"), "one line: " + stderr);
        assertTrue(stderr.contains(key) && stderr.contains(value) && stderr.contains(kind), stderr);
    }

    @Test
    void autoPicksThePiCameraModuleWhenRpicamHelloListsOne() throws Exception {
        Path bin = ExternalTools.require("rpicam-hello").toAbsolutePath().getParent();
        Map<String, String> env = Map.of("PATH", pathWithout(bin.toString(), V4l2StandIn.DIR.toString()),
                "V4L2_STANDIN_DIR", standIn.root().toString());
        try (ServerProcess server = ServerProcess.start(env, List.of(), "--port", "0", "--address", "127.0.0.1", "--resolution", "640x480")) {
            assertSize(640, 480, frame(server, "/stream"));
            String out = server.output();
            assertTrue(out.contains("Camera auto: found rpicam:0 (Virtual Video Device), the first Pi camera module of 5 camera(s) listed"),
                    out);
            assertTrue(out.contains("`rpicam-vid --codec mjpeg -o - -t 0 -n --camera 0 --width 640 --height 480"), out);
            JsonNode stats = Http.stats(server.uri());
            assertEquals("rpicam", stats.at("/camera/kind").asText(), stats.toString());
            assertTrue(stats.at("/server/config/camera").asText().startsWith("auto: rpicam:0"), stats.toString());
        }
    }

    @Test
    void autoPicksTheFirstUsbWebcamWithMjpegWhenOnlyV4l2CtlListsCameras() throws Exception {
        try (ServerProcess server = ServerProcess.start(webcamsOnly(), List.of(), "--port", "0", "--address", "127.0.0.1",
                "--camera", "auto", "--resolution", "640x480")) {
            assertSize(640, 480, frame(server, "/stream"));
            String out = server.output();
            assertTrue(out.contains("Camera auto: found v4l2:/dev/video0 (Integrated_Webcam_HD: Integrate), the first USB webcam with MJPEG"),
                    out);
            assertTrue(out.contains("Camera detection: rpicam-hello and libcamera-hello not found on PATH"), out);
            assertTrue(out.contains("Camera v4l2:/dev/video0: asked 640x480@30, using 640x480@30 MJPG (exactly as asked), passed through"),
                    out);
        }
    }

    @Test
    void autoWithNoCameraSaysSoOnThePictureStatsAndHealthz() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty-bin"));
        try (ServerProcess server = ServerProcess.start(Map.of("PATH", empty.toString()), List.of(), "--port", "0", "--address",
                "127.0.0.1")) {
            String said = "no camera found: run 'pi-stream cameras' to list cameras";
            try (MjpegClient client = MjpegClient.open(server.uri(), "/stream")) {
                MjpegClient.Part part = client.readPart();
                assertTrue(part.isPlaceholder(), "the no-signal picture");
                assertEquals(said, part.placeholderReason());
                assertNotNull(ImageIO.read(new ByteArrayInputStream(part.jpeg())));
            }
            JsonNode stats = Http.stats(server.uri());
            assertEquals(said, stats.at("/camera/problem").asText(), stats.toString());
            assertEquals("none", stats.at("/camera/kind").asText(), stats.toString());
            assertEquals("auto: no camera found", stats.at("/server/config/camera").asText(), stats.toString());
            HttpResponse<byte[]> health = Http.get(server.uri("/healthz"));
            assertEquals(503, health.statusCode());
            String body = new String(health.body(), StandardCharsets.UTF_8);
            assertTrue(body.contains("\"status\":\"DOWN\"") && body.contains(said.replace("'", "\\u0027"))
                    || body.contains(said), body);
            assertTrue(server.output().contains("Camera auto: " + said), server.output());
        }
    }

    @Test
    void theCamerasCommandListsTheStandInsWebcamsWithTheLineToUseEach() throws Exception {
        Commands.Result result = Commands.run(WAIT, webcamsOnly(), ServerProcess.command("cameras"));
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.stdout().contains("use: --camera v4l2:/dev/video6"), result.stdout());
        assertTrue(result.stdout().contains("With no camera configured, pi-stream uses v4l2:/dev/video0"), result.stdout());
    }
}
