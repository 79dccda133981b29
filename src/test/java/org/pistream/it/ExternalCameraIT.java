package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** The server running a real external camera program as its child process. */
class ExternalCameraIT {
    private static final Duration STATS_WAIT = Duration.ofSeconds(20);

    private static TestServer startWithTestCamera(String cameraArgs, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--address", "127.0.0.1",
                "--camera-cmd", ExternalTools.javaBinary(), "--camera-args", ExternalTools.testCameraArgs(cameraArgs)));
        args.addAll(List.of(more));
        return TestServer.start(args.toArray(new String[0]));
    }

    @Test
    void fiftyClientsReceiveCompletePartsFromTestCameraProgram() throws Exception {
        try (TestServer server = startWithTestCamera("--fps 30 --size 320x240")) {
            assertFiftyClientsGetValidParts(server);
        }
    }

    @Test
    void fiftyClientsReceiveCompletePartsFromFfmpeg() throws Exception {
        String ffmpeg = ExternalTools.require("ffmpeg").toString();
        try (TestServer server = TestServer.start("--port", "0", "--address", "127.0.0.1", "--camera-cmd", ffmpeg,
                "--camera-args", "-nostdin -hide_banner -loglevel error -re -f lavfi -i testsrc2=size=320x240:rate=30 "
                        + "-f mjpeg -q:v 5 -")) {
            assertFiftyClientsGetValidParts(server);
        }
    }

    private static void assertFiftyClientsGetValidParts(TestServer server) throws Exception {
        Http.awaitStats(server.uri(), STATS_WAIT, s -> s.at("/camera/state").asText().equals("streaming"));
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                results.add(pool.submit((Callable<Integer>) () -> {
                    try (MjpegClient client = MjpegClient.open(server.uri(), "/stream")) {
                        assertEquals(200, client.status());
                        int parts = 0;
                        for (; parts < 15; parts++) {
                            client.readPart(); // checks boundary, headers, Content-Length, SOI/EOI
                        }
                        return parts;
                    }
                }));
            }
            for (Future<Integer> result : results) {
                assertEquals(15, result.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        JsonNode stats = Http.stats(server.uri());
        assertEquals(50, stats.at("/clients/accepted").asInt());
        assertEquals(0, stats.at("/clients/rejected").asInt());
    }

    @Test
    void restartsCameraWithBackoffAfterKillWhileClientsStayConnected() throws Exception {
        try (TestServer server = startWithTestCamera("--fps 20 --size 160x120");
             MjpegClient client = MjpegClient.open(server.uri(), "/stream")) {
            client.readPart();
            long firstPid = Http.awaitStats(server.uri(), STATS_WAIT, s -> s.at("/camera/pid").asLong() > 0)
                    .at("/camera/pid").asLong();

            ProcessHandle.of(firstPid).orElseThrow().destroyForcibly();
            JsonNode restarted = Http.awaitStats(server.uri(), STATS_WAIT, s -> s.at("/camera/restarts").asInt() == 1
                    && s.at("/camera/state").asText().equals("streaming"));
            long secondPid = restarted.at("/camera/pid").asLong();
            assertNotEquals(firstPid, secondPid);
            assertEquals(137, restarted.at("/camera/lastExitCode").asInt(), "SIGKILL exit code");
            assertTrue(server.awaitOutput("restart #1 in 1000 ms", Duration.ofSeconds(5)), server.output());
            long before = Http.stats(server.uri()).at("/camera/framesIn").asLong();
            // The same connection carries frames of the new camera process.
            double lastTimestamp = 0;
            for (int i = 0; i < 20; i++) {
                lastTimestamp = client.readPart().timestamp();
            }
            assertTrue(lastTimestamp * 1000 > System.currentTimeMillis() - 5000, "fresh frames after the restart");

            // A second failure waits longer: the backoff doubles.
            ProcessHandle.of(secondPid).orElseThrow().destroyForcibly();
            assertTrue(server.awaitOutput("restart #2 in 2000 ms", Duration.ofSeconds(10)), server.output());
            Http.awaitStats(server.uri(), STATS_WAIT, s -> s.at("/camera/restarts").asInt() == 2
                    && s.at("/camera/framesIn").asLong() > before + 20);
            client.readPart();
            assertEquals(1, Http.stats(server.uri()).at("/clients/connected").asInt());
        }
    }

    @Test
    void clientBeyondMaxClientsGets503WhileOthersKeepStreaming() throws Exception {
        try (TestServer server = startWithTestCamera("--fps 20 --size 160x120", "--max-clients", "3")) {
            List<MjpegClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    MjpegClient c = MjpegClient.open(server.uri(), "/stream");
                    assertEquals(200, c.status());
                    c.readPart();
                    clients.add(c);
                }
                try (MjpegClient fourth = MjpegClient.open(server.uri(), "/stream")) {
                    assertEquals(503, fourth.status(), server.output());
                    assertEquals("5", fourth.headers().get("retry-after"));
                }
                for (MjpegClient c : clients) {
                    for (int i = 0; i < 5; i++) {
                        c.readPart();
                    }
                }
                JsonNode stats = Http.stats(server.uri());
                assertEquals(3, stats.at("/clients/connected").asInt());
                assertEquals(1, stats.at("/clients/rejected").asInt());
            } finally {
                for (MjpegClient c : clients) {
                    c.close();
                }
            }
            // Slots are freed when clients leave.
            Http.awaitStats(server.uri(), STATS_WAIT, s -> s.at("/clients/connected").asInt() == 0);
            try (MjpegClient again = MjpegClient.open(server.uri(), "/stream")) {
                assertEquals(200, again.status());
                again.readPart();
            }
        }
    }

    @Test
    void missingCameraCommandIsReportedAndServerStaysUp() throws Exception {
        try (TestServer server = TestServer.start("--port", "0", "--address", "127.0.0.1",
                "--camera-cmd", "/nonexistent/rpicam-vid", "--snapshot-timeout", "1")) {
            JsonNode stats = Http.awaitStats(server.uri(), STATS_WAIT, s -> s.at("/camera/state").asText().equals("restarting"));
            assertTrue(stats.at("/camera/lastError").asText().contains("command not found: /nonexistent/rpicam-vid"),
                    stats.toString());
            HttpResponse<byte[]> snapshot = Http.get(server.uri("snapshot"));
            assertEquals(503, snapshot.statusCode());
            assertTrue(snapshot.headers().firstValue("retry-after").isPresent());
            assertTrue(server.awaitOutput("command not found: /nonexistent/rpicam-vid", Duration.ofSeconds(5)));
            Http.awaitStats(server.uri(), STATS_WAIT, s -> s.at("/camera/restarts").asInt() >= 1);
        }
    }

    @Test
    void snapshotWaitsForTheFirstFrame() throws Exception {
        // The test camera is a JVM that needs a moment to start: the snapshot request waits for it.
        try (TestServer server = startWithTestCamera("--fps 10 --size 160x120")) {
            HttpResponse<byte[]> snapshot = Http.get(server.uri("snapshot"));
            assertEquals(200, snapshot.statusCode(), new String(snapshot.body()));
            MjpegClient.checkJpeg(snapshot.body());
        }
    }

    @Test
    void stoppingTheServerEndsTheCameraProcessAndTheStreams() throws Exception {
        TestServer server = startWithTestCamera("--fps 20 --size 160x120");
        long cameraPid;
        try (MjpegClient client = MjpegClient.open(server.uri(), "/stream")) {
            client.readPart();
            cameraPid = Http.awaitStats(server.uri(), STATS_WAIT, s -> s.at("/camera/pid").asLong() > 0).at("/camera/pid").asLong();
            server.stop();
            // The stream ends with the closing boundary rather than hanging or breaking off.
            MjpegClient.Part part;
            int parts = 0;
            do {
                part = client.readPart();
            } while (part != null && ++parts < 100);
            assertTrue(client.ended(), "closing boundary expected");
        }
        assertFalse(ProcessHandle.of(cameraPid).map(ProcessHandle::isAlive).orElse(false), "camera process left running");
        assertTrue(server.output().contains("Camera stopped"), server.output());
    }
}
