package org.pistream.web.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class ViewerLogTest {
    /** The gates are the process's: whatever passed before, a burst past their lines is held back. */
    @Test
    void aBurstOfShortStreamsIsHeldBackButAViewerOfAMinuteOrMoreAlwaysGetsItsLine() {
        int info = 0;
        for (int i = 0; i < 3 * ViewerLog.LINES; i++) {
            info += ViewerLog.disconnected(0.5).level() == Level.INFO ? 1 : 0;
        }
        assertTrue(info <= ViewerLog.LINES, info + " lines for " + 3 * ViewerLog.LINES + " short streams");
        assertEquals(Level.DEBUG, ViewerLog.disconnected(ViewerLog.LONG_SECONDS - 0.1).level(), "the gate is full");
        assertEquals(Level.INFO, ViewerLog.disconnected(ViewerLog.LONG_SECONDS).level());
        assertEquals(Level.INFO, ViewerLog.disconnected(3600).level());
        assertEquals(Level.DEBUG, ViewerLog.disconnected(1).level(), "a long stream uses none of the gate's lines");
    }

    @Test
    void connectsAreHeldBackPastTheirLines() {
        int info = 0;
        for (int i = 0; i < 3 * ViewerLog.LINES; i++) {
            info += ViewerLog.connected().level() == Level.INFO ? 1 : 0;
        }
        assertTrue(info <= ViewerLog.LINES, info + " lines for " + 3 * ViewerLog.LINES + " connects");
        assertEquals(Level.DEBUG, ViewerLog.connected().level());
    }
}
