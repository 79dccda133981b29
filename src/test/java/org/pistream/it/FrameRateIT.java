package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** {@code /stream?fps=N}: one client capped at N frames a second of the newest frames, the others unaffected. */
class FrameRateIT {
    private static final double CAMERA_FPS = 25;
    private static final long MEASURE_NANOS = 5_000_000_000L;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("--camera", "test-pattern:160x120@25", "--port", "0", "--address", "127.0.0.1");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    /** Receipt times and how old each frame was on receipt, over about five seconds. */
    private record Reception(int parts, double fps, double maxAgeMillis) {
    }

    private static Reception receive(String path) throws Exception {
        try (MjpegClient client = MjpegClient.open(server.uri(), path)) {
            assertEquals(200, client.status());
            client.readPart(); // the newest frame at connect time; measure from its arrival
            long first = System.nanoTime();
            long last = first;
            int parts = 0;
            double maxAge = 0;
            while (System.nanoTime() - first < MEASURE_NANOS) {
                MjpegClient.Part part = client.readPart();
                last = System.nanoTime();
                parts++;
                maxAge = Math.max(maxAge, System.currentTimeMillis() - part.timestamp() * 1000);
            }
            return new Reception(parts, parts / ((last - first) / 1e9), maxAge);
        }
    }

    @Test
    void cappedClientGetsTwoNewestFramesASecondWhileAnotherGetsTheFullRate() throws Exception {
        Http.awaitStats(server.uri(), java.time.Duration.ofSeconds(10), s -> s.at("/camera/fps").asDouble() > 20);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Reception> capped = pool.submit((Callable<Reception>) () -> receive("/stream?fps=2"));
            Future<Reception> full = pool.submit((Callable<Reception>) () -> receive("/stream"));
            Reception c = capped.get();
            Reception f = full.get();
            System.out.printf(Locale.ROOT, "FrameRateIT: ?fps=2 client %.3f fps (%d parts, newest frame at most %.0f ms old); "
                    + "uncapped client %.2f fps (%d parts)%n", c.fps(), c.parts(), c.maxAgeMillis(), f.fps(), f.parts());
            assertTrue(Math.abs(c.fps() - 2) <= 0.2, "capped client: " + c);
            // The test pattern draws each frame when it is due, so "newest" means younger than one camera frame plus transfer.
            assertTrue(c.maxAgeMillis() < 2 * 1000 / CAMERA_FPS + 100, "capped client gets the newest frames: " + c);
            assertTrue(f.fps() > CAMERA_FPS * 0.85, "uncapped client at the camera's rate: " + f);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void statsListTheCapAndTheFramesPassedOver() throws Exception {
        try (MjpegClient client = MjpegClient.open(server.uri(), "/stream?fps=0.5&client=slow")) {
            client.readPart();
            client.readPart();
            JsonNode stats = Http.stats(server.uri());
            JsonNode mine = null;
            for (JsonNode c : stats.at("/clients/list")) {
                if (c.at("/path").asText().endsWith("client=slow")) {
                    mine = c;
                }
            }
            assertTrue(mine != null, stats.toString());
            assertEquals(0.5, mine.at("/maxFps").asDouble(), 1e-9);
            assertTrue(mine.at("/framesPassedOver").asLong() >= 20, "two seconds of a 25 fps camera passed over: " + mine);
            assertEquals(0, mine.at("/framesSkipped").asLong(), mine.toString());
        }
    }

    @Test
    void badFpsValuesGetA400SayingWhatIsAllowed() throws Exception {
        List<String> bad = new ArrayList<>(List.of("0", "-1", "abc", "NaN", "Infinity", "1e2", "0x10", "121", "", "0.01"));
        for (String value : bad) {
            for (String path : List.of("stream?fps=", "?fps=")) {
                HttpResponse<byte[]> response = Http.get(server.uri(path + URLEncoder.encode(value, StandardCharsets.UTF_8)));
                String text = new String(response.body(), StandardCharsets.UTF_8);
                assertEquals(400, response.statusCode(), path + value + ": " + text);
                assertTrue(text.contains("Invalid fps '" + value + "'") && text.contains("from 0.1 to 120"), text);
            }
        }
        assertEquals(0, Http.stats(server.uri()).at("/clients/rejected").asLong(), "a bad request is not a refused client");
    }
}
