package org.pistream.core.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pistream.core.settings.CameraSettings;
import org.pistream.core.settings.CameraSource;
import org.pistream.core.settings.Key;
import org.pistream.core.settings.KeyTable;
import org.pistream.core.settings.Values;

class CameraControlsTest {
    @TempDir
    Path dir;

    private static CameraSettings rpicam(Set<String> explicit) {
        Map<Key<?>, Object> values = new LinkedHashMap<>();
        values.put(KeyTable.RESOLUTION, "1280x720");
        values.put(KeyTable.FPS, 30);
        values.put(KeyTable.QUALITY, 50);
        values.put(KeyTable.ROTATION, 0);
        values.put(KeyTable.HFLIP, false);
        values.put(KeyTable.VFLIP, false);
        return new CameraSettings("default", new CameraSource.RpicamSource(0, "rpicam-vid", List.of()), new Values(values), explicit);
    }

    private record Restart(CameraSettings settings, List<String> arguments) {
    }

    @Test
    void aChangeIsCheckedWholeBeforeAnythingApplies() {
        CameraSettings start = rpicam(Set.of());
        CameraControls controls = new CameraControls(start, CameraControls.providerFor(start), new ControlStore(dir), "");
        List<Restart> restarts = new ArrayList<>();
        controls.restarter((s, a) -> restarts.add(new Restart(s, a)));
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("resolution", "640x480");
        change.put("brightness", 3);
        ControlException bad = assertThrows(ControlException.class, () -> controls.set(change, "t"));
        assertEquals("brightness: 3 is not allowed; must be a number from -1 to 1", bad.getMessage());
        change.put("brightness", 0.5);
        change.put("focus", 1);
        ControlException unknown = assertThrows(ControlException.class, () -> controls.set(change, "t"));
        assertEquals(ControlException.Reason.UNKNOWN, unknown.reason());
        assertTrue(unknown.getMessage().startsWith("no control 'focus' on this camera; it has: resolution, fps, quality,"),
                unknown.getMessage());
        assertEquals("1280x720", controls.settings().get(KeyTable.RESOLUTION));
        assertEquals(List.of(), restarts);
        assertTrue(Files.notExists(dir.resolve(ControlStore.FILE)), "nothing saved");
    }

    @Test
    void streamAndRpicamChangesRestartWithTheNewSettingsAndFlagsAndAreSaved() throws ControlException {
        CameraSettings start = rpicam(Set.of());
        ControlStore store = new ControlStore(dir);
        CameraControls controls = new CameraControls(start, CameraControls.providerFor(start), store, "");
        List<Restart> restarts = new ArrayList<>();
        controls.restarter((s, a) -> restarts.add(new Restart(s, a)));
        CameraControls.Change change = controls.set(Map.of("resolution", "640x480", "brightness", 0.5, "hflip", true), "t");
        assertTrue(change.restart());
        assertEquals(1, restarts.size());
        assertEquals("640x480", restarts.get(0).settings().get(KeyTable.RESOLUTION));
        assertEquals(true, restarts.get(0).settings().get(KeyTable.HFLIP));
        assertEquals(List.of("--brightness", "0.5"), restarts.get(0).arguments());
        List<String> command = ((CameraSource.RpicamSource) start.source()).command(restarts.get(0).settings());
        assertTrue(String.join(" ", command).contains("--width 640 --height 480"), command.toString());
        assertTrue(command.contains("--hflip"), command.toString());
        assertEquals(Map.of("default", Map.of("resolution", "640x480", "brightness", "0.5", "hflip", "true")), store.load());

        // The same values again: nothing changes, no restart.
        assertEquals(Map.of(), controls.set(Map.of("resolution", "640x480"), "t").changed());
        assertEquals(1, restarts.size());
        assertEquals(1, controls.changes());
    }

    @Test
    void savedValuesAreRestoredButExplicitConfigurationWins() throws ControlException {
        ControlStore store = new ControlStore(dir);
        store.save("default", Map.of("resolution", "640x480", "fps", "15", "ev", "-2", "gain", "99", "nonsense", "1"));
        CameraSettings start = rpicam(Set.of("fps"));
        CameraControls controls = new CameraControls(start, CameraControls.providerFor(start), store, "");
        CameraSettings restored = controls.restore(store.load().get("default"));
        assertEquals("640x480", restored.get(KeyTable.RESOLUTION));
        assertEquals(30, restored.get(KeyTable.FPS), "fps is configured explicitly: it wins");
        assertEquals(List.of("--ev", "-2"), controls.provider().arguments(), "gain 99 is out of range: dropped");
    }

    @Test
    void aCorruptStateFileIsIgnored() throws Exception {
        Files.write(dir.resolve(ControlStore.FILE), new byte[] {0, 1, 2, (byte) 0xff, '\n', 'x', '\\', 'u', 'z', 'z'});
        assertEquals(Map.of(), new ControlStore(dir).load());
        Files.writeString(dir.resolve(ControlStore.FILE), "just some words\n");
        assertEquals(Map.of(), new ControlStore(dir).load());
    }

    @Test
    void savingReplacesTheFileWhole() throws Exception {
        ControlStore store = new ControlStore(dir);
        store.save("a", Map.of("brightness", "0.5"));
        store.save("b", Map.of("fps", "10"));
        store.save("a", Map.of("ev", "1"));
        assertEquals(Map.of("a", Map.of("ev", "1"), "b", Map.of("fps", "10")), new ControlStore(dir).load());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(ControlStore.FILE), files.map(p -> p.getFileName().toString()).toList(), "no temporary file left");
        }
    }

    @Test
    void theTestPatternHasTheStreamSettingsAndItsSourceFollowsThem() throws ControlException {
        Map<Key<?>, Object> values = new LinkedHashMap<>();
        values.put(KeyTable.RESOLUTION, "640x480");
        values.put(KeyTable.FPS, 30);
        values.put(KeyTable.QUALITY, 80);
        values.put(KeyTable.ROTATION, 0);
        values.put(KeyTable.HFLIP, false);
        values.put(KeyTable.VFLIP, false);
        CameraSettings start = new CameraSettings("default", new CameraSource.TestPatternSource(640, 480, 30), new Values(values));
        CameraControls controls = new CameraControls(start, CameraControls.providerFor(start), new ControlStore(null), "");
        assertEquals(List.of("resolution", "fps", "quality", "rotation", "hflip", "vflip"),
                controls.list().stream().map(Control::name).toList());
        controls.set(Map.of("resolution", "320x240", "fps", 10, "rotation", 180), "t");
        assertEquals(new CameraSource.TestPatternSource(320, 240, 10), controls.settings().source());
        assertEquals(180, controls.settings().get(KeyTable.ROTATION));
        assertEquals("rotation: 90 is not allowed; must be one of 0 (0°), 180 (180°)",
                assertThrows(ControlException.class, () -> controls.set(Map.of("rotation", 90), "t")).getMessage());
    }
}
