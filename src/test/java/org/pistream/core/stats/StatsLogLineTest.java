package org.pistream.core.stats;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pistream.core.fanout.FrameBroadcaster;
import org.pistream.core.fanout.FrameSubscriber;
import org.pistream.core.fanout.Subscription;
import org.pistream.core.jpeg.SplitterCounters;
import org.pistream.core.jpeg.TestJpegs;
import org.pistream.core.source.Camera;
import org.pistream.core.source.CameraState;
import org.pistream.core.source.CameraStatus;

class StatsLogLineTest {
    private static final long SECOND = 1_000_000_000L;
    private final FrameBroadcaster broadcaster = new FrameBroadcaster(4, 2, 1);
    private final FakeCamera camera = new FakeCamera();

    @AfterEach
    void stop() {
        broadcaster.stop();
    }

    /** A camera whose state and restarts the test sets. */
    private static final class FakeCamera implements Camera {
        volatile CameraState state = CameraState.STREAMING;
        volatile long restarts;

        @Override
        public void start() {
        }

        @Override
        public void stop() {
        }

        @Override
        public CameraStatus status() {
            return new CameraStatus("fake", "fake", state, -1, 1, restarts, null, null, -1, 0, 0, 0);
        }

        @Override
        public SplitterCounters splitterCounters() {
            return null;
        }

        @Override
        public void poll(long nanoTime) {
        }

        @Override
        public void sleep() {
        }

        @Override
        public void wake() {
        }
    }

    private static final class NullSubscriber implements FrameSubscriber {
        @Override
        public void deliver(Subscription s) {
            while (s.poll() != null) {
                s.sent(100);
            }
        }

        @Override
        public void broadcasterClosed(Subscription s) {
        }
    }

    private void publishFrames(int n) {
        byte[] jpeg = TestJpegs.noise(8, 8, 1);
        for (int i = 0; i < n; i++) {
            broadcaster.publish(jpeg, 0, jpeg.length, 1_700_000_000_000_000L + i);
        }
    }

    @Test
    void cameraStreamingToNobodyIsQuietAfterTheFirstLine() {
        broadcaster.start();
        StatsLogLine line = new StatsLogLine(0);
        assertFalse(line.next(broadcaster, camera, SECOND).quiet(), "the first line tells the starting state");
        publishFrames(30);
        StatsLogLine.Line next = line.next(broadcaster, camera, 2 * SECOND);
        assertTrue(next.quiet(), next.text());
        assertTrue(next.text().contains("camera streaming, 30.0 fps in, 0.0 fps out, 0/2 clients"), next.text());
    }

    @Test
    void aConnectedClientMakesTheLineInfoUntilAnIntervalAfterItLeft() {
        broadcaster.start();
        StatsLogLine line = new StatsLogLine(0);
        line.next(broadcaster, camera, SECOND);
        Subscription s = broadcaster.subscribe(new NullSubscriber());
        assertNotNull(s);
        StatsLogLine.Line watched = line.next(broadcaster, camera, 2 * SECOND);
        assertFalse(watched.quiet(), watched.text());
        assertTrue(watched.text().contains("1/2 clients"), watched.text());
        s.close();
        assertFalse(line.next(broadcaster, camera, 3 * SECOND).quiet(), "the interval in which the client left");
        assertTrue(line.next(broadcaster, camera, 4 * SECOND).quiet());
    }

    @Test
    void restartsStateChangesAndRejectionsAreNeverQuiet() {
        broadcaster.start();
        StatsLogLine line = new StatsLogLine(0);
        line.next(broadcaster, camera, SECOND);
        assertTrue(line.next(broadcaster, camera, 2 * SECOND).quiet());

        camera.state = CameraState.RESTARTING;
        camera.restarts = 1;
        StatsLogLine.Line restarted = line.next(broadcaster, camera, 3 * SECOND);
        assertFalse(restarted.quiet(), restarted.text());
        assertTrue(restarted.text().contains("camera restarting") && restarted.text().contains("1 restarts"),
                restarted.text());
        assertTrue(line.next(broadcaster, camera, 4 * SECOND).quiet(), "nothing new since");

        // Two clients come and go between readings, and a third is turned away meanwhile.
        Subscription a = broadcaster.subscribe(new NullSubscriber());
        Subscription b = broadcaster.subscribe(new NullSubscriber());
        assertNull(broadcaster.subscribe(new NullSubscriber()));
        a.close();
        b.close();
        StatsLogLine.Line rejected = line.next(broadcaster, camera, 5 * SECOND);
        assertFalse(rejected.quiet(), rejected.text());
        assertTrue(rejected.text().endsWith("1 rejected"), rejected.text());
        assertTrue(line.next(broadcaster, camera, 6 * SECOND).quiet());
    }
}
