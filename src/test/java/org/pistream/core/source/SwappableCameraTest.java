package org.pistream.core.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.pistream.core.jpeg.SplitterCounters;

class SwappableCameraTest {
    /** A camera whose state the test sets, recording what was done to it. */
    private static final class Fake implements Camera {
        final String name;
        final List<String> log;
        volatile CameraState state = CameraState.STOPPED;

        Fake(String name, List<String> log) {
            this.name = name;
            this.log = log;
        }

        @Override
        public void start() {
            log.add(name + " start");
            state = CameraState.STARTING;
        }

        @Override
        public void stop() {
            log.add(name + " stop");
            state = CameraState.STOPPED;
        }

        @Override
        public CameraStatus status() {
            return new CameraStatus(name, name, state, -1, 0, 0, null, null, -1, 0, 0, 0);
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

    @Test
    void theOldCameraStopsBeforeTheNewOneStartsAndItIsApplyingUntilTheNewOneStreams() {
        List<String> log = new ArrayList<>();
        Fake old = new Fake("old", log);
        SwappableCamera camera = new SwappableCamera(old);
        camera.start();
        old.state = CameraState.STREAMING;
        assertEquals(CameraState.STREAMING, camera.status().state());
        Fake next = new Fake("next", log);
        camera.swap(next);
        assertEquals(List.of("old start", "old stop", "next start"), log);
        assertEquals(CameraState.APPLYING, camera.status().state());
        assertEquals("applying settings", camera.status().problem());
        assertEquals("next", camera.status().kind());
        next.state = CameraState.RESTARTING; // a failed first try still shows as applying within the limit
        assertEquals(CameraState.APPLYING, camera.status().state());
        next.state = CameraState.STREAMING;
        assertEquals(CameraState.STREAMING, camera.status().state());
        next.state = CameraState.RESTARTING; // later faults are faults again
        assertEquals(CameraState.RESTARTING, camera.status().state());
        assertTrue(camera.current() == next);
    }

    @Test
    void aSwapBeforeStartStartsNothing() {
        List<String> log = new ArrayList<>();
        SwappableCamera camera = new SwappableCamera(new Fake("old", log));
        camera.swap(new Fake("next", log));
        assertEquals(List.of("old stop"), log);
        camera.start();
        assertEquals(List.of("old stop", "next start"), log);
        camera.stop();
        assertFalse(log.contains("old start"));
    }
}
