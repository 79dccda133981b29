package org.pistream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.pistream.core.settings.CameraSettings;
import org.pistream.core.settings.CameraSource;
import org.pistream.core.settings.KeyTable;
import org.pistream.core.settings.Settings;

/**
 * The camera kinds and the camera settings that mean the same for each: rpicam's command line, the
 * test pattern's size and rate, what a kind refuses, and camera-args that never leak to another program.
 */
class CameraKindSettingsTest {
    private static Settings load(Map<String, String> keys) {
        return SettingsLoader.load(SettingsLoader.config(keys, "test", CameraKindSettingsTest.class.getClassLoader()));
    }

    private static CameraSettings camera(Map<String, String> keys) {
        return load(keys).cameras().get(0);
    }

    private static String refusal(Map<String, String> keys) {
        String message = assertThrows(InvalidSettingException.class, () -> load(keys)).getMessage();
        assertTrue(!message.contains("\n"), "one line: " + message);
        return message;
    }

    @Test
    void rpicamRunsRpicamVidWithMjpegOnStdoutAndTheDefaultsSaidOutLoud() {
        CameraSettings camera = camera(Map.of("pistream.camera", "rpicam", "pistream.camera-cmd", "/opt/bin/rpicam-vid"));
        CameraSource.RpicamSource rpicam = (CameraSource.RpicamSource) camera.source();
        assertEquals(List.of("/opt/bin/rpicam-vid", "--codec", "mjpeg", "-o", "-", "-t", "0", "-n", "--camera", "0",
                "--width", "1280", "--height", "720", "--framerate", "30", "--quality", "50"), rpicam.command(camera));
        assertEquals("1280x720", camera.get(KeyTable.RESOLUTION));
        assertEquals(30, camera.get(KeyTable.FPS));
        assertEquals(50, camera.get(KeyTable.QUALITY));
    }

    @Test
    void rpicamMapsEverySettingToRpicamVidsOwnFlags() {
        CameraSettings camera = camera(Map.of("pistream.camera", "rpicam:1", "pistream.camera-cmd", "rpicam-vid",
                "pistream.resolution", "640x480", "pistream.fps", "15", "pistream.quality", "90", "pistream.rotation", "180",
                "pistream.hflip", "true", "pistream.vflip", "yes", "pistream.camera-args", "--autofocus-mode auto"));
        assertEquals(List.of("rpicam-vid", "--codec", "mjpeg", "-o", "-", "-t", "0", "-n", "--camera", "1",
                "--width", "640", "--height", "480", "--framerate", "15", "--quality", "90", "--rotation", "180",
                "--hflip", "--vflip", "--autofocus-mode", "auto"), ((CameraSource.RpicamSource) camera.source()).command(camera));
    }

    @Test
    void rpicamFindsItsProgramOnPath() {
        assertEquals("rpicam-vid", SettingsLoader.rpicamProgram("/nonexistent"), "none found: rpicam-vid, whose start says so");
        CameraSettings camera = camera(Map.of("pistream.camera", "rpicam"));
        String program = ((CameraSource.RpicamSource) camera.source()).program();
        assertTrue(program.equals("rpicam-vid") || program.equals("libcamera-vid"), program);
    }

    @Test
    void rpicamRunsOnlyRpicamVidOrLibcameraVid() {
        String message = refusal(Map.of("pistream.camera", "rpicam", "pistream.camera-cmd", "ffmpeg"));
        assertTrue(message.contains("pistream.camera-cmd") && message.contains("'ffmpeg'") && message.contains("rpicam-vid"), message);
        CameraSettings bullseye = camera(Map.of("pistream.camera", "rpicam", "pistream.camera-cmd", "/usr/bin/libcamera-vid"));
        assertEquals("/usr/bin/libcamera-vid", ((CameraSource.RpicamSource) bullseye.source()).program());
    }

    @Test
    void aNamedCameraMayBeRpicamWithItsOwnSettings() {
        Settings s = load(Map.of("pistream.camera.front", "rpicam:0", "pistream.camera.back", "rpicam:1",
                "pistream.camera.back.resolution", "640x480", "pistream.fps", "10"));
        CameraSettings back = s.cameras().get(0);
        assertEquals("back", back.name());
        assertEquals(1, ((CameraSource.RpicamSource) back.source()).index());
        assertEquals("640x480", back.get(KeyTable.RESOLUTION));
        assertEquals(10, back.get(KeyTable.FPS));
        assertEquals("1280x720", s.cameras().get(1).get(KeyTable.RESOLUTION));
        assertTrue(s.cameras().get(1).source() instanceof CameraSource.RpicamSource);
        assertEquals(new CameraSource.CommandSource(List.of("rpicam-vid-x")),
                load(Map.of("pistream.camera.x", "rpicam-vid-x")).cameras().get(0).source(), "a program whose name starts so is a command");
    }

    @Test
    void rotationBy90IsRefusedNamingKeyValueAndKind() {
        String message = refusal(Map.of("pistream.camera", "rpicam", "pistream.rotation", "90"));
        assertTrue(message.contains("pistream.rotation") && message.contains("'90'") && message.contains("rpicam"), message);
        message = refusal(Map.of("pistream.camera.a", "test-pattern", "pistream.camera.a.rotation", "270"));
        assertTrue(message.contains("pistream.camera.a.rotation") && message.contains("'270'") && message.contains("test-pattern"), message);
        assertTrue(refusal(Map.of("pistream.rotation", "45")).contains("must be 0, 90, 180 or 270"));
        assertTrue(refusal(Map.of("pistream.resolution", "big")).contains("WIDTHxHEIGHT"));
        assertTrue(refusal(Map.of("pistream.quality", "0")).contains("1 to 100"));
    }

    @Test
    void commandAndHttpCamerasRefuseTheSettingsInsteadOfIgnoringThem() {
        String message = refusal(Map.of("pistream.camera", "command", "pistream.resolution", "640x480"));
        assertTrue(message.contains("pistream.resolution") && message.contains("'640x480'") && message.contains("command camera")
                && message.contains("pistream.camera-args") && message.contains("rpicam"), message);
        message = refusal(Map.of("pistream.camera-url", "http://pi:8080/stream", "pistream.hflip", "true"));
        assertTrue(message.contains("pistream.hflip") && message.contains("http camera"), message);
        message = refusal(Map.of("pistream.camera.c", "ffmpeg -i x -f mjpeg -", "pistream.camera.c.fps", "5"));
        assertTrue(message.contains("pistream.camera.c.fps") && message.contains("'5'"), message);
        load(Map.of("pistream.camera-cmd", "ffmpeg", "pistream.rotation", "0", "pistream.hflip", "false")); // the defaults said out loud
    }

    @Test
    void theTestPatternTakesTheSettingsAndItsOwnSizeMustAgreeWithThem() {
        CameraSettings plain = camera(Map.of("pistream.camera", "test-pattern"));
        assertEquals(new CameraSource.TestPatternSource(640, 480, 30), plain.source());
        assertEquals(80, plain.get(KeyTable.QUALITY));
        CameraSettings set = camera(Map.of("pistream.camera", "test-pattern", "pistream.resolution", "320x240", "pistream.fps", "5",
                "pistream.quality", "40"));
        assertEquals(new CameraSource.TestPatternSource(320, 240, 5), set.source());
        assertEquals("320x240", set.get(KeyTable.RESOLUTION));
        assertEquals(new CameraSource.TestPatternSource(320, 240, 12),
                camera(Map.of("pistream.camera", "test-pattern:320x240", "pistream.fps", "12")).source());
        assertEquals(new CameraSource.TestPatternSource(320, 240, 12),
                camera(Map.of("pistream.camera", "test-pattern:320x240@12", "pistream.resolution", "320x240")).source(), "agree");
        String message = refusal(Map.of("pistream.camera", "test-pattern:320x240", "pistream.resolution", "640x480"));
        assertTrue(message.contains("pistream.resolution") && message.contains("test-pattern:320x240"), message);
        assertTrue(refusal(Map.of("pistream.camera", "test-pattern@5", "pistream.fps", "6")).contains("pistream.fps"));
        assertTrue(refusal(Map.of("pistream.camera", "test-pattern", "pistream.resolution", "8x8")).contains("16x16"));
    }

    @Test
    void theDefaultArgumentsAreRpicamVidsAndNeverLeakToAnotherProgram() {
        assertEquals(new CameraSource.CommandSource(List.of("ffmpeg")),
                camera(Map.of("pistream.camera-cmd", "ffmpeg")).source(), "no arguments given, none inherited");
        assertEquals(new CameraSource.CommandSource(List.of("ffmpeg", "-i", "x")),
                camera(Map.of("pistream.camera-cmd", "ffmpeg", "pistream.camera-args", "-i x")).source());
        List<String> rpicamDefaults = List.of("-t", "0", "-n", "--codec", "mjpeg", "--width", "1280", "--height", "720",
                "--framerate", "30", "-o", "-");
        for (String program : List.of("rpicam-vid", "/usr/bin/rpicam-vid", "libcamera-vid")) {
            List<String> expected = new java.util.ArrayList<>(List.of(program));
            expected.addAll(rpicamDefaults);
            assertEquals(new CameraSource.CommandSource(expected), camera(Map.of("pistream.camera-cmd", program)).source(), program);
        }
    }
}
