package org.pistream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.pistream.core.settings.CameraSettings;
import org.pistream.core.settings.CameraSource;
import org.pistream.core.settings.KeyTable;
import org.pistream.core.settings.Settings;

/** Named cameras as {@link SettingsLoader} reads them: sources, order, own limits, the default, refusals. */
class NamedCameraSettingsTest {
    private static Settings load(Map<String, String> keys) {
        return SettingsLoader.load(SettingsLoader.config(keys, "test", NamedCameraSettingsTest.class.getClassLoader()));
    }

    private static InvalidSettingException refused(Map<String, String> keys) {
        return assertThrows(InvalidSettingException.class, () -> load(keys));
    }

    @Test
    void noNamedCamerasIsTheSingleUnnamedCamera() {
        Settings s = load(Map.of("pistream.camera", "command"));
        assertEquals(List.of(Settings.UNNAMED), s.cameras().stream().map(CameraSettings::name).toList());
        assertEquals(Settings.UNNAMED, s.defaultCamera());
        assertFalse(s.namesCameras());
        assertEquals(new CameraSource.CommandSource(List.of("rpicam-vid", "-t", "0", "-n", "--codec", "mjpeg", "--width", "1280",
                "--height", "720", "--framerate", "30", "-o", "-")), s.cameras().get(0).source());
    }

    @Test
    void eachSourceKindIsRecognisedAndTheFirstListedIsTheDefault() {
        Settings s = load(Map.of("pistream.cameras", "pond, door",
                "pistream.camera.door", "http://admin:secret@door.local:8080/stream",
                "pistream.camera.pond", "test-pattern:320x240@5",
                "pistream.camera.garage", "ffmpeg -f v4l2 -i '/dev/video 2' -c:v copy -f mjpeg -"));
        assertEquals(List.of("pond", "door", "garage"), s.cameras().stream().map(CameraSettings::name).toList(),
                "listed ones in their order, then the others by name");
        assertEquals("pond", s.defaultCamera());
        assertEquals(new CameraSource.TestPatternSource(320, 240, 5), s.cameras().get(0).source());
        CameraSource.HttpSource door = (CameraSource.HttpSource) s.cameras().get(1).source();
        assertEquals("http://door.local:8080/stream", door.uri().toString());
        assertEquals("admin", door.user());
        assertEquals("secret", door.password());
        assertFalse(s.toString().contains("secret"), s.toString());
        assertEquals(new CameraSource.CommandSource(List.of("ffmpeg", "-f", "v4l2", "-i", "/dev/video 2", "-c:v", "copy", "-f",
                "mjpeg", "-")), s.cameras().get(2).source());
    }

    @Test
    void aCameraHasTheServersLimitsUnlessItSetsItsOwn() {
        Settings s = load(Map.of("pistream.max-clients", "40", "pistream.idle-stop", "60",
                "pistream.camera.a", "test-pattern", "pistream.camera.b", "test-pattern",
                "pistream.camera.b.max-clients", "3", "pistream.camera.b.buffer-size", "4", "pistream.camera.b.idle-stop", "0"));
        CameraSettings a = s.cameras().get(0);
        CameraSettings b = s.cameras().get(1);
        assertEquals(40, a.maxClients());
        assertEquals(60, a.idleStopSeconds());
        assertEquals(3, b.maxClients());
        assertEquals(4, b.bufferSize());
        assertEquals(0, b.idleStopSeconds());
        assertFalse(b.values().has(KeyTable.MAX_CONNECTIONS), "connection limits are the server's");
        assertEquals(3, s.shown(b).get("max-clients"), "/stats shows the camera's own value");
        assertEquals(40, s.shown(a).get("max-clients"));
    }

    @Test
    void anUnnamedCameraConfiguredOnPurposeStaysTheDefault() {
        Settings s = load(Map.of("pistream.camera", "test-pattern", "pistream.camera.usb", "test-pattern:160x120"));
        assertEquals(Settings.UNNAMED, s.defaultCamera(), "the unnamed camera keeps /stream");
        assertEquals(List.of(Settings.UNNAMED, "usb"), s.cameras().stream().map(CameraSettings::name).toList());
        assertTrue(s.cameraDescription().startsWith("default=test-pattern"), s.cameraDescription());
    }

    @Test
    void badNamesSourcesAndLimitsNameTheirKey() {
        assertEquals("pistream.cameras", refused(Map.of("pistream.cameras", "front,../x")).key());
        assertEquals("pistream.camera.default", refused(Map.of("pistream.camera.default", "test-pattern")).key());
        assertEquals("pistream.camera.front", refused(Map.of("pistream.cameras", "front")).key(), "listed but never set");
        assertEquals("pistream.camera.front", refused(Map.of("pistream.camera.front", " ")).key());
        assertEquals("pistream.camera.front", refused(Map.of("pistream.camera.front", "test-pattern:9x9")).key());
        assertEquals("pistream.camera.front", refused(Map.of("pistream.camera.front", "http://")).key());
        assertEquals("pistream.camera.front.buffer-size",
                refused(Map.of("pistream.camera.front", "test-pattern", "pistream.camera.front.buffer-size", "0")).key());
    }
}
