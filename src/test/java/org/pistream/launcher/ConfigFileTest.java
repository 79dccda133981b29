package org.pistream.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pistream.core.settings.CameraSource;
import org.pistream.core.settings.KeyTable;
import org.pistream.core.settings.CameraSettings;
import org.pistream.core.settings.Settings;
import org.pistream.web.SettingsLoader;

/**
 * The {@code --config} file: the shipped {@code /etc/pi-stream/pi-stream.properties} lists every
 * setting with its default, a file is checked key by key, and it ranks below flags and system
 * properties but above the bundled defaults (the environment is checked with real processes in
 * {@code ConfigFileIT}).
 */
class ConfigFileTest {
    private static final Path SHIPPED = Path.of("packaging", "etc", "pi-stream.properties");

    @TempDir
    Path dir;

    @Test
    void shippedFileListsEverySettingCommentedOutWithItsDefault() throws IOException {
        Map<String, String> commented = new TreeMap<>();
        for (String line : Files.readAllLines(SHIPPED, StandardCharsets.UTF_8)) {
            assertTrue(line.isEmpty() || line.startsWith("#"), "the shipped file sets nothing, only shows: " + line);
            if (line.startsWith("#pistream.")) {
                int eq = line.indexOf('=');
                commented.put(line.substring(1, eq), line.substring(eq + 1));
            }
        }
        assertEquals(new TreeMap<>(KeyTable.standard().defaults()), commented, "every key of the table, with its default");
    }

    @Test
    void shippedFileUncommentedIsAValidConfigFileWithTheDefaults() throws Exception {
        StringBuilder uncommented = new StringBuilder();
        for (String line : Files.readAllLines(SHIPPED, StandardCharsets.UTF_8)) {
            uncommented.append(line.startsWith("#pistream.") ? line.substring(1) : line).append('\n');
        }
        Path file = write(uncommented.toString());
        ConfigSource source = ConfigFile.read(file);
        Settings fromFile = SettingsLoader.load(SettingsLoader.config(Map.of(), "flags", List.of(source), loader()));
        Settings builtIn = SettingsLoader.load(SettingsLoader.config(Map.of(), "flags", loader()));
        assertEquals(builtIn, withoutExplicit(fromFile));
        // The file gives rotation and the flips explicitly (saved control values do not replace them, once a camera
        // is found to apply them to); the defaults give nothing explicitly.
        assertEquals(Set.of(), builtIn.cameras().get(0).explicit());
        assertEquals(SettingsLoader.CONFIG_FILE_ORDINAL, source.getOrdinal());
    }

    @Test
    void fileOutranksDefaultsAndFlagsOutrankFile() throws Exception {
        Path file = write("pistream.max-clients=6\npistream.buffer-size=7\npistream.camera=test-pattern:96x64@5\n");
        List<ConfigSource> files = List.of(ConfigFile.read(file));
        Settings settings = SettingsLoader.load(SettingsLoader.config(Map.of("pistream.buffer-size", "9"), "flags", files, loader()));
        assertEquals(6, settings.get(KeyTable.MAX_CLIENTS), "file beats the bundled default");
        assertEquals(9, settings.get(KeyTable.BUFFER_SIZE), "flag beats the file");
        assertEquals(new CameraSource.TestPatternSource(96, 64, 5), settings.cameras().get(0).source());
    }

    @Test
    void systemPropertyOutranksFile() throws Exception {
        Path file = write("pistream.max-clients=6\n");
        System.setProperty("pistream.max-clients", "8");
        try {
            Settings settings = SettingsLoader.load(SettingsLoader.config(Map.of(), "flags", List.of(ConfigFile.read(file)), loader()));
            assertEquals(8, settings.cameras().get(0).maxClients());
        } finally {
            System.clearProperty("pistream.max-clients");
        }
    }

    @Test
    void unknownKeyIsRefusedNamingKeyAndFile() throws Exception {
        Path file = write("pistream.max-client=6\n");
        ConfigFile.UnusableException e = assertThrows(ConfigFile.UnusableException.class, () -> ConfigFile.read(file));
        assertTrue(e.getMessage().contains("'pistream.max-client'") && e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void missingUnreadableAndNonUtf8FilesAreNamed() throws Exception {
        Path missing = dir.resolve("nope.properties");
        assertEquals("cannot read config file " + missing + ": no such file",
                assertThrows(ConfigFile.UnusableException.class, () -> ConfigFile.read(missing)).getMessage());
        assertEquals("cannot read config file " + dir + ": is a directory",
                assertThrows(ConfigFile.UnusableException.class, () -> ConfigFile.read(dir)).getMessage());
        Path latin1 = dir.resolve("latin1.properties");
        Files.write(latin1, "pistream.camera-cmd=c\u00e4m\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("cannot read config file " + latin1 + ": not UTF-8 text",
                assertThrows(ConfigFile.UnusableException.class, () -> ConfigFile.read(latin1)).getMessage());
    }

    private Path write(String text) throws IOException {
        Path file = Files.createTempFile(dir, "pi-stream", ".properties");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private static ClassLoader loader() {
        return ConfigFileTest.class.getClassLoader();
    }

    private static Settings withoutExplicit(Settings s) {
        List<CameraSettings> cameras = s.cameras().stream().map(c -> new CameraSettings(c.name(), c.source(), c.values())).toList();
        return new Settings(s.values(), s.auth(), s.tls(), s.allowedOrigins(), cameras, s.defaultCamera());
    }
}
