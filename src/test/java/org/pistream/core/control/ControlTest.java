package org.pistream.core.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class ControlTest {
    private final Control brightness = Control.integer("brightness", "User Controls", 0, 255, 1, 128L, 128L, false);
    private final Control stepped = Control.integer("zoom", "Camera Controls", 100, 500, 10, 100L, 100L, false);
    private final Control ev = Control.number("ev", "rpicam", -10, 10, 0.1, 0.0, 0.0, true);
    private final Control flip = Control.bool("hflip", "stream", false, false, true);
    private final Control plf = Control.menu("power_line_frequency", "User Controls",
            List.of(new MenuEntry(0L, "Disabled"), new MenuEntry(1L, "50 Hz"), new MenuEntry(2L, "60 Hz")), 2L, 2L, false);
    private final Control awb = Control.menu("awb", "rpicam", List.of(new MenuEntry("auto", "auto"), new MenuEntry("daylight",
            "daylight")), "auto", "auto", true);
    private final Control size = Control.size("resolution", "stream", "16x16", "1920x1080", "640x480", "640x480", true);

    @Test
    void acceptsValuesInRangeAsTheirCanonicalType() throws ControlException {
        assertEquals(200L, brightness.accept(200));
        assertEquals(0L, brightness.accept("0"));
        assertEquals(255L, brightness.accept(255.0));
        assertEquals(150L, stepped.accept(150));
        assertEquals(-2.5, ev.accept(-2.5));
        assertEquals(10.0, ev.accept(10));
        assertEquals(0.5, ev.accept("0.5"));
        assertEquals(true, flip.accept(true));
        assertEquals(false, flip.accept("0"));
        assertEquals(1L, plf.accept(1));
        assertEquals("daylight", awb.accept("Daylight"));
        assertEquals("1280x720", size.accept(" 1280x720 "));
    }

    @Test
    void nullIsTheDefault() throws ControlException {
        assertEquals(128L, brightness.accept(null));
        assertEquals("auto", awb.accept(null));
        assertNull(Control.number("lens-position", "rpicam", 0, 32, 0.1, null, 3.0, true).accept(null));
    }

    @Test
    void aBadValueNamesTheControlTheValueAndWhatIsAllowed() {
        assertMessage("brightness: 256 is not allowed; must be a whole number from 0 to 255", brightness, 256);
        assertMessage("brightness: -1 is not allowed; must be a whole number from 0 to 255", brightness, -1);
        assertMessage("brightness: 1.5 is not allowed; must be a whole number from 0 to 255", brightness, 1.5);
        assertMessage("brightness: bright is not allowed; must be a whole number from 0 to 255", brightness, "bright");
        assertMessage("brightness: true is not allowed; must be a whole number from 0 to 255", brightness, true);
        assertMessage("zoom: 155 is not allowed; must be a whole number from 100 to 500 in steps of 10", stepped, 155);
        assertMessage("ev: 10.5 is not allowed; must be a number from -10 to 10", ev, 10.5);
        assertMessage("ev: NaN is not allowed; must be a number from -10 to 10", ev, Double.NaN);
        assertMessage("hflip: yes please is not allowed; must be true or false", flip, "yes please");
        assertMessage("power_line_frequency: 3 is not allowed; must be one of 0 (Disabled), 1 (50 Hz), 2 (60 Hz)", plf, 3);
        assertMessage("awb: sunny is not allowed; must be one of auto, daylight", awb, "sunny");
        assertMessage("resolution: 4000x3000 is not allowed; must be WIDTHxHEIGHT from 16x16 to 1920x1080", size, "4000x3000");
        assertMessage("resolution: 640 is not allowed; must be WIDTHxHEIGHT from 16x16 to 1920x1080", size, 640);
    }

    @Test
    void aShownValueIsPrintableAndShort() {
        ControlException e = assertThrows(ControlException.class, () -> awb.accept("\u001b[31m" + "x".repeat(100)));
        assertEquals("awb: ?[31mxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx... is not allowed; must be one of auto, daylight", e.getMessage());
        assertEquals(ControlException.Reason.INVALID, e.reason());
        assertEquals("awb", e.control());
    }

    private static void assertMessage(String expected, Control c, Object value) {
        ControlException e = assertThrows(ControlException.class, () -> c.accept(value));
        assertEquals(expected, e.getMessage());
    }
}
