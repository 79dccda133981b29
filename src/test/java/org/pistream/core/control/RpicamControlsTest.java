package org.pistream.core.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class RpicamControlsTest {
    @Test
    void listsTheOptionsRpicamVidTakesAtTheirDefaultsAndAddsNoFlags() {
        RpicamControls controls = new RpicamControls(List.of());
        assertEquals(List.of("brightness", "contrast", "saturation", "sharpness", "ev", "shutter", "gain", "awb", "metering",
                "denoise", "autofocus-mode", "lens-position", "hdr"), controls.list().stream().map(Control::name).toList());
        assertTrue(controls.list().stream().allMatch(Control::restart), "rpicam-vid takes its options at start only");
        assertEquals(List.of(), controls.arguments());
    }

    @Test
    void changedValuesBecomeFlagsAsRpicamVidWritesThem() {
        RpicamControls controls = new RpicamControls(List.of());
        controls.apply(Map.of("brightness", 0.25, "contrast", 1.0, "awb", "daylight", "shutter", 20000L));
        assertEquals(List.of("--brightness", "0.25", "--shutter", "20000", "--awb", "daylight"), controls.arguments());
        controls.apply(Map.of("brightness", 0.0, "ev", -1.5));
        assertEquals(List.of("--ev", "-1.5", "--shutter", "20000", "--awb", "daylight"), controls.arguments());
    }

    @Test
    void theLensPositionIsInactiveUnlessFocusIsManual() {
        RpicamControls controls = new RpicamControls(List.of());
        assertTrue(lens(controls).inactive());
        controls.apply(Map.of("autofocus-mode", "manual", "lens-position", 2.0));
        assertFalse(lens(controls).inactive());
        assertEquals(List.of("--autofocus-mode", "manual", "--lens-position", "2"), controls.arguments());
    }

    @Test
    void optionsGivenInCameraArgsAreReadOnlyAndNeverGivenTwice() {
        RpicamControls controls = new RpicamControls(List.of("--awb", "tungsten", "--analoggain=4", "--hflip"));
        Control awb = controls.list().stream().filter(c -> c.name().equals("awb")).findFirst().orElseThrow();
        assertTrue(awb.readOnly());
        assertEquals("set in camera-args", awb.readOnlyWhy());
        assertTrue(controls.list().stream().filter(c -> c.name().equals("gain")).findFirst().orElseThrow().readOnly());
        assertFalse(controls.list().stream().filter(c -> c.name().equals("ev")).findFirst().orElseThrow().readOnly());
    }

    @Test
    void documentedRanges() throws ControlException {
        Map<String, Control> byName = new java.util.HashMap<>();
        new RpicamControls(List.of()).list().forEach(c -> byName.put(c.name(), c));
        assertEquals(-1.0, byName.get("brightness").accept(-1));
        assertEquals("brightness: 1.5 is not allowed; must be a number from -1 to 1",
                org.junit.jupiter.api.Assertions.assertThrows(ControlException.class, () -> byName.get("brightness").accept(1.5))
                        .getMessage());
        assertEquals("ev: -11 is not allowed; must be a number from -10 to 10",
                org.junit.jupiter.api.Assertions.assertThrows(ControlException.class, () -> byName.get("ev").accept(-11))
                        .getMessage());
        assertEquals("hdr: on is not allowed; must be one of off, auto, sensor, single-exp",
                org.junit.jupiter.api.Assertions.assertThrows(ControlException.class, () -> byName.get("hdr").accept("on"))
                        .getMessage());
    }

    private static Control lens(RpicamControls controls) {
        return controls.list().stream().filter(c -> c.name().equals("lens-position")).findFirst().orElseThrow();
    }
}
