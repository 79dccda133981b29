package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The launcher's command line: errors, help, and where settings come from. */
class LauncherFlagsIT {
    private static final Duration EXIT = Duration.ofSeconds(30);

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "--port|abc|pistream.port",
        "--port|70000|pistream.port",
        "--max-clients|-3|pistream.max-clients",
        "--buffer-size|0|pistream.buffer-size",
        "--stats-interval|soon|pistream.stats-interval",
        "--camera|webcam|pistream.camera",
        "--camera-args|-t 0 'unbalanced|pistream.camera-args",
        "--log-level|loud|pistream.log-level",
        "--log-format|xml|pistream.log-format",
        "--camera-url|ftp://pi/stream|pistream.camera-url",
        "--camera-url|http://pi:80:80/x y|pistream.camera-url",
        "--bogus|x|--bogus",
    })
    void badFlagExitsNonZeroWithOneLineNamingIt(String flag, String value, String named) throws Exception {
        ServerProcess.Result result = ServerProcess.run(EXIT, flag, value);
        assertEquals(2, result.exitCode(), result.stdout() + result.stderr());
        List<String> lines = result.stderr().lines().toList();
        assertEquals(1, lines.size(), "one line expected: " + result.stderr());
        assertTrue(lines.get(0).startsWith("pi-stream: "), lines.get(0));
        assertTrue(lines.get(0).contains(named), lines.get(0));
        assertEquals("", result.stdout());
    }

    @Test
    void missingFlagValueIsOneLine() throws Exception {
        ServerProcess.Result result = ServerProcess.run(EXIT, "--camera-args");
        assertEquals(2, result.exitCode());
        assertEquals(1, result.stderr().lines().count(), result.stderr());
        assertTrue(result.stderr().contains("--camera-args"), result.stderr());
    }

    @Test
    void helpListsEveryFlagWithItsDefault() throws Exception {
        ServerProcess.Result result = ServerProcess.run(EXIT, "--help");
        assertEquals(0, result.exitCode(), result.stderr());
        String help = result.stdout();
        for (String expected : List.of("--port VALUE", "(default: 8080)", "--address", "(default: 0.0.0.0)",
                "--max-clients", "(default: 100)", "--buffer-size", "(default: 32)", "--stats-interval", "(default: 30)",
                "--camera-cmd", "(default: rpicam-vid)", "--camera-args", "--codec mjpeg", "--log-level", "(default: info)",
                "--verbose", "--log-format", "(default: text)", "PISTREAM_LOG", "/metrics", "/healthz", "--camera ", "test-pattern")) {
            assertTrue(help.contains(expected), "help lacks '" + expected + "':\n" + help);
        }
    }

    @Test
    void portInUseIsOneClearLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ServerProcess.Result result = ServerProcess.run(EXIT, "--camera", "test-pattern", "--address", "127.0.0.1",
                    "--port", String.valueOf(taken.getLocalPort()));
            assertEquals(1, result.exitCode(), result.stdout() + result.stderr());
            assertTrue(result.stderr().contains("Port " + taken.getLocalPort() + " already in use"), result.stderr());
            assertEquals(1, result.stderr().lines().count(), result.stderr());
        }
    }

    @Test
    void environmentAndSystemPropertiesConfigureAndFlagsOutrankThem() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of("PISTREAM_MAX_CLIENTS", "7", "PISTREAM_BUFFER_SIZE", "9"),
                List.of("-Dpistream.buffer-size=5"), "--camera", "test-pattern:64x48@5", "--port", "0", "--address", "127.0.0.1")) {
            assertEquals(7, Http.stats(server.uri()).at("/clients/max").asInt(), "environment variable");
        }
        try (ServerProcess server = ServerProcess.start(Map.of("PISTREAM_MAX_CLIENTS", "7"),
                List.of("-Dpistream.max-clients=8"), "--camera", "test-pattern:64x48@5", "--port", "0", "--address", "127.0.0.1")) {
            assertEquals(8, Http.stats(server.uri()).at("/clients/max").asInt(), "system property beats environment");
        }
        try (ServerProcess server = ServerProcess.start(Map.of("PISTREAM_MAX_CLIENTS", "7"),
                List.of("-Dpistream.max-clients=8"), "--camera", "test-pattern:64x48@5", "--port", "0", "--address", "127.0.0.1",
                "--max-clients", "9")) {
            assertEquals(9, Http.stats(server.uri()).at("/clients/max").asInt(), "flag beats both");
        }
    }

    @Test
    void logLevelWarnHidesInfoLines() throws Exception {
        try (ServerProcess server = ServerProcess.startQuiet("--camera", "test-pattern:64x48@5", "--log-level", "warn")) {
            try (MjpegClient client = MjpegClient.open(server.uri(), "/stream")) {
                client.readPart();
            }
            server.stop();
            assertTrue(server.lines().stream().noneMatch(l -> l.contains(" INFO ")), server.output());
        }
    }

    @Test
    void verboseShowsDebugLinesOfPiStream() throws Exception {
        try (ServerProcess server = ServerProcess.start("--camera", "test-pattern:64x48@5", "--verbose", "--port", "0",
                "--address", "127.0.0.1")) {
            assertTrue(server.awaitOutput("DEBUG", Duration.ofSeconds(5)), server.output());
            assertTrue(server.output().contains("Settings: Settings["), server.output());
            assertTrue(server.lines().stream().noneMatch(l -> l.contains("DEBUG") && l.contains("o.e.j")),
                    "Jetty stays at INFO: " + server.output());
        }
    }

    @Test
    void statsIntervalLogsOneLineWithTheNumbers() throws Exception {
        try (ServerProcess server = ServerProcess.start("--camera", "test-pattern:64x48@10", "--stats-interval", "1",
                "--port", "0", "--address", "127.0.0.1")) {
            assertTrue(server.awaitOutput("Stats: camera streaming", Duration.ofSeconds(5)), server.output());
            String line = server.lines().stream().filter(l -> l.contains("Stats: camera")).findFirst().orElseThrow();
            assertTrue(line.matches(".*fps in, .* fps out, \\d+/100 clients, \\d+ dropped, \\d+ restarts, .* MB out.*"), line);
        }
    }

    @Test
    void flagsTakeTheirValueAfterAnEqualsSignToo() throws Exception {
        try (ServerProcess server = ServerProcess.start("--camera=test-pattern:64x48@5", "--port=0", "--address=127.0.0.1",
                "--max-clients=9", "--camera-args=-o x=y")) {
            assertEquals(9, Http.stats(server.uri()).at("/clients/max").asInt());
            assertEquals("test-pattern:64x48@5", Http.stats(server.uri()).at("/server/config/camera").asText());
        }
    }
}
