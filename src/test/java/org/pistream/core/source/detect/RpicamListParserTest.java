package org.pistream.core.source.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.pistream.core.source.detect.DetectedCamera.Kind;
import org.pistream.core.source.detect.DetectedCamera.Sensor;

class RpicamListParserTest {

    private static List<DetectedCamera> parse(String sample) {
        return RpicamListParser.parse(Samples.read(sample));
    }

    private static List<String> modes(DetectedCamera c) {
        return c.modes().stream().map(Mode::toString).toList();
    }

    @Test
    void readsTheVirtualCameraOfTheRealRpicamHello() {
        List<DetectedCamera> cameras = parse("rpicam-virtual.txt");
        assertEquals(1, cameras.size());
        DetectedCamera c = cameras.get(0);
        assertEquals(Kind.RPICAM, c.kind());
        assertEquals("0", c.id());
        assertEquals("Virtual Video Device", c.name());
        assertEquals("Virtual0", c.location());
        assertEquals(new Sensor(1920, 1080, 0, null), c.sensor());
        assertEquals(List.of("640x480@60 YUV420", "1280x720@60 YUV420", "1920x1080@30 YUV420", "640x480@60 NV12",
                "1280x720@60 NV12", "1920x1080@30 NV12"), modes(c));
        assertEquals("--camera rpicam:0", c.configLine());
        assertFalse(c.isUsb());
    }

    @Test
    void readsTwoCamerasSeparatedByABlankLine() {
        List<DetectedCamera> cameras = parse("rpicam-virtual-two.txt");
        assertEquals(List.of("0", "1"), cameras.stream().map(DetectedCamera::id).toList());
        assertEquals(List.of("Second Device", "Virtual Video Device"), cameras.stream().map(DetectedCamera::name).toList());
        assertEquals(List.of("1280x720@30 YUV420", "1280x720@30 NV12"), modes(cameras.get(0)));
        assertEquals("--camera rpicam:1", cameras.get(1).configLine());
    }

    @Test
    void readsTheFirstReleaseWithoutRates() {
        DetectedCamera hq = parse("rpicam-imx477-2021.txt").get(0);
        assertEquals("imx477", hq.name());
        assertEquals("/base/soc/i2c0mux/i2c@1/imx477@1a", hq.location());
        assertEquals(List.of("1332x990 SRGGB10_CSI2P", "2028x1080 SRGGB12_CSI2P", "2028x1520 SRGGB12_CSI2P",
                "4056x3040 SRGGB12_CSI2P"), modes(hq));
        assertTrue(hq.modes().stream().noneMatch(Mode::hasFps));
    }

    @Test
    void readsCameraModuleV2AndHqCameraWithoutABlankLineBetween() {
        List<DetectedCamera> cameras = parse("rpicam-imx219-imx477.txt");
        assertEquals(2, cameras.size());
        DetectedCamera v2 = cameras.get(0);
        assertEquals("imx219", v2.name());
        assertEquals(new Sensor(3280, 2464, 0, null), v2.sensor());
        assertEquals(8, v2.modes().size());
        assertEquals(new Mode(640, 480, 206.65, "SRGGB10_CSI2P"), v2.modes().get(0));
        assertEquals(new Mode(3280, 2464, 21.19, "SRGGB8"), v2.modes().get(7));
        DetectedCamera hq = cameras.get(1);
        assertEquals("1", hq.id());
        assertEquals(List.of("1332x990@120.05 SRGGB10_CSI2P", "2028x1080@50.03 SRGGB12_CSI2P",
                "2028x1520@40.01 SRGGB12_CSI2P", "4056x3040@10 SRGGB12_CSI2P"), modes(hq));
    }

    @Test
    void readsCameraModule3Wide() {
        DetectedCamera v3 = parse("rpicam-imx708-wide.txt").get(0);
        assertEquals("imx708_wide", v3.name());
        assertEquals("/base/soc/i2c0mux/i2c@1/imx708@1a", v3.location());
        assertEquals(List.of("1536x864@120.13 SRGGB10_CSI2P", "2304x1296@56.03 SRGGB10_CSI2P",
                "4608x2592@14.35 SRGGB10_CSI2P"), modes(v3));
    }

    @Test
    void readsBitDepthAndColourFilterOfCameraModuleV1() {
        DetectedCamera v1 = parse("rpicam-ov5647.txt").get(0);
        assertEquals(new Sensor(2592, 1944, 10, "GBRG"), v1.sensor());
        assertEquals("2592x1944 10-bit GBRG", v1.sensor().toString());
        assertEquals(4, v1.modes().size());
        assertEquals(30.0, v1.modes().get(3).fps());
        DetectedCamera old = parse("rpicam-ov5647-2022.txt").get(0);
        assertEquals(new Sensor(2592, 1944, 0, null), old.sensor());
        assertEquals(58.92, old.modes().get(0).fps());
    }

    @Test
    void skipsTheControlListOfVerboseOutput() {
        List<DetectedCamera> cameras = parse("rpicam-imx296-verbose.txt");
        assertEquals(1, cameras.size());
        assertEquals("imx296", cameras.get(0).name());
        assertEquals(new Sensor(1456, 1088, 10, "RGGB"), cameras.get(0).sensor());
        assertEquals(List.of("1456x1088@60.38 SRGGB10_CSI2P"), modes(cameras.get(0)));
    }

    @Test
    void readsTwoFormatsOnAPi5() {
        DetectedCamera c = parse("rpicam-imx585-pi5.txt").get(0);
        assertEquals("/base/axi/pcie@120000/rp1/i2c@80000/imx585@1A", c.location());
        assertEquals(16, c.sensor().bitDepth());
        assertEquals(List.of("1928x1090@87.60 SRGGB12_CSI2P", "3856x2180@43.80 SRGGB12_CSI2P", "1928x1090@30 SRGGB16",
                "3856x2180@21.90 SRGGB16"), modes(c));
    }

    @Test
    void noCamerasAvailableIsAnEmptyList() {
        assertEquals(List.of(), parse("rpicam-none.txt"));
        assertEquals(List.of(), RpicamListParser.parse(""));
    }

    @Test
    void aUsbWebcamListedByLibcameraIsRecognisedAsUsbWithJpeg() {
        DetectedCamera c = parse("rpicam-usb-constructed.txt").get(0);
        assertEquals("HD Pro Webcam C920", c.name());
        assertTrue(c.isUsb());
        assertTrue(c.offersJpeg());
    }

    @Test
    void aRateOfNanIsNoRate() {
        String text = "Available cameras\n-----------------\n0 : foo [640x480] (/base/x)\n"
                + "    Modes: 'SRGGB10_CSI2P' : 640x480 [nan fps - (0, 0)/640x480 crop]\n\n";
        Mode m = RpicamListParser.parse(text).get(0).modes().get(0);
        assertFalse(m.hasFps());
        assertEquals("640x480 SRGGB10_CSI2P", m.toString());
    }
}
