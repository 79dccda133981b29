package org.pistream.core.source.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.pistream.core.source.detect.V4l2Format.FrameSize;

class V4l2ParsersTest {

    @Test
    void thePi4sOwnNodesAreNotWebcams() {
        List<V4l2Device> devices = V4l2DeviceListParser.parse(Samples.read("v4l2-list-devices-pi4.txt"));
        assertEquals(List.of("bcm2835-codec-decode", "bcm2835-isp", "unicam"), devices.stream().map(V4l2Device::card).toList());
        assertEquals("platform:bcm2835-codec", devices.get(0).bus());
        assertEquals(List.of("/dev/video10", "/dev/video11", "/dev/video12", "/dev/video18", "/dev/video31"),
                devices.get(0).videoNodes());
        assertEquals(List.of("/dev/media1", "/dev/media2"), devices.get(1).mediaNodes());
        assertTrue(devices.stream().allMatch(V4l2Device::isPiInternal));
        assertTrue(devices.stream().noneMatch(V4l2Device::isUsb));
    }

    @Test
    void readsListsWhoseTabsBecameSpaces() {
        List<V4l2Device> devices = V4l2DeviceListParser.parse(Samples.read("v4l2-list-devices-pi4-spaces.txt"));
        assertEquals(List.of("bcm2835-codec-decode", "bcm2835-isp", "unicam", "rpivid"),
                devices.stream().map(V4l2Device::card).toList());
        assertEquals(List.of("/dev/video19"), devices.get(3).videoNodes());
        assertTrue(devices.stream().allMatch(V4l2Device::isPiInternal));
    }

    @Test
    void thePi5sOwnNodesAreNotWebcams() {
        List<V4l2Device> devices = V4l2DeviceListParser.parse(Samples.read("v4l2-list-devices-pi5.txt"));
        assertEquals(List.of("pispbe", "rpivid"), devices.stream().map(V4l2Device::card).toList());
        assertEquals("platform:1000880000.pisp_be", devices.get(0).bus());
        assertEquals(18, devices.get(0).videoNodes().size());
        assertTrue(devices.stream().allMatch(V4l2Device::isPiInternal));
    }

    @Test
    void readsUsbWebcamsBesideOtherPlatformNodes() {
        List<V4l2Device> devices = V4l2DeviceListParser.parse(Samples.read("v4l2-list-devices-two-usb.txt"));
        assertEquals(4, devices.size());
        V4l2Device generic = devices.get(2);
        assertEquals("USB 2.0 Camera: USB Camera", generic.card());
        assertEquals("usb-xhci-hcd.0.auto-1.1", generic.bus());
        assertEquals(List.of("/dev/video12", "/dev/video13"), generic.videoNodes());
        assertTrue(generic.isUsb());
        assertFalse(generic.isPiInternal());
        assertEquals("platform: rkisp", devices.get(0).bus());
        assertFalse(devices.get(0).isUsb());
    }

    @Test
    void readsLinkedNodesAndSubdevices() {
        // v4l2-ctl-common.cpp list_devices(): "\t" + node + " <- " + links, one node per line.
        String text = "Camera (usb-0000:01:00.0-1.2):\n\t/dev/video0 <- /dev/webcam, /dev/camera\n\t/dev/video1\n"
                + "\t/dev/media0\n\t/dev/v4l-subdev0\n";
        V4l2Device d = V4l2DeviceListParser.parse(text).get(0);
        assertEquals(List.of("/dev/video0", "/dev/video1"), d.videoNodes());
        assertEquals(List.of("/dev/v4l-subdev0"), d.otherNodes());
        assertEquals(List.of(), V4l2DeviceListParser.parse(""));
    }

    @Test
    void readsDiscreteSizesAndIntervals() {
        List<V4l2Format> formats = V4l2FormatsParser.parse(Samples.read("v4l2-formats-integrated-webcam.txt"));
        assertEquals(2, formats.size());
        V4l2Format mjpg = formats.get(0);
        assertEquals(0, mjpg.index());
        assertEquals("MJPG", mjpg.fourcc());
        assertEquals("Motion-JPEG", mjpg.description());
        assertEquals(List.of("compressed"), mjpg.flags());
        assertEquals(new FrameSize("Discrete", 1280, 720, 1280, 720, 0, 0, List.of(30.0)), mjpg.sizes().get(0));
        assertEquals("YUYV 4:2:2", formats.get(1).description());
        assertEquals(List.of(), formats.get(1).flags());
        assertEquals(List.of("1280x720@30 MJPG", "640x480@30 MJPG", "640x360@30 MJPG", "960x540@30 MJPG", "848x480@30 MJPG",
                "640x480@30 YUYV", "640x360@30 YUYV", "424x240@30 YUYV", "320x240@30 YUYV", "320x180@30 YUYV",
                "160x120@30 YUYV"),
                V4l2FormatsParser.modes(Samples.read("v4l2-formats-integrated-webcam.txt")).stream().map(Mode::toString).toList());
    }

    @Test
    void aMetadataNodeHasNoFormat() {
        assertEquals(List.of(), V4l2FormatsParser.parse(Samples.read("v4l2-formats-metadata-node.txt")));
    }

    @Test
    void readsManyIntervalsAndKeepsTheHighest() {
        V4l2Format yuyv = V4l2FormatsParser.parse(Samples.read("v4l2-formats-yuyv-webcam.txt")).get(0);
        assertEquals(11, yuyv.sizes().get(0).fps().size());
        assertEquals(30.0, yuyv.sizes().get(0).maxFps());
        assertEquals(7.5, yuyv.sizes().get(1).fps().get(9));
    }

    @Test
    void readsTheOldLayout() {
        List<V4l2Format> formats = V4l2FormatsParser.parse(Samples.read("v4l2-formats-c920-old-layout.txt"));
        assertEquals(1, formats.size());
        assertEquals("YUYV", formats.get(0).fourcc());
        assertEquals("YUYV 4:2:2", formats.get(0).description());
        assertEquals(List.of("640x480@30 YUYV", "160x90@30 YUYV", "160x120@30 YUYV"),
                formats.get(0).modes().stream().map(Mode::toString).toList());
    }

    @Test
    void readsStepwiseSizesInTheOldLayout() {
        List<V4l2Format> formats = V4l2FormatsParser.parse(Samples.read("v4l2-formats-stepwise-old-layout.txt"));
        assertEquals(List.of("YU12", "YUYV", "RGB3", "JPEG", "H264", "MJPG"), formats.stream().map(V4l2Format::fourcc).toList());
        V4l2Format mjpg = formats.get(5);
        assertEquals(5, mjpg.index());
        assertEquals(List.of("compressed"), mjpg.flags());
        assertEquals("Motion-JPEG", mjpg.description());
        assertEquals(new FrameSize("Stepwise", 32, 32, 2592, 1944, 2, 2, List.of()), mjpg.sizes().get(0));
        assertEquals(List.of("640x480 MJPG", "800x600 MJPG", "1024x768 MJPG", "1280x720 MJPG", "1280x960 MJPG",
                "1920x1080 MJPG", "2592x1944 MJPG"), mjpg.modes().stream().map(Mode::toString).toList());
    }

    @Test
    void readsStepwiseSizesOfTheUnicamReceiver() {
        List<V4l2Format> formats = V4l2FormatsParser.parse(Samples.read("v4l2-formats-unicam-stepwise.txt"));
        assertEquals(4, formats.size());
        assertEquals(new FrameSize("Stepwise", 16, 16, 16376, 16376, 1, 1, List.of()), formats.get(3).sizes().get(0));
    }

    @Test
    void readsContinuousSizesAndRangesOfIntervals() {
        // Built from print_frmsize()/print_frmival() in v4l-utils' v4l2-ctl.cpp; no public sample was found.
        String text = "ioctl: VIDIOC_ENUM_FMT\n\tType: Video Capture\n\n"
                + "\t[0]: 'MJPG' (Motion-JPEG, compressed)\n"
                + "\t\tSize: Discrete 1280x720\n"
                + "\t\t\tInterval: Stepwise 0.033s - 1.000s with step 0.033s (1.000-30.000 fps)\n"
                + "\t\tSize: Continuous 16x16 - 1920x1080\n"
                + "\t[1]: 'H264' (H.264, compressed)\n"
                + "\t\tSize: Discrete 1920x1080\n"
                + "\t\t\tInterval: Continuous 0.017s - 1.000s (1.000-60.000 fps)\n";
        List<V4l2Format> formats = V4l2FormatsParser.parse(text);
        assertEquals(30.0, formats.get(0).sizes().get(0).maxFps());
        assertEquals(new FrameSize("Continuous", 16, 16, 1920, 1080, 1, 1, List.of()), formats.get(0).sizes().get(1));
        assertEquals("H.264", formats.get(1).description());
        assertEquals(60.0, formats.get(1).sizes().get(0).maxFps());
    }

    @Test
    void readsControlsWithMenusAndFlags() {
        List<V4l2Control> controls = V4l2ControlsParser.parse(Samples.read("v4l2-ctrls-c920-like.txt"));
        assertEquals(List.of("brightness", "contrast", "saturation", "white_balance_automatic", "gain", "power_line_frequency",
                "white_balance_temperature", "sharpness"), controls.stream().map(V4l2Control::name).toList());
        V4l2Control brightness = controls.get(0);
        assertEquals("User Controls", brightness.controlClass());
        assertEquals(0x00980900, brightness.id());
        assertEquals("int", brightness.type());
        assertEquals(List.of(0L, 255L, 1L, 128L), List.of(brightness.min(), brightness.max(), brightness.step(),
                brightness.defaultValue()));
        assertEquals("128", brightness.value());
        assertEquals(List.of("has-min-max"), brightness.flags());
        V4l2Control bool = controls.get(3);
        assertEquals("bool", bool.type());
        assertEquals(1L, bool.defaultValue());
        assertEquals(List.of(), bool.flags());
        V4l2Control plf = controls.get(5);
        assertEquals("menu", plf.type());
        assertEquals("2", plf.value());
        assertEquals(Map.of(0L, "Disabled", 1L, "50 Hz", 2L, "60 Hz"), plf.menu());
        assertEquals(List.of(0L, 1L, 2L), List.copyOf(plf.menu().keySet()));
        V4l2Control wbt = controls.get(6);
        assertEquals(List.of("inactive", "has-min-max"), wbt.flags());
        assertTrue(wbt.isInactive());
    }

    @Test
    void readsMenuEntriesAfterRealTabs() {
        List<V4l2Control> controls = V4l2ControlsParser.parse(Samples.read("v4l2-ctrls-anker-c200.txt"));
        assertEquals(7, controls.size());
        assertEquals(Map.of(0L, "Disabled", 1L, "50 Hz", 2L, "60 Hz"), controls.get(6).menu());
        assertEquals(0L, controls.get(6).defaultValue());
    }

    @Test
    void readsTheListWithoutMenusOrClasses() {
        List<V4l2Control> controls = V4l2ControlsParser.parse(Samples.read("v4l2-ctrls-cheap-uvc-old-names.txt"));
        assertEquals(14, controls.size());
        assertEquals("", controls.get(0).controlClass());
        assertEquals(-64L, controls.get(0).min());
        assertEquals("white_balance_temperature_auto", controls.get(4).name());
        assertTrue(controls.get(12).isInactive());
        assertEquals(Map.of(), controls.get(11).menu());
        assertEquals(0x009a0903, controls.get(13).id());
    }

    @Test
    void readsEveryTypeThePrintFunctionsWrite() {
        // The layouts of print_qctrl() in v4l-utils' v4l2-ctl-common.cpp for the types not in the samples.
        String text = "\nCamera Controls\n\n"
                + "                  focus_absolute 0x009a090a (int)    : min=0 max=250 step=5 default=0 value=0 flags=inactive\n"
                + "                       pan_reset 0x009a0906 (button) : value=0 flags=write-only, execute-on-write\n"
                + "                    pixel_rate 0x009e0902 (int64)  : min=1 max=200000000 step=1 default=1 value=120000000 flags=read-only\n"
                + "                  link_frequency 0x009f0901 (intmenu): min=0 max=1 default=0 value=0 (450000000 0x1ad27480)\n"
                + "\t\t\t\t0: 450000000 (0x1ad27480)\n"
                + "\t\t\t\t1: 453000000 (0x1b00a240)\n"
                + "                 test_bitmask 0x009f0a00 (bitmask): max=0x0000000f default=0x00000001 value=0x00000001\n";
        List<V4l2Control> controls = V4l2ControlsParser.parse(text);
        assertEquals(List.of("int", "button", "int64", "intmenu", "bitmask"), controls.stream().map(V4l2Control::type).toList());
        assertEquals("Camera Controls", controls.get(0).controlClass());
        assertEquals(List.of("write-only", "execute-on-write"), controls.get(1).flags());
        assertEquals(200000000L, controls.get(2).max());
        assertTrue(controls.get(2).isReadOnly());
        assertEquals("0", controls.get(3).value());
        assertEquals("453000000 (0x1b00a240)", controls.get(3).menu().get(1L));
        assertEquals(15L, controls.get(4).max());
        assertNull(V4l2ControlsParser.parse("             x 0x00980900 (button) :\n").get(0).value());
    }
}
