package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** {@code --log-format json} and {@code PISTREAM_LOG}, read from the launcher's standard output. */
class LogFormatIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void jsonFormatWritesOneObjectPerLineWithPerLoggerLevels(@TempDir Path dir) throws Exception {
        Path stderr = dir.resolve("stderr.txt");
        List<JsonNode> events = new ArrayList<>();
        try (ServerProcess server = ServerProcess.startSeparateStderr(
                Map.of("PISTREAM_LOG", "org.eclipse.jetty=warn,org.pistream.web=debug"), stderr,
                "--camera", "test-pattern:64x48@10", "--log-format", "json", "--stats-interval", "1",
                "--port", "0", "--address", "127.0.0.1")) {
            try (MjpegClient client = MjpegClient.open(server.uri(), "/stream")) {
                client.readPart();
                assertTrue(server.awaitOutput("Stats: camera streaming", Duration.ofSeconds(10)), server.output());
            }
            server.stop(); // the last lines (shutdown) are JSON too
            List<String> lines = server.lines();
            assertTrue(lines.size() >= 5, server.output());
            for (String line : lines) {
                JsonNode event;
                try {
                    event = JSON.readTree(line);
                } catch (Exception e) {
                    throw new AssertionError("not JSON: " + line, e);
                }
                assertTrue(event.isObject(), line);
                for (String field : List.of("timestamp", "level", "threadName", "loggerName", "formattedMessage")) {
                    assertTrue(event.hasNonNull(field), field + " missing: " + line);
                }
                events.add(event);
            }
        }
        assertTrue(events.stream().anyMatch(e -> e.path("loggerName").asText().equals("org.pistream.stats")
                && e.path("level").asText().equals("INFO")), "the stats line");
        assertTrue(events.stream().anyMatch(e -> e.path("formattedMessage").asText().contains(" listening on http://")));
        // PISTREAM_LOG: pi-stream's web package at DEBUG, Jetty at WARN (it logs its start at INFO).
        assertTrue(events.stream().anyMatch(e -> e.path("loggerName").asText().startsWith("org.pistream.web")
                && e.path("level").asText().equals("DEBUG")), "DEBUG lines of org.pistream.web");
        assertTrue(events.stream().noneMatch(e -> e.path("loggerName").asText().startsWith("org.eclipse.jetty")
                && e.path("level").asText().equals("INFO")), "no Jetty INFO lines");
        assertTrue(events.stream().noneMatch(e -> e.path("loggerName").asText().startsWith("org.pistream.core")
                && e.path("level").asText().equals("DEBUG")), "the rest of pi-stream stays at INFO");
        assertEquals("", Files.readString(stderr).strip(), "nothing on standard error");
    }

    @Test
    void badPistreamLogIsOneLineAndExitCodeTwo() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(ServerProcess.command("--camera", "test-pattern", "--port", "0"));
        pb.environment().put("PISTREAM_LOG", "org.pistream=loud");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        String err = new String(p.getErrorStream().readAllBytes());
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), out + err);
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("pi-stream: PISTREAM_LOG: "), err);
    }
}
