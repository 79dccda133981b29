package org.pistream.core.settings;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The key table: names, defaults, what a named camera may set, and the values shown and printed. */
class KeyTableTest {
    private static final KeyTable TABLE = KeyTable.standard();

    @Test
    void aKeysNameIsItsFlagItsConfigKeyAndItsEnvironmentVariable() {
        assertEquals("--max-clients-per-address", KeyTable.MAX_CLIENTS_PER_ADDRESS.flagName());
        assertEquals("pistream.max-clients-per-address", KeyTable.MAX_CLIENTS_PER_ADDRESS.configKey());
        assertEquals("PISTREAM_MAX_CLIENTS_PER_ADDRESS", KeyTable.MAX_CLIENTS_PER_ADDRESS.envName());
        assertNull(KeyTable.TLS_KEYSTORE_PASSWORD.flagName(), "a secret without a flag: it would show in ps");
        assertThrows(IllegalArgumentException.class, () -> Key.integer("Max_Clients", 1, 0, 2, "bad name"));
    }

    @Test
    void everyDefaultIsAValidValue() {
        for (Key<?> key : TABLE.keys()) {
            if (key.defaultValue() != null) {
                assertDoesNotThrow(() -> key.parse(key.defaultValue()), key.name());
            } else {
                assertFalse(key.isRequired(), key.name() + " is required but has no default");
            }
        }
        assertEquals("8080", TABLE.defaults().get("pistream.port"));
        assertEquals("", TABLE.defaults().get("pistream.camera-url"), "no default: empty, which MicroProfile Config reads as unset");
        assertEquals(TABLE.keys().size(), TABLE.defaults().size());
    }

    @Test
    void valuesAreCheckedWithTheRequirementInTheMessage() {
        assertEquals(1024, KeyTable.BUFFER_SIZE.parse(" 1024 "));
        assertEquals("must be a whole number from 1 to 1024",
                assertThrows(IllegalArgumentException.class, () -> KeyTable.BUFFER_SIZE.parse("1025")).getMessage());
        assertEquals(true, KeyTable.VERBOSE.parse("Yes"));
        assertEquals("must be true or false", assertThrows(IllegalArgumentException.class, () -> KeyTable.VERBOSE.parse("maybe")).getMessage());
        assertEquals("debug", KeyTable.LOG_LEVEL.parse("DEBUG"));
        assertEquals("0.0.0.0", KeyTable.ADDRESS.parse(" 0.0.0.0 "));
        assertThrows(IllegalArgumentException.class, () -> KeyTable.ADDRESS.parse("  "));
        assertEquals(" -o - ", KeyTable.CAMERA_ARGS.parse(" -o - "), "text keeps its blanks for the code that reads it");
    }

    @Test
    void namedCameraKeysAreTheSourceAndThePerCameraKeys() {
        assertEquals("front", TABLE.namedCamera("pistream.camera.front"));
        assertEquals("front", TABLE.namedCamera("pistream.camera.front.max-clients"));
        assertEquals("front", TABLE.namedCamera("pistream.camera.front.camera-password"));
        assertNull(TABLE.namedCamera("pistream.camera.front.port"), "the port is the server's");
        assertNull(TABLE.namedCamera("pistream.camera.-x"));
        assertNull(TABLE.namedCamera("pistream.camera-cmd"));
        assertTrue(TABLE.isKnown("pistream.tls-keystore-password"));
        assertFalse(TABLE.isKnown("pistream.max-client"));
        assertEquals(List.of("max-clients", "buffer-size", "camera-user", "camera-password", "camera-timeout", "idle-stop",
                "warmup-frames", "verify-frames", "resolution", "fps", "quality", "rotation", "hflip", "vflip", "max-frame-size"),
                TABLE.keys().stream().filter(Key::isPerCamera).map(Key::name).toList());
    }

    @Test
    void aKeyIsDeclaredOnce() {
        assertThrows(IllegalArgumentException.class, () -> TABLE.with(Key.integer("port", 1, 0, 2, "again")));
        Key<String> extra = Key.text("extra", null, "a test's key");
        assertEquals(extra, TABLE.with(extra).find("extra"));
        assertNull(TABLE.find("extra"), "with() leaves the standard table alone");
    }

    @Test
    void statsShowTheSameKeysAsBeforeWithTheCamerasOwnValues() {
        Settings settings = settings(Map.of(KeyTable.MAX_CLIENTS, 40, KeyTable.CAMERA_PASSWORD, "hunter2"));
        CameraSettings front = new CameraSettings("front", new CameraSource.TestPatternSource(64, 48, 5),
                cameraValues(Map.of(KeyTable.MAX_CLIENTS, 3)));
        Map<String, Object> shown = settings.shown(front);
        assertEquals(Set.of("port", "address", "max-clients", "buffer-size", "stats-interval", "camera", "camera-timeout",
                "idle-stop", "warmup-frames", "verify-frames", "resolution", "fps", "quality", "rotation", "hflip", "vflip", "log-level",
                "verbose", "log-format", "max-frame-size", "snapshot-timeout"), shown.keySet());
        assertEquals(3, shown.get("max-clients"));
        assertEquals("test-pattern:64x48@5", shown.get("camera"));
        assertEquals(false, shown.get("verbose"));
        assertEquals(5, shown.get("snapshot-timeout"));
    }

    @Test
    void printedSettingsMaskSecretsAndCredentials() {
        Settings settings = settings(Map.of(KeyTable.CAMERA_PASSWORD, "hunter2", KeyTable.CAMERA_URL, "http://u:pw123@cam/stream",
                KeyTable.CAMERA_ARGS, "-i rtsp://admin:letmein@cam/ --token abc"));
        String text = settings.toString();
        assertTrue(text.startsWith("Settings["), text);
        for (String secret : List.of("hunter2", "pw123", "letmein", "abc")) {
            assertFalse(text.contains(secret), secret + " in " + text);
        }
    }

    /** The server's settings with the defaults but for {@code changed}, and the unnamed camera. */
    private static Settings settings(Map<Key<?>, Object> changed) {
        CameraSettings camera = new CameraSettings(Settings.UNNAMED, new CameraSource.CommandSource(List.of("rpicam-vid")),
                cameraValues(Map.of()));
        return new Settings(values(TABLE.keys(), changed), null, null, List.of(), List.of(camera), Settings.UNNAMED);
    }

    private static Values cameraValues(Map<Key<?>, Object> changed) {
        return values(TABLE.keys().stream().filter(Key::isPerCamera).toList(), changed);
    }

    /** Each of {@code keys} with its value from {@code changed}, else its default. */
    private static Values values(List<Key<?>> keys, Map<Key<?>, Object> changed) {
        Map<Key<?>, Object> values = new LinkedHashMap<>();
        for (Key<?> key : keys) {
            values.put(key, changed.containsKey(key) ? changed.get(key) : key.defaultValue() == null ? null : key.parse(key.defaultValue()));
        }
        return new Values(values);
    }
}
