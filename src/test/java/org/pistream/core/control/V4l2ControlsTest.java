package org.pistream.core.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pistream.core.settings.CameraSettings;
import org.pistream.core.settings.CameraSource;
import org.pistream.core.settings.Values;

/**
 * The V4L2 provider against the v4l2-ctl stand-in (src/test/standins/v4l2-ctl, STAND-IN: no V4L2 devices
 * here) serving real {@code --list-ctrls-menus} outputs (samples in core/source/detect, sources noted there).
 */
class V4l2ControlsTest {
    private static final String STAND_IN = Path.of("src", "test", "standins", "v4l2-ctl").toAbsolutePath().toString();

    @TempDir
    Path dir;
    private V4l2Controls controls;

    @BeforeEach
    void device() throws IOException {
        Files.writeString(dir.resolve("devices"), "usb-0000:01:00.0-1.4|HD Pro Webcam C920|/dev/video0 /dev/video1\n");
        Files.writeString(dir.resolve("video0.ctrls"), sample("v4l2-ctrls-c920-like.txt"));
        controls = new V4l2Controls(STAND_IN, "/dev/video0",
                ShortCommand.system(Map.of("V4L2_STANDIN_DIR", dir.toString()), Duration.ofSeconds(10)));
    }

    @Test
    void listsEveryControlTheDeviceReports() throws ControlException {
        List<Control> list = controls.list();
        assertEquals(List.of("brightness", "contrast", "saturation", "white_balance_automatic", "gain", "power_line_frequency",
                "white_balance_temperature", "sharpness"), list.stream().map(Control::name).toList());
        Control brightness = list.get(0);
        assertEquals(ControlType.INT, brightness.type());
        assertEquals(List.of(0L, 255L, 1L, 128L, 128L), List.of(brightness.min(), brightness.max(), brightness.step(),
                brightness.defaultValue(), brightness.value()));
        assertEquals("User Controls", brightness.group());
        assertFalse(brightness.restart(), "V4L2 controls apply while the camera streams");
        Control auto = list.get(3);
        assertEquals(ControlType.BOOL, auto.type());
        assertEquals(true, auto.value());
        Control plf = list.get(5);
        assertEquals(ControlType.MENU, plf.type());
        assertEquals(List.of(new MenuEntry(0L, "Disabled"), new MenuEntry(1L, "50 Hz"), new MenuEntry(2L, "60 Hz")), plf.menu());
        assertEquals(2L, plf.value());
        assertTrue(list.get(6).inactive(), "white_balance_temperature is inactive while white_balance_automatic is on");
        assertFalse(list.get(7).inactive());
    }

    @Test
    void setsSeveralControlsLiveInOneCallAndTheDeviceReportsThem() throws ControlException {
        controls.apply(new LinkedHashMap<>(Map.of("brightness", 90L, "power_line_frequency", 1L)));
        controls.apply(Map.of("white_balance_automatic", false));
        Map<String, Object> now = new LinkedHashMap<>();
        controls.list().forEach(c -> now.put(c.name(), c.value()));
        assertEquals(90L, now.get("brightness"));
        assertEquals(1L, now.get("power_line_frequency"));
        assertEquals(false, now.get("white_balance_automatic"));
    }

    @Test
    void aControlTheDeviceRefusesIsAnError() {
        ControlException e = assertThrows(ControlException.class, () -> controls.apply(Map.of("focus_absolute", 10L)));
        assertEquals(ControlException.Reason.FAILED, e.reason());
        assertTrue(e.getMessage().endsWith("refused focus_absolute=10: unknown control 'focus_absolute'"), e.getMessage());
    }

    @Test
    void aMissingDeviceIsAnError() {
        V4l2Controls gone = new V4l2Controls(STAND_IN, "/dev/video7",
                ShortCommand.system(Map.of("V4L2_STANDIN_DIR", dir.toString()), Duration.ofSeconds(10)));
        ControlException e = assertThrows(ControlException.class, gone::list);
        assertEquals("cannot list the controls of /dev/video7: Cannot open device /dev/video7, exiting.", e.getMessage());
    }

    @Test
    void liveChangesThroughCameraControlsNeedNoRestart() throws Exception {
        CameraSettings camera = new CameraSettings("door", new CameraSource.CommandSource(List.of("v4l2-ctl")), new Values(Map.of()));
        CameraControls all = new CameraControls(camera, controls, new ControlStore(dir.resolve("state")), "");
        List<CameraSettings> restarts = new java.util.ArrayList<>();
        all.restarter((next, args) -> restarts.add(next));
        CameraControls.Change change = all.set(Map.of("sharpness", 200), "test");
        assertFalse(change.restart());
        assertEquals(List.of(), restarts);
        assertEquals(200L, all.values().get("sharpness"));
        assertEquals("sharpness=200", Files.readAllLines(dir.resolve("state").resolve(ControlStore.FILE)).stream()
                .filter(l -> !l.startsWith("#")).findFirst().orElse("").replace("door.", ""));
    }

    static String sample(String name) throws IOException {
        try (InputStream in = V4l2ControlsTest.class.getResourceAsStream("/org/pistream/core/source/detect/" + name)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int cut = text.indexOf("#---\n");
            return cut < 0 ? text : text.substring(cut + "#---\n".length());
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }
}
