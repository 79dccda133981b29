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

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The functional guard of the fan-out's isolation (the benchmarks measure it under load): viewers
 * that stop reading must not slow down one that reads.
 */
class IsolationIT {

    /** A viewer that sends its request and then never reads, with a tiny receive buffer. */
    private static Socket stalledViewer(ServerProcess server) throws Exception {
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
        int fps = 25;
        try (ServerProcess server = ServerProcess.start("--port", "0", "--address", "127.0.0.1",
                "--camera", "test-pattern:640x480@" + fps)) {
            List<Socket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    stalled.add(stalledViewer(server));
                }
                try (MjpegClient fast = MjpegClient.open(server.uri(), "/stream")) {
                    fast.readPart();
                    long start = System.nanoTime();
                    int frames = 5 * fps;
                    double first = fast.readPart().timestamp();
                    double last = first;
                    for (int i = 1; i < frames; i++) {
                        last = fast.readPart().timestamp();
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    // The fast viewer keeps the camera's pace: consecutive frames, no waiting on the stalled ones.
                    assertTrue(seconds < frames / (double) fps * 1.25 + 0.5,
                            frames + " frames took " + seconds + " s");
                    assertTrue(last - first < frames / (double) fps * 1.25, "capture span " + (last - first));

                    JsonNode stats = Http.awaitStats(server.uri(), Duration.ofSeconds(10), s -> {
                        for (JsonNode c : s.at("/clients/list")) {
                            if (c.at("/framesSkipped").asLong() > 0) {
                                return true;
                            }
                        }
                        return false;
                    });
                    assertEquals(6, stats.at("/clients/connected").asInt(), stats.toString());
                }
            } finally {
                for (Socket s : stalled) {
                    s.close();
                }
            }
        }
    }
}
