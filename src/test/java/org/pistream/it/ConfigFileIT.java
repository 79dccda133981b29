package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The launcher's {@code --config FILE} in a real process: where it ranks among the other sources,
 * and one line naming the file when it cannot be used.
 */
class ConfigFileIT {
    private static final Duration EXIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void fileSetsWhatNoFlagPropertyOrVariableSetsAndRanksBelowThem() throws Exception {
        Path file = dir.resolve("pi-stream.properties");
        Files.writeString(file, String.join("\n",
                "# the operator's file",
                "pistream.stats-interval=1",                  // only here: the file beats the default (30)
                "pistream.max-clients=6",                     // the environment says 7
                "pistream.camera=test-pattern:96x64@5",       // a system property says 80x60
                "pistream.address=192.0.2.1",                 // a flag says 127.0.0.1; this one could not be bound
                ""), StandardCharsets.UTF_8);
        try (ServerProcess server = ServerProcess.start(Map.of("PISTREAM_MAX_CLIENTS", "7"),
                List.of("-Dpistream.camera=test-pattern:80x60@5"), "--config", file.toString(), "--port", "0",
                "--address", "127.0.0.1")) {
            assertEquals("127.0.0.1", server.uri().getHost(), "flag beats file");
            JsonNode stats = Http.awaitStats(server.uri(), Duration.ofSeconds(10), s -> s.at("/camera/width").asInt() > 0);
            assertEquals(7, stats.at("/clients/max").asInt(), "environment beats file");
            assertEquals(80, stats.at("/camera/width").asInt(), "system property beats file");
            assertTrue(server.awaitOutput("Stats: camera", Duration.ofSeconds(5)), "file beats default:\n" + server.output());
            assertTrue(server.output().contains("Settings from " + file), server.output());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "missing file|-|cannot read config file FILE: no such file",
        "misspelt key|pistream.max-client=5|unknown key 'pistream.max-client' in config file FILE",
        "bad value|pistream.max-clients=-1|Invalid pistream.max-clients: must be a whole number from 1 to 100000, was: '-1' (in FILE)",
    })
    void unusableFileExitsWithOneLineNamingIt(String what, String content, String expected) throws Exception {
        Path file = dir.resolve("pi-stream.properties");
        if (!content.equals("-")) {
            Files.writeString(file, content + "\n", StandardCharsets.UTF_8);
        }
        ServerProcess.Result result = ServerProcess.run(EXIT, "--config", file.toString(), "--camera", "test-pattern");
        assertEquals(2, result.exitCode(), result.stdout() + result.stderr());
        List<String> lines = result.stderr().lines().toList();
        assertEquals(1, lines.size(), "one line: " + result.stderr());
        assertTrue(lines.get(0).startsWith("pi-stream: " + expected.replace("FILE", file.toString())), lines.get(0));
    }

    @Test
    void helpNamesTheFileAndTheOrderOfSources() throws Exception {
        ServerProcess.Result result = ServerProcess.run(EXIT, "--help");
        assertEquals(0, result.exitCode(), result.stderr());
        String help = result.stdout().replaceAll("\\s+", " ");
        assertTrue(help.contains("--config FILE"), help);
        assertTrue(help.contains("Highest priority first: flags, system properties, environment variables, the --config file,"
                + " the defaults shown below."), help);
    }
}
