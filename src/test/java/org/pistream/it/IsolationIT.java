package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.pistream.core.fanout.FrameBroadcaster;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The functional guard of the fan-out's isolation (the benchmarks measure it under load): viewers
 * that stop reading must not slow down one that reads.
 */
class IsolationIT {

    /** A viewer that sends its request and then never reads, with a tiny receive buffer. */
    private static Socket stalledViewer(TestServer server) throws Exception {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096); // before connect, so the window stays small
        socket.connect(new InetSocketAddress(server.uri().getHost(), server.port()), 5000);
        socket.getOutputStream().write(("GET /stream HTTP/1.1\r\nHost: " + server.uri().getHost() + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        byte[] status = new byte[12];
        assertEquals(12, in.readNBytes(status, 0, 12));
        assertEquals("HTTP/1.1 200", new String(status, StandardCharsets.US_ASCII));
        return socket;
    }

    @Test
    void stalledViewersDoNotSlowDownOneThatReads() throws Exception {
        // Large frames: the stalled viewers' socket buffers fill within seconds.
        try (TestServer server = TestServer.start("--port", "0", "--address", "127.0.0.1",
                "--camera", "test-pattern:1280x720@25")) {
            List<Socket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    stalled.add(stalledViewer(server));
                }
                try (MjpegClient fast = MjpegClient.open(server.uri(), "/stream?fast")) {
                    fast.readPart();
                    long start = System.nanoTime();
                    double first = fast.readPart().timestamp();
                    double last = first;
                    for (int i = 1; i < 150; i++) {
                        last = fast.readPart().timestamp();
                    }
                    double receiving = (System.nanoTime() - start) / 1e9;
                    double captured = last - first;
                    // The fast viewer keeps the camera's pace: it receives as fast as frames are made.
                    assertTrue(receiving < captured + 1.0, "150 frames captured over " + captured
                            + " s took " + receiving + " s to receive");

                    // Right away, while everyone is still connected: the stalled viewers fell behind (their
                    // sockets are full; they hold no queue, only a position in the ring), the reader did not.
                    JsonNode stats = Http.stats(server.uri());
                    assertEquals(6, stats.at("/clients/connected").asInt(), stats.toString());
                    long fastSent = 0;
                    for (JsonNode c : stats.at("/clients/list")) {
                        if (c.at("/path").asText().contains("fast")) {
                            fastSent = c.at("/framesSent").asLong();
                            assertTrue(c.at("/framesSkipped").asLong() * 10 <= fastSent,
                                    "the reading viewer gets nearly every frame: " + c);
                        }
                    }
                    for (JsonNode c : stats.at("/clients/list")) {
                        if (!c.at("/path").asText().contains("fast")) {
                            assertTrue(c.at("/framesSent").asLong() < fastSent, "a stalled viewer fell behind: " + c);
                        }
                    }
                }
            } finally {
                for (Socket s : stalled) {
                    s.close();
                }
            }
        }
    }

    /**
     * Frames go out from pooled off-heap buffers in the embedded server: viewers that read, stall
     * (their writes stay pending in Jetty) or vanish mid-frame all give their buffers back, so once
     * they have gone the pool holds the ring's frames only, and it stops allocating once it has
     * what the frames need; the viewer that reads gets intact frames throughout.
     */
    @Test
    void offHeapFrameBuffersComeBackWhenViewersLeaveWhateverTheyWereDoing() throws Exception {
        int ring = 8;
        try (InProcessServer server = InProcessServer.start("--port", "0", "--address", "127.0.0.1",
                "--camera", "test-pattern:1280x720@25", "--buffer-size", Integer.toString(ring))) {
            FrameBroadcaster fanOut = server.cameras().main().broadcaster();
            for (int round = 0; round < 3; round++) {
                List<Socket> stalled = new ArrayList<>();
                try (MjpegClient fast = MjpegClient.open(server.uri(), "/stream?fast")) {
                    for (int i = 0; i < 4; i++) {
                        stalled.add(stalledViewer(server));
                    }
                    for (int i = 0; i < 3; i++) {
                        // Gone mid-frame: reads a little of the stream, then resets the connection.
                        try (MjpegClient gone = MjpegClient.open(server.uri(), "/stream?gone")) {
                            gone.readPart();
                            gone.socket().setSoLinger(true, 0);
                        }
                    }
                    for (int i = 0; i < 60; i++) {
                        fast.readPart(); // decoded: intact
                    }
                    assertTrue(fanOut.offHeapBuffersInUse() >= ring, "frames go out off-heap: " + fanOut.offHeapBuffersInUse());
                } finally {
                    for (Socket s : stalled) {
                        s.setSoLinger(true, 0);
                        s.close();
                    }
                }
                long deadline = System.nanoTime() + 20_000_000_000L;
                while ((fanOut.subscriberCount() > 0 || fanOut.offHeapBuffersInUse() != ring) && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertEquals(0, fanOut.subscriberCount(), "every viewer left");
                assertEquals(ring, fanOut.offHeapBuffersInUse(), "round " + round + ": the ring's frames only, every viewer's buffer came back");
            }
            // 16 KB steps of a 720p test pattern: the ring plus what pending writes held, not a buffer per frame sent.
            assertTrue(fanOut.offHeapBytes() <= FrameBroadcaster.OFF_HEAP_PART_BYTES, fanOut.offHeapBytes() + " bytes");
        }
    }
}
