package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A camera program that misbehaves in every way a real one does; the server must keep its viewers
 * connected and informed, and count what happened. The server runs in the test's JVM, except for the
 * tests of its memory (a flood survived in a {@code -Xmx64m} heap) and of its process (SIGKILL).
 */
class CameraFaultsIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final List<String> SMALL_HEAP = List.of("-Xmx64m");

    private static TestServer start(String cameraArgs, String... more) throws Exception {
        return TestServer.start(args(cameraArgs, more));
    }

    /** {@code java -jar} with {@code -Xmx64m}, for the tests of memory and of the server process itself. */
    private static ServerProcess startInSmallHeap(String cameraArgs, String... more) throws Exception {
        return ServerProcess.start(Map.of(), SMALL_HEAP, args(cameraArgs, more));
    }

    private static String[] args(String cameraArgs, String... more) {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--address", "127.0.0.1",
                "--camera-cmd", ExternalTools.javaBinary(), "--camera-args", ExternalTools.testCameraArgs(cameraArgs)));
        args.addAll(List.of(more));
        return args.toArray(new String[0]);
    }

    /** Reads parts until one matches; fails after the timeout. */
    private static MjpegClient.Part awaitPart(MjpegClient client, Duration timeout, Predicate<MjpegClient.Part> wanted)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            MjpegClient.Part part = client.readPart();
            assertNotNull(part, "the stream ended");
            if (wanted.test(part)) {
                return part;
            }
        }
        throw new AssertionError("no matching part within " + timeout);
    }

    private static Predicate<MjpegClient.Part> real() {
        return part -> !part.isPlaceholder();
    }

    private static Predicate<MjpegClient.Part> placeholderSaying(String text) {
        return part -> part.isPlaceholder() && part.placeholderReason().contains(text);
    }

    private static void assertDecodes(byte[] jpeg) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        assertNotNull(image, "decodable JPEG");
    }

    @Test
    void crashingCameraShowsPlaceholderThenFramesAgainOnTheSameConnection() throws Exception {
        try (TestServer server = start("--fps 20 --size 160x120 --count 20 --exit-code 1");
             MjpegClient client = MjpegClient.open(server.uri(), "/stream")) {
            awaitPart(client, WAIT, real());
            MjpegClient.Part placeholder = awaitPart(client, WAIT, placeholderSaying("exited with code 1"));
            assertTrue(placeholder.placeholderReason().contains("restarting in"), placeholder.placeholderReason());
            assertDecodes(placeholder.jpeg());
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(placeholder.jpeg()));
            assertEquals(160, image.getWidth(), "placeholder at the camera's last size");
            awaitPart(client, WAIT, real());
            JsonNode stats = Http.stats(server.uri());
            assertTrue(stats.at("/camera/restarts").asInt() >= 1, stats.toString());
            assertEquals(1, stats.at("/camera/lastExitCode").asInt(), stats.toString());
            assertTrue(stats.at("/output/placeholderFrames").asLong() >= 1);
            assertEquals(1, stats.at("/clients/connected").asInt());
        }
    }

    @Test
    void hungCameraGetsKeepAliveThenWatchdogRestart() throws Exception {
        try (TestServer server = start("--fps 20 --size 160x120 --hang-after 10", "--camera-timeout", "3");
             MjpegClient client = MjpegClient.open(server.uri(), "/stream")) {
            MjpegClient.Part last = awaitPart(client, WAIT, real());
            // Frames stop: within about a second the last frame comes again, same picture, same capture time.
            MjpegClient.Part repeated = null;
            for (int i = 0; i < 40 && repeated == null; i++) {
                MjpegClient.Part part = client.readPart();
                if (part.timestamp() == last.timestamp()) {
                    repeated = part;
                }
                last = part;
            }
            assertNotNull(repeated, "keep-alive repeat of the last frame");
            assertArrayEquals(last.jpeg(), repeated.jpeg());
            awaitPart(client, WAIT, placeholderSaying("sent no frame for 3 s"));
            JsonNode stats = Http.awaitStats(server.uri(), WAIT, s -> s.at("/camera/watchdogRestarts").asInt() >= 1);
            assertTrue(stats.at("/output/keepAliveFrames").asLong() >= 1, stats.toString());
            assertTrue(server.awaitOutput("(watchdog)", Duration.ofSeconds(5)), server.output());
            awaitPart(client, WAIT, real()); // the restarted camera streams again
        }
    }

    @Test
    void garbageBetweenFramesIsSkippedAndCounted() throws Exception {
        try (TestServer server = start("--fps 30 --size 160x120 --garbage");
             MjpegClient client = MjpegClient.open(server.uri(), "/stream")) {
            for (int i = 0; i < 30; i++) {
                MjpegClient.Part part = awaitPart(client, WAIT, real());
                assertDecodes(part.jpeg());
            }
            JsonNode stats = Http.stats(server.uri());
            assertTrue(stats.at("/camera/garbageBytes").asLong() > 0, stats.toString());
            assertEquals(0, stats.at("/camera/framesDropped/malformed").asLong() + stats.at("/camera/framesDropped/truncated").asLong(),
                    "garbage without false markers costs no frame: " + stats);
        }
    }

    @Test
    void truncatedFramesAreNeverSent() throws Exception {
        try (TestServer server = start("--fps 30 --size 160x120 --truncate-every 3");
             MjpegClient client = MjpegClient.open(server.uri(), "/stream")) {
            for (int i = 0; i < 30; i++) {
                BufferedImage image = ImageIO.read(new ByteArrayInputStream(awaitPart(client, WAIT, real()).jpeg()));
                assertEquals(160, image.getWidth());
            }
            JsonNode stats = Http.stats(server.uri());
            assertTrue(stats.at("/camera/framesDropped/truncated").asLong() >= 5, stats.toString());
        }
    }

    @Test
    void oversizeFramesAreDroppedAndCountedWithBoundedMemory() throws Exception {
        try (TestServer server = start("--fps 15 --size 160x120 --oversize-every 4 --oversize-bytes 300000",
                "--max-frame-size", "200000");
             MjpegClient client = MjpegClient.open(server.uri(), "/stream")) {
            for (int i = 0; i < 20; i++) {
                MjpegClient.Part part = awaitPart(client, WAIT, real());
                assertTrue(part.jpeg().length <= 200_000);
            }
            JsonNode stats = Http.stats(server.uri());
            assertTrue(stats.at("/camera/framesDropped/oversize").asLong() >= 3, stats.toString());
            assertTrue(stats.at("/camera/frameBufferBytes").asLong() <= 200_000, stats.toString());
        }
    }

    @Test
    void hundredMegabytesWithoutAFrameBoundaryIsSurvivedInSmallHeap() throws Exception {
        try (ServerProcess server = startInSmallHeap("--fps 20 --size 160x120 --flood-mb 100");
             MjpegClient client = MjpegClient.open(server.uri(), "/stream")) {
            awaitPart(client, Duration.ofSeconds(60), real());
            JsonNode stats = Http.stats(server.uri());
            assertEquals(1, stats.at("/camera/framesDropped/oversize").asLong(), stats.toString());
            assertTrue(stats.at("/camera/bytesIn").asLong() < 100L * 1024 * 1024, "the flood is not counted as frames");
            assertTrue(stats.at("/camera/frameBufferBytes").asLong() <= 4 * 1024 * 1024, stats.toString());
            assertTrue(stats.at("/server/heapUsedBytes").asLong() < 64L * 1024 * 1024, stats.toString());
            assertEquals(0, stats.at("/camera/restarts").asInt(), "the camera itself was not at fault after the flood");
        }
    }

    @Test
    void cameraThatExitsAtOnceIsRetriedWhileViewersSeeWhy() throws Exception {
        try (TestServer server = start("--count 0 --exit-code 3");
             MjpegClient client = MjpegClient.open(server.uri(), "/stream")) {
            MjpegClient.Part part = awaitPart(client, WAIT, placeholderSaying("exited with code 3"));
            assertDecodes(part.jpeg());
            Http.awaitStats(server.uri(), WAIT, s -> s.at("/camera/restarts").asInt() >= 2);
            assertEquals(503, Http.get(server.uri("snapshot")).statusCode(), "a placeholder is never a snapshot");
        }
    }

    @Test
    void missingCommandIsShownToViewers() throws Exception {
        try (TestServer server = TestServer.start("--port", "0", "--address", "127.0.0.1",
                "--camera-cmd", "/nonexistent/rpicam-vid");
             MjpegClient client = MjpegClient.open(server.uri(), "/stream")) {
            awaitPart(client, WAIT, placeholderSaying("command not found: /nonexistent/rpicam-vid"));
        }
    }

    @Test
    void cameraThatClosesItsOutputButKeepsRunningIsEndedAndRestarted() throws Exception {
        try (TestServer server = start("--fps 20 --size 160x120 --close-after 10");
             MjpegClient client = MjpegClient.open(server.uri(), "/stream")) {
            awaitPart(client, WAIT, real());
            long pid = Http.awaitStats(server.uri(), WAIT, s -> s.at("/camera/pid").asLong() > 0).at("/camera/pid").asLong();
            awaitPart(client, WAIT, placeholderSaying("closed its output but kept running"));
            awaitGone(pid);
            awaitPart(client, WAIT, real());
        }
    }

    @Test
    void framesWithoutHuffmanTablesGetTheStandardOnes() throws Exception {
        try (TestServer server = start("--fps 20 --size 160x120 --no-dht");
             MjpegClient client = MjpegClient.open(server.uri(), "/stream")) {
            byte[] jpeg = awaitPart(client, WAIT, real()).jpeg();
            assertTrue(containsMarker(jpeg, 0xC4), "DHT inserted");
            assertDecodes(jpeg);
            HttpResponse<byte[]> snapshot = Http.get(server.uri("snapshot"));
            assertTrue(containsMarker(snapshot.body(), 0xC4));
        }
    }

    /** Waits up to 5 s for a process to end (it may already be gone and reaped). */
    private static void awaitGone(long pid) throws Exception {
        ProcessHandle handle = ProcessHandle.of(pid).orElse(null);
        if (handle != null) {
            handle.onExit().get(5, TimeUnit.SECONDS);
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "process " + pid + " still running");
    }

    private static boolean containsMarker(byte[] jpeg, int marker) {
        int i = 2;
        while (i + 4 <= jpeg.length && (jpeg[i] & 0xFF) == 0xFF) {
            int m = jpeg[i + 1] & 0xFF;
            if (m == marker) {
                return true;
            }
            if (m == 0xDA) {
                return false;
            }
            i += 2 + (((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF));
        }
        return false;
    }

    @Test
    void idleStopEndsTheCameraAndTheNextViewerStartsIt() throws Exception {
        try (TestServer server = start("--fps 20 --size 160x120", "--idle-stop", "2", "--warmup-frames", "3")) {
            long pid;
            try (MjpegClient client = MjpegClient.open(server.uri(), "/stream")) {
                awaitPart(client, WAIT, real());
                pid = Http.stats(server.uri()).at("/camera/pid").asLong();
            }
            JsonNode idle = Http.awaitStats(server.uri(), WAIT, s -> s.at("/camera/state").asText().equals("idle"));
            assertTrue(idle.at("/camera/pid").isNull(), idle.toString());
            awaitGone(pid);
            assertEquals(3, idle.at("/camera/warmupFramesDiscarded").asInt(), idle.toString());
            try (MjpegClient client = MjpegClient.open(server.uri(), "/stream")) {
                MjpegClient.Part first = client.readPart();
                assertTrue(first.isPlaceholder(), "placeholder until the camera delivers");
                assertEquals("camera starting", first.placeholderReason());
                awaitPart(client, WAIT, real());
            }
            assertEquals(6, Http.stats(server.uri()).at("/camera/warmupFramesDiscarded").asInt(), "warm-up after each start");
        }
    }

    @Test
    void snapshotWakesAnIdleCamera() throws Exception {
        try (TestServer server = start("--fps 20 --size 160x120", "--idle-stop", "1")) {
            Http.awaitStats(server.uri(), WAIT, s -> s.at("/camera/state").asText().equals("idle"));
            HttpResponse<byte[]> snapshot = Http.get(server.uri("snapshot"));
            assertEquals(200, snapshot.statusCode());
            assertDecodes(snapshot.body());
        }
    }

    @Test
    void killingTheServerWithSigkillEndsTheCameraSoon() throws Exception {
        try (ServerProcess server = startInSmallHeap("--fps 20 --size 160x120")) {
            long pid = Http.awaitStats(server.uri(), WAIT, s -> s.at("/camera/pid").asLong() > 0).at("/camera/pid").asLong();
            server.process().toHandle().destroyForcibly();
            awaitGone(pid); // the camera notices that its reader is gone
        }
    }
}
