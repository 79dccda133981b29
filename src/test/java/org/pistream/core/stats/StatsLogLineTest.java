package org.pistream.core.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.pistream.core.source.CameraState;

/** The stats log line from snapshots built by hand: no broadcaster, no camera, no threads. */
class StatsLogLineTest {
    private static final long SECOND = 1_000_000_000L;
    private static final Histogram.Snapshot NO_VALUES = new Histogram(1).snapshot();

    /** The numbers the line reads; everything else in the snapshot stays at zero. */
    private static final class Reading {
        CameraState state = CameraState.STREAMING;
        long restarts;
        long dropped;
        long framesIn;
        long framesOut;
        long bytesOut;
        long skipped;
        long rejected;
        int clients;

        CameraStats snapshot() {
            SourceStats source = new SourceStats("fake", "fake", state, null, 1, restarts, 0, null, null, null, 0, 0,
                    Map.of("truncated", dropped), 0);
            FanoutStats fanout = new FanoutStats(framesIn, 0, 0, 0, null, null, NO_VALUES, clients, 2, clients,
                    Map.of("max_clients", rejected), List.of(), framesOut, bytesOut, skipped, 0, 0, NO_VALUES);
            return new CameraStats("default", Instant.EPOCH, Duration.ZERO, new Health(true, state, null, null), source, fanout);
        }
    }

    private final Reading now = new Reading();

    @Test
    void cameraStreamingToNobodyIsQuietAfterTheFirstLine() {
        StatsLogLine line = new StatsLogLine(0);
        assertFalse(line.next(now.snapshot(), SECOND).quiet(), "the first line tells the starting state");
        now.framesIn = 30;
        StatsLogLine.Line next = line.next(now.snapshot(), 2 * SECOND);
        assertTrue(next.quiet(), next.text());
        assertTrue(next.text().contains("camera streaming, 30.0 fps in, 0.0 fps out, 0/2 clients"), next.text());
    }

    @Test
    void theWholeLineReadsTheIntervalsDifferences() {
        StatsLogLine line = new StatsLogLine(0);
        now.framesOut = 100;
        now.bytesOut = 112_300_000;
        line.next(now.snapshot(), 10 * SECOND);
        now.state = CameraState.RESTARTING;
        now.restarts = 2;
        now.framesIn = 300;
        now.framesOut = 1000;
        now.bytesOut = 412_300_000;
        now.clients = 1;
        now.dropped = 4;
        now.skipped = 5;
        now.rejected = 6;
        assertEquals("Stats: camera restarting, 15.0 fps in, 45.0 fps out, 1/2 clients, 4 dropped, 2 restarts, 412.3 MB out"
                + " (15.00 MB/s), 5 skipped, 6 rejected", line.next(now.snapshot(), 30 * SECOND).text());
    }

    @Test
    void aConnectedClientMakesTheLineInfoUntilAnIntervalAfterItLeft() {
        StatsLogLine line = new StatsLogLine(0);
        line.next(now.snapshot(), SECOND);
        now.clients = 1;
        StatsLogLine.Line watched = line.next(now.snapshot(), 2 * SECOND);
        assertFalse(watched.quiet(), watched.text());
        assertTrue(watched.text().contains("1/2 clients"), watched.text());
        now.clients = 0;
        assertFalse(line.next(now.snapshot(), 3 * SECOND).quiet(), "the interval in which the client left");
        assertTrue(line.next(now.snapshot(), 4 * SECOND).quiet());
    }

    @Test
    void restartsStateChangesRejectionsDropsAndSkipsAreNeverQuiet() {
        StatsLogLine line = new StatsLogLine(0);
        line.next(now.snapshot(), SECOND);
        assertTrue(line.next(now.snapshot(), 2 * SECOND).quiet());

        now.state = CameraState.RESTARTING;
        now.restarts = 1;
        StatsLogLine.Line restarted = line.next(now.snapshot(), 3 * SECOND);
        assertFalse(restarted.quiet(), restarted.text());
        assertTrue(restarted.text().contains("camera restarting") && restarted.text().contains("1 restarts"),
                restarted.text());
        assertTrue(line.next(now.snapshot(), 4 * SECOND).quiet(), "nothing new since");

        // Clients came and went between readings, and one was turned away meanwhile.
        now.rejected = 1;
        StatsLogLine.Line rejected = line.next(now.snapshot(), 5 * SECOND);
        assertFalse(rejected.quiet(), rejected.text());
        assertTrue(rejected.text().endsWith("1 rejected"), rejected.text());
        assertTrue(line.next(now.snapshot(), 6 * SECOND).quiet());

        now.dropped = 1;
        assertFalse(line.next(now.snapshot(), 7 * SECOND).quiet(), "a dropped frame");
        now.skipped = 3;
        assertFalse(line.next(now.snapshot(), 8 * SECOND).quiet(), "skipped frames");
        assertTrue(line.next(now.snapshot(), 9 * SECOND).quiet());
    }
}
