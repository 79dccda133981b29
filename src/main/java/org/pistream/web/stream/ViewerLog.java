package org.pistream.web.stream;

import java.util.concurrent.TimeUnit;

import org.pistream.core.LogGate;
import org.slf4j.event.Level;

/**
 * How much of the viewers' comings and goings the log gets. Each stream writes a line when it
 * opens and one when it ends; a few viewers get every line, but a script opening thousands of
 * short streams would fill the disk, so at most {@value #LINES} of each kind go out at INFO per
 * 10 s, the next one saying how many were left out ("(1,234 more connects in the last 10 s)"). The
 * left-out lines go to DEBUG, and every stream is counted in /stats all the same. A stream that
 * lasted {@value #LONG_SECONDS} s or more always gets its disconnect line: it is a real viewer someone
 * may ask about, and such lines cannot come faster than max-clients a minute. One pair of gates for
 * the process: the log is one, however many cameras.
 */
final class ViewerLog {
    static final int LINES = 10;
    static final int LONG_SECONDS = 60;
    private static final LogGate CONNECTS = new LogGate(LINES, 10, TimeUnit.SECONDS);
    private static final LogGate DISCONNECTS = new LogGate(LINES, 10, TimeUnit.SECONDS);

    /** The level and suffix of one viewer line. */
    record Line(Level level, String more) {
    }

    private ViewerLog() {
    }

    static Line connected() {
        return line(CONNECTS.pass("connects"));
    }

    /** @param seconds how long the stream lasted */
    static Line disconnected(double seconds) {
        return seconds >= LONG_SECONDS ? new Line(Level.INFO, "") : line(DISCONNECTS.pass("disconnects"));
    }

    private static Line line(String more) {
        return more == null ? new Line(Level.DEBUG, "") : new Line(Level.INFO, more);
    }
}
