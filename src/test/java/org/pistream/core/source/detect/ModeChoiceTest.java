package org.pistream.core.source.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.pistream.core.source.detect.DetectedCamera.Kind;

class ModeChoiceTest {
    private static final List<Mode> WEBCAM = V4l2FormatsParser.modes(Samples.read("v4l2-formats-integrated-webcam.txt"));
    private static final List<Mode> IMX219 = RpicamListParser.parse(Samples.read("rpicam-imx219-imx477.txt")).get(0).modes();

    private static DetectedCamera webcam(List<Mode> modes) {
        return new DetectedCamera(Kind.V4L2, "/dev/video0", null, "cam", "usb-1", null, modes);
    }

    @Test
    void takesTheExactModeWhenOffered() {
        ModeChoice c = webcam(WEBCAM).nearestMode(640, 480, 30).orElseThrow();
        assertEquals(new Mode(640, 480, 30, "MJPG"), c.mode());
        assertTrue(c.exactSize());
        assertEquals(30.0, c.fps());
        assertEquals("asked 640x480@30, using 640x480@30 MJPG (exactly as asked)", c.reason());
    }

    @Test
    void prefersMjpegOverAnExactYuyvSizeForV4l2() {
        // 320x240 exists only as YUYV; MJPG's nearest is 640x360 (log distance 0.69+0.41) vs 640x480 (0.69+0.69).
        ModeChoice c = webcam(WEBCAM).nearestMode(320, 240, 30).orElseThrow();
        assertEquals(new Mode(640, 360, 30, "MJPG"), c.mode());
        assertFalse(c.exactSize());
        assertEquals("asked 320x240@30, using 640x360@30 MJPG (nearest size the camera offers)", c.reason());
    }

    @Test
    void takesYuyvWhenTheWebcamHasNoMjpeg() {
        List<Mode> yuyvOnly = V4l2FormatsParser.modes(Samples.read("v4l2-formats-yuyv-webcam.txt"));
        ModeChoice c = webcam(yuyvOnly).nearestMode(176, 144, 15).orElseThrow();
        assertEquals(new Mode(176, 144, 30, "YUYV"), c.mode());
        assertEquals(15.0, c.fps());
    }

    @Test
    void picksTheNearestSize() {
        ModeChoice c = webcam(WEBCAM).nearestMode(1000, 700, 30).orElseThrow();
        assertEquals(new Mode(1280, 720, 30, "MJPG"), c.mode());
    }

    @Test
    void saysSoWhenTheCameraIsSlowerThanAsked() {
        ModeChoice c = new DetectedCamera(Kind.RPICAM, "0", null, "imx219", "/base/x", null, IMX219)
                .nearestMode(1920, 1080, 60).orElseThrow();
        assertEquals(new Mode(1920, 1080, 47.57, "SRGGB10_CSI2P"), c.mode());
        assertEquals(47.57, c.fps());
        assertEquals("asked 1920x1080@60, using 1920x1080@47.57 SRGGB10_CSI2P (the camera's highest rate at this size is"
                + " 47.57 fps)", c.reason());
    }

    @Test
    void aPiUserSwitchesBetween640x480At30And1920x1080At15() {
        DetectedCamera v2 = new DetectedCamera(Kind.RPICAM, "0", null, "imx219", "/base/x", null, IMX219);
        assertEquals(new Mode(640, 480, 206.65, "SRGGB10_CSI2P"), v2.nearestMode(640, 480, 30).orElseThrow().mode());
        ModeChoice fullHd = v2.nearestMode(1920, 1080, 15).orElseThrow();
        assertEquals(new Mode(1920, 1080, 47.57, "SRGGB10_CSI2P"), fullHd.mode());
        assertEquals(15.0, fullHd.fps());
    }

    @Test
    void amongEqualSizesPrefersTheModeReachingTheRate() {
        List<Mode> modes = List.of(new Mode(1280, 720, 10, "YUYV"), new Mode(1280, 720, 30, "NV12"));
        assertEquals("NV12", ModeChoice.nearest(modes, 1280, 720, 25, false).orElseThrow().mode().pixelFormat());
    }

    @Test
    void noModesNoChoiceAndBadRequestsNameTheValue() {
        assertTrue(ModeChoice.nearest(List.of(), 640, 480, 30, true).isEmpty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModeChoice.nearest(WEBCAM, 0, 480, 30, true));
        assertEquals("asked size must be > 0, was: 0x480", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ModeChoice.nearest(WEBCAM, 640, 480, 0, true));
    }

    @Test
    void theConfigLinePrefersTheStableName() {
        DetectedCamera byId = new DetectedCamera(Kind.V4L2, "/dev/video0",
                "/dev/v4l/by-id/usb-046d_HD_Pro_Webcam_C920_8F6E4F2F-video-index0", "HD Pro Webcam C920", "usb-1", null, WEBCAM);
        assertEquals("--camera v4l2:/dev/v4l/by-id/usb-046d_HD_Pro_Webcam_C920_8F6E4F2F-video-index0", byId.configLine());
        assertEquals("--camera v4l2:/dev/video0", webcam(WEBCAM).configLine());
    }
}
