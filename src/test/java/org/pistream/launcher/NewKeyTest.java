package org.pistream.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.eclipse.jetty.server.Server;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pistream.core.settings.Key;
import org.pistream.core.settings.KeyTable;
import org.pistream.core.settings.Settings;
import org.pistream.web.InvalidSettingException;
import org.pistream.web.SettingsLoader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.config.EnvConfigSource;

/**
 * A key added to the table, and nothing else, is a flag, a config key with an environment name,
 * a {@code --config} file key, a line of {@code --help}, a checked value, a named camera's own
 * setting and a value in {@code /stats} config.
 */
class NewKeyTest {
    private static final Key<Integer> FROBS = Key.integer("frob-count", 3, 1, 9, "frobs per frame (a test's key)").perCamera().shown();
    private static final KeyTable TABLE = KeyTable.standard().with(FROBS);

    @TempDir
    Path dir;

    private static Settings load(Map<String, String> flags, List<ConfigSource> sources) {
        return SettingsLoader.load(TABLE, SettingsLoader.config(TABLE, flags, "flags", sources, NewKeyTest.class.getClassLoader()));
    }

    @Test
    void itIsAFlagWithHelpAndADefault() {
        LauncherOptions options = new LauncherOptions(TABLE);
        options.parse("--frob-count=5");
        assertEquals(Map.of("pistream.frob-count", "5"), options.toConfig());
        String help = Help.text(options);
        assertTrue(help.contains("--frob-count VALUE") && help.contains("frobs per frame (a test's key) (default: 3)"), help);
        assertTrue(help.contains("vflip, max-frame-size, frob-count."), "a named camera may set it: " + help);
        assertEquals(3, load(Map.of(), List.of()).get(FROBS), "the default");
        assertEquals(5, load(options.toConfig(), List.of()).get(FROBS));
    }

    @Test
    void itIsAnEnvironmentVariableAndAConfigFileKey() throws Exception {
        assertEquals("PISTREAM_FROB_COUNT", FROBS.envName());
        ConfigSource env = new EnvConfigSource(Map.of("PISTREAM_FROB_COUNT", "7"), EnvConfigSource.ORDINAL);
        assertEquals(7, load(Map.of(), List.of(env)).get(FROBS));

        Path file = dir.resolve("pi-stream.properties");
        Files.writeString(file, "pistream.frob-count=4\npistream.camera.front=test-pattern\npistream.camera.front.frob-count=2\n",
                StandardCharsets.UTF_8);
        ConfigSource fromFile = ConfigFile.read(TABLE, file);
        Settings settings = load(Map.of(), List.of(fromFile));
        assertEquals(4, settings.get(FROBS));
        assertEquals(2, settings.cameras().get(0).get(FROBS), "a named camera's own value");
        assertThrows(ConfigFile.UnusableException.class, () -> ConfigFile.read(KeyTable.standard(), file),
                "the standard table does not know it");
    }

    @Test
    void aBadValueNamesTheKeyAndTheValue() {
        InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> load(Map.of("pistream.frob-count", "12"), List.of()));
        assertEquals("Invalid pistream.frob-count: must be a whole number from 1 to 9, was: '12'", e.getMessage());
    }

    @Test
    void itIsInStatsConfig() throws Exception {
        Settings settings = load(Map.of("pistream.camera", "test-pattern:64x48@5", "pistream.port", "0",
                "pistream.address", "127.0.0.1", "pistream.stats-interval", "0", "pistream.frob-count", "6"), List.of());
        Server server = EmbeddedServer.create(settings);
        server.start();
        try {
            HttpResponse<String> stats = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(EmbeddedServer.uri(server).resolve("/stats")).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode config = new ObjectMapper().readTree(stats.body()).at("/server/config");
            assertEquals(6, config.path("frob-count").asInt(), config.toString());
            assertEquals("test-pattern:64x48@5", config.path("camera").asText());
            assertEquals(100, config.path("max-clients").asInt());
        } finally {
            EmbeddedServer.stop(server);
        }
    }
}
