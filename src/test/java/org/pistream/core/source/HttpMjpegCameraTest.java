package org.pistream.core.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.pistream.core.jpeg.DropReason;
import org.pistream.core.jpeg.JpegVerifier;
import org.pistream.core.jpeg.TestJpegs;

/**
 * The HTTP source through the same template as the camera program, against a scripted MJPEG server
 * on a loopback port and the pausing {@link FakeClock}: reconnects, the watchdog, idle and stop.
 */
@Timeout(20)
class HttpMjpegCameraTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final byte[] a = TestJpegs.noise(16, 16, 1);
    private final byte[] b = TestJpegs.noise(16, 16, 2);
    private final byte[] c = TestJpegs.noise(16, 16, 3);
    private final FakeClock clock = new FakeClock();
    private final FrameRecorder sink = new FrameRecorder();
    private final MjpegTestServer server;
    private HttpMjpegCamera camera;

    HttpMjpegCameraTest() throws IOException {
        server = new MjpegTestServer();
    }

    private HttpMjpegCamera start(URI url, String user, String password, int warmupFrames) {
        camera = new HttpMjpegCamera(url, user, password, 1 << 20, JpegVerifier.Level.FULL, sink, Backoff.cameraDefault(), TIMEOUT, warmupFrames, clock);
        camera.start();
        return camera;
    }

    private HttpMjpegCamera start() {
        return start(server.uri(), null, null, 0);
    }

    @AfterEach
    void stopAndCheckNothingLeaks() {
        if (camera != null) {
            camera.stop();
        }
        server.close();
        assertFalse(Await.threadAlive("camera-http-reader"), "reader joined");
    }

    private void awaitState(CameraState state) {
        Await.until(() -> "state " + state + ", is " + camera.status().state(), () -> camera.status().state() == state);
    }

    @Test
    void relaysEveryPartWithItsUpstreamCaptureTime() {
        server.then(server.stream(true, List.of(new MjpegTestServer.Part(a, -2000L), new MjpegTestServer.Part(b, -1000L),
                new MjpegTestServer.Part(c, 0L))));
        start();
        sink.awaitCount(3);
        List<FrameRecorder.Published> frames = sink.frames();
        assertArrayEquals(a, frames.get(0).jpeg());
        assertArrayEquals(c, frames.get(2).jpeg());
        assertEquals(server.stamps(), frames.stream().map(FrameRecorder.Published::captureMicros).toList());
        CameraStatus status = camera.status();
        assertEquals("http", status.kind());
        assertEquals(server.uri().toString(), status.description());
        assertEquals(CameraState.STREAMING, status.state());
        assertEquals(-1, status.pid());
        assertEquals(1, status.starts());
        assertNull(status.lastExitCode());
        assertEquals("multipart/x-mixed-replace, */*;q=0.1", server.requests().get(0).getFirst("Accept"));
        assertEquals("pi-stream relay", server.requests().get(0).getFirst("User-Agent"));
        assertNull(server.requests().get(0).getFirst("Authorization"));
    }

    @Test
    void upstreamClockFarOffIsReplacedByTheTimeOfReceipt() {
        long before = SupervisedSource.nowMicros();
        server.then(server.stream(true, List.of(new MjpegTestServer.Part(a, -3_600_000_000L))));
        start();
        sink.awaitCount(1);
        assertTrue(sink.frames().get(0).captureMicros() >= before, "receipt time, not the upstream's");
        assertTrue(server.stamps().get(0) < before);
    }

    @Test
    void sendsBasicAuthenticationAndNamesRefusedCredentials() {
        clock.hold();
        server.then(MjpegTestServer.status(401));
        start(server.uri(), "viewer", "s3cret", 0);
        clock.awaitPauses(1);
        assertEquals("Basic " + Base64.getEncoder().encodeToString("viewer:s3cret".getBytes(StandardCharsets.UTF_8)),
                server.requests().get(0).getFirst("Authorization"));
        CameraStatus status = camera.status();
        assertEquals("answered HTTP 401 (check the credentials)", status.lastError());
        assertEquals("camera answered HTTP 401 (check the credentials), restarting in 1 s", status.problem());
    }

    @Test
    void otherHttpStatusIsShown() {
        clock.hold();
        server.then(MjpegTestServer.status(404));
        start();
        clock.awaitPauses(1);
        assertEquals("answered HTTP 404", camera.status().lastError());
    }

    @Test
    void pageThatIsNotAnMjpegStreamIsShown() {
        clock.hold();
        server.then(MjpegTestServer.page("text/html"));
        start();
        clock.awaitPauses(1);
        assertEquals("connection lost: not an MJPEG stream (Content-Type: text/html)", camera.status().lastError());
    }

    @Test
    void streamThatEndsIsReconnectedAfterOneSecond() {
        clock.hold();
        server.then(server.parts(false, a)).then(server.parts(true, b));
        start();
        clock.awaitPauses(1);
        CameraStatus ended = camera.status();
        assertEquals(CameraState.RESTARTING, ended.state());
        assertEquals("source ended the stream", ended.lastError());
        assertEquals(1000, ended.restartInMillis());
        assertEquals(0, ended.restarts());
        clock.release();
        sink.awaitCount(2);
        assertArrayEquals(b, sink.frames().get(1).jpeg());
        assertEquals(1, camera.status().restarts());
        assertEquals(2, camera.status().starts());
    }

    @Test
    void refusedConnectionIsRetriedWithTheStepsDoubling() throws IOException {
        URI closed;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/stream");
        }
        start(closed, null, null, 0);
        clock.awaitPauses(3);
        assertEquals(List.of(1000L, 2000L, 4000L), clock.pauses().subList(0, 3));
        assertEquals("unreachable (connection refused)", camera.status().lastError());
        assertTrue(camera.status().starts() >= 3, "every attempt is a connection: " + camera.status());
    }

    @Test
    void silentSourceIsDroppedByTheWatchdogAndReconnected() {
        clock.hold();
        server.then(server.parts(true)).then(server.parts(true, a));
        start();
        server.awaitRequests(1);
        long deadline = clock.nanoTime() + TIMEOUT.toNanos() + 1;
        // The connection is open once the response arrives, which the test cannot see: ask until the watchdog acts.
        Await.until(() -> "watchdog", () -> {
            camera.poll(deadline);
            return camera.status().watchdogKills() == 1;
        });
        clock.awaitPauses(1);
        assertEquals("sent no frame for 3 s", camera.status().lastError());
        clock.release();
        sink.awaitCount(1);
        assertEquals(1, camera.status().watchdogKills());
        assertEquals(2, server.requests().size());
    }

    @Test
    void watchdogSparesAStreamThatDeliversFrames() {
        server.then(server.parts(true, a));
        start();
        sink.awaitCount(1);
        camera.poll(clock.nanoTime() + TIMEOUT.toNanos());
        assertEquals(0, camera.status().watchdogKills());
        assertEquals(CameraState.STREAMING, camera.status().state());
    }

    @Test
    void warmupPartsAreDroppedAfterEveryConnection() {
        clock.hold();
        server.then(server.parts(false, a, b, c)).then(server.parts(true, a, c));
        start(server.uri(), null, null, 1);
        clock.awaitPauses(1);
        assertEquals(2, sink.count());
        assertArrayEquals(b, sink.frames().get(0).jpeg());
        clock.release();
        sink.awaitCount(3);
        assertArrayEquals(c, sink.frames().get(2).jpeg());
        assertEquals(2, camera.status().warmupDiscarded());
    }

    @Test
    void partThatIsNotAWholeJpegIsDroppedNotGluedToTheNext() {
        server.then(server.parts(true, a, Arrays.copyOf(c, c.length - 2), b));
        start();
        sink.awaitCount(2);
        assertArrayEquals(a, sink.frames().get(0).jpeg());
        assertArrayEquals(b, sink.frames().get(1).jpeg());
        assertEquals(1, camera.splitterCounters().dropped(DropReason.TRUNCATED));
        assertEquals(0, camera.status().restarts());
    }

    @Test
    void idleSleepClosesTheConnectionAndWakeConnectsAgainWithoutBackoff() {
        server.then(server.parts(true, a)).then(server.parts(true, b));
        start();
        sink.awaitCount(1);
        camera.sleep();
        awaitState(CameraState.IDLE);
        assertEquals("stopped while idle", camera.status().lastError());
        assertEquals(1, server.requests().size());
        camera.wake();
        sink.awaitCount(2);
        assertEquals(List.of(), clock.pauses());
        assertEquals(0, camera.status().restarts());
    }

    @Test
    void stopWhileConnectedClosesTheConnectionAndJoinsTheReader() {
        server.then(server.parts(true, a));
        start();
        sink.awaitCount(1);
        assertTrue(Await.threadAlive("camera-http-reader"));
        camera.stop();
        assertEquals(CameraState.STOPPED, camera.status().state());
        assertEquals("stopped", camera.status().lastError());
        assertEquals(1, server.requests().size());
    }

    @Test
    void stopWhileBackingOffEndsTheWait() {
        clock.hold();
        server.then(MjpegTestServer.status(503));
        start();
        clock.awaitPauses(1);
        camera.stop();
        assertEquals(1, server.requests().size());
        assertEquals(CameraState.STOPPED, camera.status().state());
    }

    @Test
    void credentialsInTheUrlAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new HttpMjpegCamera(
                URI.create("http://u:p@cam.local/stream"), null, null, 1 << 20, JpegVerifier.Level.FULL, sink, Backoff.cameraDefault(), TIMEOUT, 0));
        assertEquals("pass credentials apart from the URL, so they stay out of logs: cam.local", e.getMessage());
    }
}
