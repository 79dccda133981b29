package org.pistream.core.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.pistream.core.Lifecycle;
import org.pistream.core.jpeg.DropReason;
import org.pistream.core.jpeg.JpegVerdict;
import org.pistream.core.jpeg.JpegVerifier;
import org.pistream.core.jpeg.TestJpegs;

/**
 * The camera program's supervisor against scripted fake processes and a clock that only moves when
 * it pauses: every way a camera program fails, in milliseconds. Real child processes are left to
 * {@code CameraFaultsIT} and {@code ExternalCameraIT}.
 */
@Timeout(20)
class CameraSupervisorTest {
    private static final Duration GRACE = Duration.ofMillis(100);
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final List<String> COMMAND = List.of("rpicam-vid", "-o", "-");

    private final byte[] a = TestJpegs.noise(16, 16, 1);
    private final byte[] b = TestJpegs.noise(16, 16, 2);
    private final byte[] c = TestJpegs.noise(16, 16, 3);
    private final FakeClock clock = new FakeClock();
    private final FakeLauncher launcher = new FakeLauncher();
    private final FrameRecorder sink = new FrameRecorder();
    private CameraSupervisor camera;

    private CameraSupervisor start(int warmupFrames) {
        camera = new CameraSupervisor(COMMAND, 1 << 20, JpegVerifier.Level.FULL, sink, Backoff.cameraDefault(), GRACE, TIMEOUT, warmupFrames,
                launcher, clock);
        camera.start();
        return camera;
    }

    private CameraSupervisor start() {
        return start(0);
    }

    @AfterEach
    void stopAndCheckNothingLeaks() {
        if (camera != null) {
            camera.stop();
        }
        for (FakeProcess p : launcher.launched()) {
            assertFalse(p.isAlive(), "process " + p.pid() + " ended by stop");
        }
        assertFalse(Await.threadAlive("camera-reader"), "reader joined");
        assertFalse(Await.threadAlive("camera-stderr"), "stderr pump joined");
    }

    private void awaitState(CameraState state) {
        Await.until(() -> "state " + state + ", is " + camera.status().state(), () -> camera.status().state() == state);
    }

    @Test
    void publishesEveryFrameOfTheProgramsOutput() {
        launcher.then(new FakeProcess().write(a, b, c));
        start();
        sink.awaitCount(3);
        List<FrameRecorder.Published> frames = sink.frames();
        assertArrayEquals(a, frames.get(0).jpeg());
        assertArrayEquals(b, frames.get(1).jpeg());
        assertArrayEquals(c, frames.get(2).jpeg());
        CameraStatus status = camera.status();
        assertEquals(CameraState.STREAMING, status.state());
        assertEquals("command", status.kind());
        assertEquals("rpicam-vid -o -", status.description());
        assertEquals(launcher.launched().get(0).pid(), status.pid());
        assertEquals(1, status.starts());
        assertEquals(0, status.restarts());
        assertNull(status.problem());
        assertEquals(List.of(COMMAND), launcher.commands());
    }

    @Test
    void crashAfterFramesIsReportedWithItsExitCodeAndRestartedAfterOneSecond() {
        clock.hold();
        launcher.then(new FakeProcess().write(a, b, c).exit(1)).then(new FakeProcess().write(a));
        start();
        clock.awaitPauses(1);
        CameraStatus status = camera.status();
        assertEquals(CameraState.RESTARTING, status.state());
        assertEquals(1, status.lastExitCode());
        assertEquals("rpicam-vid exited with code 1", status.lastError(), "no stderr: the exit code alone");
        assertEquals(1000, status.restartInMillis());
        assertEquals("camera rpicam-vid exited with code 1, restarting in 1 s", status.problem());
        assertEquals(-1, status.pid());
        assertEquals(0, status.restarts(), "counted when the restart happens");
        assertEquals(3, sink.count());

        clock.release();
        sink.awaitCount(4);
        awaitState(CameraState.STREAMING);
        assertEquals(1, camera.status().restarts());
        assertEquals(2, camera.status().starts());
        assertEquals(List.of(1000L), clock.pauses());
    }

    @Test
    void restartIsLoggedWithTheProgramsOwnWords() {
        try (LogCapture supervisorLog = new LogCapture(CameraSupervisor.class);
             LogCapture cameraLog = new LogCapture("org.pistream.camera")) {
            clock.hold();
            launcher.then(new FakeProcess().writeStderr("sensor not found").writeStderr("url rtsp://u:pw@cam/x").write(a).exit(1));
            start();
            clock.awaitPauses(1);
            assertEquals(List.of("INFO sensor not found", "INFO url rtsp://u:***@cam/x"), cameraLog.lines(),
                    "stderr lines to org.pistream.camera, credentials masked");
            long pid = launcher.launched().get(0).pid();
            assertEquals(List.of(
                    "INFO Camera started: pid " + pid + " `rpicam-vid -o -` (start #1)",
                    "INFO Camera streaming: first frame of " + a.length + " bytes after start #1",
                    "WARN Camera rpicam-vid exited with code 1: sensor not found (ran 0 ms, 1 frames); restart #1 in 1000 ms"),
                    supervisorLog.lines());
            assertEquals(List.of("sensor not found", "url rtsp://u:***@cam/x"), camera.status().lastStderr());
        }
    }

    @Test
    void aChattyProgramsStderrIsLoggedAtMostThirtyLinesPerTenSecondsAndItsLastTenKept() {
        try (LogCapture cameraLog = new LogCapture("org.pistream.camera")) {
            clock.hold();
            FakeProcess chatty = new FakeProcess();
            for (int i = 1; i <= 500; i++) {
                chatty.writeStderr("frame=" + i + " fps=30 q=2.0 size=" + i * 10 + "kB");
            }
            launcher.then(chatty.exit(0));
            start();
            clock.awaitPauses(1);
            assertEquals(30, cameraLog.lines().size(), "the rest held back");
            List<String> kept = camera.status().lastStderr();
            assertEquals(10, kept.size());
            assertEquals("frame=500 fps=30 q=2.0 size=5000kB", kept.get(9));
            assertEquals("rpicam-vid exited with code 0: frame=500 fps=30 q=2.0 size=5000kB", camera.status().lastError());
        }
    }

    @Test
    void hungProgramIsEndedByTheWatchdogAndRestarted() {
        clock.hold();
        FakeProcess hung = new FakeProcess();
        launcher.then(hung).then(new FakeProcess().write(a));
        start();
        Await.until(() -> "stdout read", hung::beingRead);
        camera.poll(clock.nanoTime() + TIMEOUT.toNanos()); // exactly the timeout: not yet
        assertEquals(0, camera.status().watchdogKills());
        assertTrue(hung.isAlive());

        camera.poll(clock.nanoTime() + TIMEOUT.toNanos() + 1);
        clock.awaitPauses(1);
        CameraStatus status = camera.status();
        assertEquals(1, status.watchdogKills());
        assertEquals(1, hung.sigterms());
        assertEquals("sent no frame for 3 s (exit code 143)", status.lastError());
        assertEquals(143, status.lastExitCode());

        clock.release();
        sink.awaitCount(1);
        assertEquals(1, camera.status().restarts());
    }

    @Test
    void watchdogCountsFromTheLastFrame() {
        FakeProcess quiet = new FakeProcess().write(a);
        launcher.then(quiet);
        start();
        sink.awaitCount(1);
        long lastFrame = clock.nanoTime();
        clock.advanceMillis(2000);
        camera.poll(lastFrame + TIMEOUT.toNanos());
        assertEquals(0, camera.status().watchdogKills());
        camera.poll(lastFrame + TIMEOUT.toNanos() + 1);
        assertEquals(1, camera.status().watchdogKills());
        camera.poll(lastFrame + 2 * TIMEOUT.toNanos());
        assertEquals(1, camera.status().watchdogKills(), "one run is ended once");
    }

    @Test
    void programThatExitsAtOnceIsRetriedWithTheStepsDoublingThenIsMisconfiguredAtTheCap() {
        for (int i = 0; i < 4; i++) {
            launcher.then(new FakeProcess().exit(3));
        }
        start();
        launcher.awaitLaunch(5);
        assertEquals(List.of(1000L, 2000L, 30000L, 30000L), clock.pauses(),
                "the third failure alike makes it misconfigured: retried at the cap");
        CameraStatus status = camera.status();
        assertEquals(4, status.restarts());
        assertEquals(5, status.starts());
        assertEquals(3, status.lastExitCode());
        assertEquals("rpicam-vid exited with code 3", status.lastError());
        assertEquals(CameraState.MISCONFIGURED, status.state());
        assertEquals(0, sink.count());
    }

    @Test
    void theProgramsOwnWordsAreTheReasonAndThreeAlikeMakeItMisconfiguredUntilAFrameComes() {
        // What the real rpicam-vid 1.13.0 writes for --camera 7 on a machine with one camera (run in CameraWordsIT).
        List<String> noSuchCamera = List.of(
                "[3:01:45.159753879] [19982]  INFO Camera camera_manager.cpp:340 libcamera v0.7.1+rpt20260429+dirty",
                "[3:01:45.160212369] [19987]  WARN IPAManager ipa_manager.cpp:159 No IPA found in '/opt/pistream-vcam/lib/libcamera/ipa'",
                "[3:01:45.161575627] [19987]  INFO Camera camera_manager.cpp:223 Adding camera 'Virtual0' for pipeline handler virtual",
                "ERROR: *** selected camera is not available ***");
        try (LogCapture supervisorLog = new LogCapture(CameraSupervisor.class)) {
            clock.hold();
            for (int i = 0; i < 5; i++) {
                FakeProcess p = new FakeProcess();
                noSuchCamera.forEach(p::writeStderr);
                launcher.then(p.exit(255));
            }
            launcher.then(new FakeProcess().write(a));
            start();
            clock.awaitPauses(1);
            CameraStatus first = camera.status();
            String reason = "rpicam-vid exited with code 255: ERROR: *** selected camera is not available ***";
            assertEquals(CameraState.RESTARTING, first.state());
            assertEquals(reason, first.lastError());
            assertEquals("camera " + reason + ", restarting in 1 s", first.problem());
            assertEquals(noSuchCamera, first.lastStderr());

            clock.release();
            launcher.awaitLaunch(6);
            sink.awaitCount(1);
            assertEquals(List.of(1000L, 2000L, 30000L, 30000L, 30000L), clock.pauses());
            List<String> warnings = supervisorLog.lines().stream().filter(l -> l.startsWith("WARN")).toList();
            assertEquals(List.of(
                    "WARN Camera " + reason + " (ran 0 ms, 0 frames); restart #1 in 1000 ms",
                    "WARN Camera " + reason + " (ran 0 ms, 0 frames); restart #2 in 2000 ms",
                    "WARN Camera misconfigured: it failed the same way 3 times in a row without a frame: " + reason
                            + "; retrying every 30 s until it sends one"), warnings, "one warning once misconfigured");
            awaitState(CameraState.STREAMING);
            assertNull(camera.status().problem(), "a frame clears it");
        }
    }

    @Test
    void misconfiguredIsShownWhileItWaitsAndWhileItTriesAgain() {
        for (int i = 0; i < 2; i++) {
            launcher.then(new FakeProcess().writeStderr("ERROR: *** no cameras available ***").exit(255));
        }
        FakeProcess third = new FakeProcess().writeStderr("ERROR: *** no cameras available ***");
        FakeProcess retry = new FakeProcess();
        launcher.then(third).then(retry);
        start();
        Await.until(() -> "the third run's stdout read", third::beingRead);
        clock.hold();
        third.exit(255);
        clock.awaitPauses(3);
        CameraStatus waiting = camera.status();
        assertEquals(CameraState.MISCONFIGURED, waiting.state());
        assertTrue(waiting.problem().startsWith(
                "camera misconfigured: rpicam-vid exited with code 255: ERROR: *** no cameras available ***, retrying in "),
                waiting.problem());
        clock.release();
        Await.until(() -> "the retry's stdout read", retry::beingRead);
        CameraStatus trying = camera.status();
        assertEquals(CameraState.MISCONFIGURED, trying.state(), "still misconfigured while the retry starts");
        assertEquals("camera misconfigured: rpicam-vid exited with code 255: ERROR: *** no cameras available ***",
                trying.problem());
        assertEquals(List.of("ERROR: *** no cameras available ***", "ERROR: *** no cameras available ***",
                "ERROR: *** no cameras available ***"), trying.lastStderr(), "the failed runs' words stay while it tries again");
    }

    @Test
    void failuresThatDifferOrFollowFramesAreNotAMisconfiguration() {
        launcher.then(new FakeProcess().writeStderr("ERROR: *** no cameras available ***").exit(255))
                .then(new FakeProcess().writeStderr("ERROR: *** no cameras available ***").exit(255))
                .then(new FakeProcess().writeStderr("Device or resource busy").exit(255))
                .then(new FakeProcess().write(a).exit(1))
                .then(new FakeProcess().exit(1))
                .then(new FakeProcess().exit(1));
        start();
        launcher.awaitLaunch(7);
        assertEquals(List.of(1000L, 2000L, 4000L, 8000L, 16000L, 30000L), clock.pauses(),
                "streaks of 2 (alike), 1 (other words), frames, then 2: the plain steps");
        assertFalse(camera.status().state() == CameraState.MISCONFIGURED);
    }

    @Test
    void backoffDoublesToThirtySecondsAndStartsOverAfterAHealthyRun() {
        for (int i = 0; i < 2; i++) {
            launcher.then(new FakeProcess().exit(1));
        }
        launcher.then(lasting(5, new FakeProcess().write(a).exit(0))); // frames, but too short to count as healthy
        for (int i = 0; i < 4; i++) {
            launcher.then(new FakeProcess().exit(1));
        }
        launcher.then(lasting(30, new FakeProcess().write(a, b).exit(0))); // healthy: 30 s with frames
        launcher.then(new FakeProcess().exit(1));
        start();
        launcher.awaitLaunch(10);
        assertEquals(List.of(1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L, 1000L, 2000L), clock.pauses());
        assertEquals(9, camera.status().restarts());
    }

    /** The process as if it ran {@code seconds}: the clock moves when its output is first read. */
    private FakeProcess lasting(int seconds, FakeProcess process) {
        return process.onFirstRead(() -> clock.advanceMillis(seconds * 1000L));
    }

    @Test
    void programThatCannotBeFoundIsShownAndRetried() {
        clock.hold();
        camera = new CameraSupervisor(List.of("/nonexistent/rpicam-vid", "-o", "-"), 1 << 20, JpegVerifier.Level.FULL, sink,
                Backoff.cameraDefault(), GRACE, TIMEOUT, 0, ProcessLauncher.SYSTEM, clock);
        camera.start();
        clock.awaitPauses(1);
        CameraStatus status = camera.status();
        assertEquals(CameraState.RESTARTING, status.state());
        assertEquals("command not found: /nonexistent/rpicam-vid", status.lastError());
        assertEquals("camera command not found: /nonexistent/rpicam-vid, restarting in 1 s", status.problem());
        assertNull(status.lastExitCode());
        assertEquals(0, status.starts(), "a start that failed is not a start");
        clock.release();
        clock.awaitPauses(3);
        assertEquals(List.of(1000L, 2000L, 30000L), clock.pauses().subList(0, 3), "misconfigured after three alike");
    }

    @Test
    void programThatIsNotExecutableIsNamed() {
        clock.hold();
        launcher.thenFailing(new IOException("Cannot run program \"rpicam-vid\": error=13, Permission denied"));
        start();
        clock.awaitPauses(1);
        assertEquals("command not executable: rpicam-vid", camera.status().lastError());
    }

    @Test
    void programThatClosesItsOutputButKeepsRunningIsEnded() {
        clock.hold();
        FakeProcess closing = new FakeProcess().write(a, b).closeOutput();
        launcher.then(closing);
        start();
        clock.awaitPauses(1);
        assertFalse(closing.isAlive());
        assertEquals(1, closing.sigterms());
        assertEquals("closed its output but kept running (exit code 143)", camera.status().lastError());
        assertEquals(2, sink.count());
    }

    @Test
    void garbageAroundFramesIsSkippedAndCountedWithoutARestart() {
        byte[] garbage = "frame 1 of 3 \0\1\2 not a JPEG".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] truncated = java.util.Arrays.copyOf(c, c.length - 2); // no end-of-image marker
        launcher.then(new FakeProcess().write(garbage, a, garbage, truncated, b, garbage));
        start();
        sink.awaitCount(2);
        assertArrayEquals(a, sink.frames().get(0).jpeg());
        assertArrayEquals(b, sink.frames().get(1).jpeg());
        assertTrue(camera.splitterCounters().garbageBytes() >= 3L * garbage.length, "garbage counted");
        assertEquals(1, camera.splitterCounters().dropped(DropReason.TRUNCATED));
        assertEquals(0, camera.status().restarts());
        assertEquals(CameraState.STREAMING, camera.status().state());
    }

    @Test
    void framesThatFailTheCheckAreCountedAndNeverPublished() {
        byte[] badTable = overSubscribedHuffmanTable(b);
        byte[] cutScan = scanCutInHalf(c);
        JpegVerifier check = new JpegVerifier(JpegVerifier.Level.FULL);
        JpegVerdict badTableVerdict = check.verify(badTable, 0, badTable.length);
        JpegVerdict cutScanVerdict = check.verify(cutScan, 0, cutScan.length);
        assertFalse(badTableVerdict.isOk() || cutScanVerdict.isOk(), "both frames are broken");
        launcher.then(new FakeProcess().write(a, badTable, cutScan, c));
        start();
        sink.awaitCount(2);
        assertArrayEquals(a, sink.frames().get(0).jpeg());
        assertArrayEquals(c, sink.frames().get(1).jpeg());
        assertEquals(2, camera.splitterCounters().droppedTotal());
        assertEquals(badTableVerdict == cutScanVerdict ? 2 : 1, camera.splitterCounters().dropped(DropReason.of(badTableVerdict)));
        assertEquals(badTableVerdict == cutScanVerdict ? 2 : 1, camera.splitterCounters().dropped(DropReason.of(cutScanVerdict)));
        assertEquals(0, camera.status().restarts());
    }

    @Test
    void aProgramThatSendsOnlyBrokenFramesMeetsTheWatchdog() {
        clock.hold();
        byte[] broken = scanCutInHalf(a);
        FakeProcess garbled = new FakeProcess().write(broken, broken, broken);
        launcher.then(garbled).then(new FakeProcess().write(b));
        start();
        Await.until(() -> "three frames refused", () -> camera.splitterCounters().droppedTotal() == 3);
        assertEquals(0, sink.count());
        camera.poll(clock.nanoTime() + TIMEOUT.toNanos() + 1);
        clock.awaitPauses(1);
        assertEquals(1, camera.status().watchdogKills());
        assertEquals("sent no frame for 3 s (exit code 143)", camera.status().lastError());
        clock.release();
        sink.awaitCount(1);
        assertArrayEquals(b, sink.frames().get(0).jpeg());
    }

    /** The frame with its first Huffman table claiming three one-bit codes, where only two exist. */
    private static byte[] overSubscribedHuffmanTable(byte[] jpeg) {
        byte[] bad = jpeg.clone();
        int dht = indexOfMarker(bad, 0xC4);
        int counts = dht + 5; // marker (2), length (2), class and id (1), then 16 counts
        int longer = counts + 1;
        while (bad[longer] < 3) {
            longer++; // take three codes from a length that has them, so the segment keeps its size
        }
        bad[longer] -= 3;
        bad[counts] += 3;
        return bad;
    }

    /** The frame with the second half of its scan data left out: the blocks run out before the image ends. */
    private static byte[] scanCutInHalf(byte[] jpeg) {
        int sos = indexOfMarker(jpeg, 0xDA);
        int data = sos + 2 + ((jpeg[sos + 2] & 0xFF) << 8 | (jpeg[sos + 3] & 0xFF));
        int keep = data + (jpeg.length - 2 - data) / 2;
        byte[] cut = java.util.Arrays.copyOf(jpeg, keep + 2);
        if (cut[keep - 1] == (byte) 0xFF) {
            cut[keep - 1] = 0; // not half a stuffed byte
        }
        cut[keep] = (byte) 0xFF;
        cut[keep + 1] = (byte) 0xD9;
        return cut;
    }

    private static int indexOfMarker(byte[] jpeg, int marker) {
        for (int i = 0; i + 1 < jpeg.length; i++) {
            if (jpeg[i] == (byte) 0xFF && (jpeg[i + 1] & 0xFF) == marker) {
                return i;
            }
        }
        throw new AssertionError("no marker " + Integer.toHexString(marker));
    }

    @Test
    void warmupFramesAreDroppedAfterEveryStart() {
        clock.hold();
        launcher.then(new FakeProcess().write(a, a, b, c).exit(0)).then(new FakeProcess().write(a, a, c));
        start(2);
        clock.awaitPauses(1);
        assertEquals(2, sink.count());
        assertArrayEquals(b, sink.frames().get(0).jpeg());
        assertEquals(2, camera.status().warmupDiscarded());
        clock.release();
        sink.awaitCount(3);
        assertArrayEquals(c, sink.frames().get(2).jpeg());
        assertEquals(4, camera.status().warmupDiscarded());
    }

    @Test
    void runThatEndsDuringWarmupCountsAsAFailure() {
        launcher.then(lasting(60, new FakeProcess().write(a, a).exit(0))).then(lasting(60, new FakeProcess().write(a, a).exit(0)));
        start(2);
        launcher.awaitLaunch(3);
        assertEquals(List.of(1000L, 2000L), clock.pauses(), "no frame got past warm-up: no reset");
        assertEquals(CameraState.STARTING, camera.status().state());
        assertEquals(0, sink.count());
    }

    @Test
    void idleSleepEndsTheProgramWithoutARestartAndWakeStartsItAgain() {
        FakeProcess first = new FakeProcess().write(a);
        launcher.then(first).then(new FakeProcess().write(b));
        start();
        sink.awaitCount(1);
        camera.sleep();
        awaitState(CameraState.IDLE);
        assertFalse(first.isAlive());
        CameraStatus idle = camera.status();
        assertEquals(-1, idle.pid());
        assertEquals("stopped while idle (exit code 143)", idle.lastError());
        assertEquals(0, idle.restarts());
        assertEquals("camera starting", idle.problem());
        assertEquals(1, launcher.calls());

        camera.wake();
        sink.awaitCount(2);
        assertArrayEquals(b, sink.frames().get(1).jpeg());
        assertEquals(List.of(), clock.pauses(), "no backoff for an idle stop");
        assertEquals(0, camera.status().restarts());
        assertEquals(2, camera.status().starts());
    }

    @Test
    void sleepAndWakeDuringOneRunStartAgainWithoutBackoff() {
        launcher.then(new FakeProcess().write(a)).then(new FakeProcess().write(b));
        start();
        sink.awaitCount(1);
        camera.sleep();
        camera.wake();
        sink.awaitCount(2);
        assertEquals(List.of(), clock.pauses());
        assertEquals(0, camera.status().restarts());
    }

    @Test
    void sleepDuringBackoffEndsTheWaitAndWakeStartsAtOnce() {
        clock.hold();
        launcher.then(new FakeProcess().exit(1)).then(new FakeProcess().write(a));
        start();
        clock.awaitPauses(1);
        camera.sleep();
        awaitState(CameraState.IDLE);
        assertEquals(0, camera.status().restarts());
        camera.wake();
        sink.awaitCount(1);
        assertEquals(List.of(1000L), clock.pauses());
        assertEquals(2, launcher.calls());
    }

    @Test
    void programThatIgnoresSigtermOnSleepIsKilledByPollAfterTheGracePeriod() {
        FakeProcess stubborn = new FakeProcess().write(a).ignoringSigterm();
        launcher.then(stubborn);
        start();
        sink.awaitCount(1);
        long asked = clock.nanoTime();
        camera.sleep();
        assertEquals(1, stubborn.sigterms());
        camera.poll(asked + GRACE.toNanos());
        assertTrue(stubborn.isAlive(), "within the grace period");
        camera.poll(asked + GRACE.toNanos() + 1);
        assertEquals(1, stubborn.sigkills());
        awaitState(CameraState.IDLE);
        assertEquals("stopped while idle (exit code 137)", camera.status().lastError());
    }

    @Test
    void stopWhileRunningEndsTheProgramAndJoinsTheThreads() {
        FakeProcess running = new FakeProcess().write(a);
        launcher.then(running);
        start();
        sink.awaitCount(1);
        assertTrue(Await.threadAlive("camera-reader"));
        camera.stop();
        assertFalse(running.isAlive());
        assertEquals(1, running.sigterms());
        assertEquals(0, running.sigkills());
        assertEquals(CameraState.STOPPED, camera.status().state());
        assertEquals(Lifecycle.State.STOPPED, camera.state());
        assertEquals("stopped", camera.status().lastError());
        assertEquals(1, launcher.calls());
    }

    @Test
    void stopKillsAProgramThatIgnoresSigterm() {
        FakeProcess stubborn = new FakeProcess().write(a).ignoringSigterm();
        launcher.then(stubborn);
        start();
        sink.awaitCount(1);
        camera.stop();
        assertFalse(stubborn.isAlive());
        assertEquals(1, stubborn.sigkills());
        assertEquals(137, camera.status().lastExitCode());
    }

    @Test
    void stopWhileBackingOffEndsTheWaitWithoutAnotherStart() {
        clock.hold();
        launcher.then(new FakeProcess().exit(1));
        start();
        clock.awaitPauses(1);
        camera.stop();
        assertEquals(1, launcher.calls());
        assertEquals(0, camera.status().restarts());
        assertEquals(CameraState.STOPPED, camera.status().state());
    }

    @Test
    void emptyCommandIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CameraSupervisor(List.of(),
                1 << 20, JpegVerifier.Level.FULL, sink, Backoff.cameraDefault(), GRACE, TIMEOUT, 0));
        assertEquals("camera command must not be empty", e.getMessage());
    }

    @Test
    void toStringShowsStatePidAndRestarts() {
        launcher.then(new FakeProcess().write(a));
        start();
        sink.awaitCount(1);
        assertEquals("CameraSupervisor{STREAMING pid=" + launcher.launched().get(0).pid() + " restarts=0}", camera.toString());
    }
}
