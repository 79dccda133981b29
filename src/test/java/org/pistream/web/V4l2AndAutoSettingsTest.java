package org.pistream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pistream.core.settings.CameraSettings;
import org.pistream.core.settings.CameraSource;
import org.pistream.core.settings.KeyTable;
import org.pistream.core.settings.Settings;
import org.pistream.core.source.detect.CameraDetector;
import org.pistream.core.source.detect.V4l2StandIn;
import org.pistream.it.ExternalTools;

/**
 * The {@code v4l2:DEVICE} kind and {@code camera=auto} as the settings loader builds them, asking the strict
 * v4l2-ctl stand-in ({@code src/test/standins}) about fake webcams made of real {@code --list-formats-ext}
 * outputs, and the real rpicam-hello (rpicam-apps v1.13.0 on libcamera's virtual camera) about Pi cameras.
 */
class V4l2AndAutoSettingsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;
    private V4l2StandIn standIn;

    @BeforeEach
    void webcams() throws IOException {
        ExternalTools.require("bash");
        // /dev/video0: a laptop's UVC webcam with MJPG and YUYV; /dev/video2: a camera listing only YUYV (the real
        // first part of a C920's listing by an old v4l-utils, which the report cut after YUYV), on an earlier USB port.
        standIn = new V4l2StandIn(tmp.resolve("v4l2"))
                .card("usb-0000:01:00.0-1.4", "Integrated_Webcam_HD: Integrate", "/dev/video0", "/dev/video1", "/dev/media0")
                .node("video0", "v4l2-formats-integrated-webcam.txt", null)
                .node("video1", "v4l2-formats-metadata-node.txt", null)
                .card("usb-0000:01:00.0-1.2", "HD Pro Webcam C920", "/dev/video2", "/dev/video3", "/dev/media1")
                .node("video2", "v4l2-formats-c920-old-layout.txt", null)
                .node("video3", "v4l2-formats-metadata-node.txt", null)
                .write();
    }

    /** v4l2-ctl from the stand-in only (no rpicam-hello): a machine with the webcams above and no Pi camera. */
    private CameraLookup webcamsOnly() {
        return new CameraLookup(new CameraDetector(List.of(V4l2StandIn.DIR), tmp.resolve("no-by-id"), TIMEOUT)
                .withEnvironment(Map.of("V4L2_STANDIN_DIR", standIn.root().toString())));
    }

    private static Settings load(CameraLookup lookup, String... keyValues) {
        Map<String, String> keys = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            keys.put(keyValues[i], keyValues[i + 1]);
        }
        return SettingsLoader.load(KeyTable.standard(), SettingsLoader.config(keys, "test", V4l2AndAutoSettingsTest.class.getClassLoader()),
                lookup);
    }

    private CameraSettings camera(String... keyValues) {
        return load(webcamsOnly(), keyValues).cameras().get(0);
    }

    private String refusal(String... keyValues) {
        String message = assertThrows(InvalidSettingException.class, () -> load(webcamsOnly(), keyValues)).getMessage();
        assertTrue(!message.contains("\n"), "one line: " + message);
        return message;
    }

    @Test
    void anMjpegWebcamIsPassedThroughByV4l2CtlInTheModeNearestToTheAsked() {
        CameraSettings camera = camera("pistream.camera", "v4l2:/dev/video0", "pistream.resolution", "1280x720", "pistream.fps", "30");
        CameraSource.V4l2Source v4l2 = (CameraSource.V4l2Source) camera.source();
        assertEquals(List.of("v4l2-ctl", "-d", "/dev/video0", "--set-fmt-video=width=1280,height=720,pixelformat=MJPG",
                "--set-parm=30", "--stream-mmap", "--stream-to=-"), v4l2.command(camera));
        assertEquals("asked 1280x720@30, using 1280x720@30 MJPG (exactly as asked), passed through", v4l2.reason());
        assertNull(camera.get(KeyTable.QUALITY), "the camera's own quality");

        // 1000x560 is not offered: the nearest MJPG size is 960x540 (MJPG before YUYV, even at another size).
        CameraSettings nearest = camera("pistream.camera", "v4l2:/dev/video0", "pistream.resolution", "1000x560", "pistream.fps", "60");
        CameraSource.V4l2Source chosen = (CameraSource.V4l2Source) nearest.source();
        assertEquals("MJPG 960x540@30", chosen.pixelFormat() + " " + chosen.width() + "x" + chosen.height() + "@" + chosen.fpsText());
        assertEquals("asked 1000x560@60, using 960x540@30 MJPG (nearest size the camera offers), passed through", chosen.reason());
        assertEquals("960x540", nearest.get(KeyTable.RESOLUTION), "/stats shows what the camera was asked for");
        assertEquals(30, nearest.get(KeyTable.FPS));
        assertEquals("v4l2:/dev/video0 (MJPG 960x540@30)", chosen.description());
    }

    @Test
    void aYuyvOnlyWebcamIsEncodedByFfmpegWithQualityAndFlipsInOnePipeline() {
        CameraSettings camera = camera("pistream.camera", "v4l2:/dev/video2", "pistream.resolution", "640x480", "pistream.fps", "15",
                "pistream.quality", "100", "pistream.rotation", "180", "pistream.hflip", "true");
        CameraSource.V4l2Source v4l2 = (CameraSource.V4l2Source) camera.source();
        assertEquals("YUYV", v4l2.pixelFormat());
        assertEquals(List.of("sh", "-c", "v4l2-ctl -d /dev/video2 --set-fmt-video=width=640,height=480,pixelformat=YUYV --set-parm=15"
                + " --stream-mmap --stream-to=- | exec ffmpeg -hide_banner -nostdin -loglevel error -f rawvideo -pix_fmt yuyv422"
                + " -video_size 640x480 -framerate 15 -i - -vf vflip -c:v mjpeg -pix_fmt yuvj422p -q:v 2 -f mjpeg -"),
                v4l2.command(camera), "a half turn and a mirror: upside down only");
        assertEquals(80, camera("pistream.camera", "v4l2:/dev/video2").get(KeyTable.QUALITY), "the default quality said out loud");
        assertEquals(List.of(2, 8, 17, 31), List.of(CameraSource.V4l2Source.ffmpegQ(100), CameraSource.V4l2Source.ffmpegQ(80),
                CameraSource.V4l2Source.ffmpegQ(50), CameraSource.V4l2Source.ffmpegQ(1)));
    }

    @Test
    void whatPassingJpegThroughCannotDoIsRefusedNamingKeyValueAndKind() {
        String quality = refusal("pistream.camera", "v4l2:/dev/video0", "pistream.quality", "70");
        assertTrue(quality.startsWith("Invalid pistream.quality: the v4l2 camera /dev/video0 sends its own JPEG frames"), quality);
        assertTrue(quality.endsWith(", was: '70'"), quality);
        assertTrue(refusal("pistream.camera", "v4l2:/dev/video0", "pistream.vflip", "true").contains("pistream.vflip"));
        assertTrue(refusal("pistream.camera", "v4l2:/dev/video0", "pistream.rotation", "180").contains("cannot be rotated"));
        String quarter = refusal("pistream.camera", "v4l2:/dev/video2", "pistream.rotation", "90");
        assertTrue(quarter.contains("pistream.rotation") && quarter.contains("v4l2") && quarter.contains("'90'"), quarter);
        String named = refusal("pistream.camera.desk", "v4l2:/dev/video0", "pistream.camera.desk.hflip", "true");
        assertTrue(named.startsWith("Invalid pistream.camera.desk.hflip: the v4l2 camera"), named);
    }

    @Test
    void aDeviceThatCannotBeAskedIsRefusedWithV4l2CtlsOwnWords() {
        String missing = refusal("pistream.camera", "v4l2:/dev/video9");
        assertEquals("Invalid pistream.camera: the v4l2 camera cannot be used (Cannot open device /dev/video9, exiting.);"
                + " 'pi-stream cameras' lists the cameras found, was: 'v4l2:/dev/video9'", missing);
        assertTrue(refusal("pistream.camera", "v4l2:video0").contains("must be v4l2:DEVICE"));
        assertTrue(refusal("pistream.camera", "v4l2:/dev/video0", "pistream.camera-cmd", "ffmpeg").startsWith("Invalid pistream.camera-cmd"));
        String noProgram = assertThrows(InvalidSettingException.class, () -> load(new CameraLookup(new CameraDetector(List.of(tmp),
                tmp, TIMEOUT)), "pistream.camera", "v4l2:/dev/video0")).getMessage();
        assertTrue(noProgram.contains("v4l2-ctl not found on PATH (install v4l-utils)"), noProgram);
    }

    @Test
    void aNamedV4l2CameraGetsItsOwnMode() {
        Settings s = load(webcamsOnly(), "pistream.camera.desk", "v4l2:/dev/video0", "pistream.camera.desk.resolution", "640x480",
                "pistream.camera.old", "v4l2:/dev/video2");
        CameraSource.V4l2Source desk = (CameraSource.V4l2Source) s.cameras().get(0).source();
        assertEquals("MJPG 640x480", desk.pixelFormat() + " " + desk.width() + "x" + desk.height());
        CameraSource.V4l2Source old = (CameraSource.V4l2Source) s.cameras().get(1).source();
        assertEquals("YUYV 640x480", old.pixelFormat() + " " + old.width() + "x" + old.height(), "1280x720 asked, 640x480 the nearest");
    }

    @Test
    void autoPicksTheFirstUsbWebcamWithMjpegWhenThereIsNoPiCamera() {
        CameraSettings camera = camera("pistream.resolution", "640x480");
        CameraSource.AutoSource auto = (CameraSource.AutoSource) camera.source();
        CameraSource.V4l2Source chosen = (CameraSource.V4l2Source) auto.chosen();
        assertEquals("/dev/video0", chosen.device(), "the webcam with MJPG, not the YUYV one listed first by bus");
        assertEquals("MJPG 640x480", chosen.pixelFormat() + " " + chosen.width() + "x" + chosen.height());
        assertTrue(auto.reason().startsWith("found v4l2:/dev/video0 (Integrated_Webcam_HD: Integrate), the first USB webcam with MJPEG"),
                auto.reason());
        assertTrue(auto.notes().stream().anyMatch(n -> n.contains("rpicam-hello and libcamera-hello not found")), auto.notes().toString());
        assertEquals(auto, camera("pistream.camera", "auto", "pistream.resolution", "640x480").source(), "auto given explicitly");
    }

    @Test
    void autoPicksThePiCameraModuleFirst() {
        Path rpicamHello = ExternalTools.require("rpicam-hello").toAbsolutePath();
        CameraLookup both = new CameraLookup(new CameraDetector(List.of(rpicamHello.getParent(), V4l2StandIn.DIR), tmp.resolve("no-by-id"),
                TIMEOUT).withEnvironment(Map.of("V4L2_STANDIN_DIR", standIn.root().toString())));
        CameraSettings camera = load(both, "pistream.fps", "15").cameras().get(0);
        CameraSource.AutoSource auto = (CameraSource.AutoSource) camera.source();
        CameraSource.RpicamSource rpicam = (CameraSource.RpicamSource) auto.chosen();
        assertEquals(0, rpicam.index());
        assertTrue(auto.reason().startsWith("found rpicam:0 (Virtual Video Device), the first Pi camera module of 3 camera(s) listed"),
                auto.reason());
        assertEquals(15, camera.get(KeyTable.FPS));
        assertEquals("1280x720", camera.get(KeyTable.RESOLUTION), "rpicam's defaults filled in as for --camera rpicam");
    }

    @Test
    void autoWithNoCameraSaysSoAndExplicitProgramsStayAsTheyWere() {
        CameraLookup none = new CameraLookup(new CameraDetector(List.of(tmp), tmp, TIMEOUT));
        CameraSource.AutoSource auto = (CameraSource.AutoSource) load(none).cameras().get(0).source();
        assertNull(auto.chosen());
        assertEquals("no camera found: run 'pi-stream cameras' to list cameras", auto.reason());
        assertEquals("auto: no camera found", auto.description());

        // An explicit camera program is the program, with rpicam-vid's default arguments as before; no detection runs.
        assertEquals(new CameraSource.CommandSource(List.of("rpicam-vid", "-t", "0", "-n", "--codec", "mjpeg", "--width", "1280",
                "--height", "720", "--framerate", "30", "-o", "-")), load(none, "pistream.camera-cmd", "rpicam-vid").cameras().get(0).source());
        assertEquals(new CameraSource.CommandSource(List.of("ffmpeg")), load(none, "pistream.camera-cmd", "ffmpeg").cameras().get(0).source());
        assertEquals(new CameraSource.CommandSource(List.of("rpicam-vid", "-n")), load(none, "pistream.camera-args", "-n").cameras().get(0).source());
        String both = assertThrows(InvalidSettingException.class, () -> load(none, "pistream.camera", "auto", "pistream.camera-cmd", "ffmpeg"))
                .getMessage();
        assertTrue(both.startsWith("Invalid pistream.camera-cmd: runs a camera program: it cannot be combined with pistream.camera=auto"), both);
        assertTrue(load(none, "pistream.camera", "auto", "pistream.camera-cmd", "rpicam-vid").cameras().get(0).source()
                instanceof CameraSource.AutoSource, "auto with the defaults written out (the packaged file uncommented) is auto");
        assertTrue(load(none, "pistream.camera-url", "http://cam.local/stream").cameras().get(0).source() instanceof CameraSource.HttpSource);
    }
}
