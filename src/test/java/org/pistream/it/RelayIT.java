package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

/**
 * {@code --camera-url}: a relay server reads a source pi-stream (or another MJPEG server) over one
 * connection and fans it out; the source is killed and started again on the same port.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RelayIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static int sourcePort;
    private static ServerProcess source;
    private static TestServer relay;

    @BeforeAll
    static void start() throws Exception {
        sourcePort = ServerProcess.freePort();
        source = startSource();
        relay = TestServer.start("--port", "0", "--address", "127.0.0.1", "--idle-stop", "2",
                "--camera-url", "http://127.0.0.1:" + sourcePort + "/stream");
    }

    private static ServerProcess startSource() throws Exception {
        return ServerProcess.start("--camera", "test-pattern:320x240@25", "--port", String.valueOf(sourcePort),
                "--address", "127.0.0.1");
    }

    @AfterAll
    static void stop() throws Exception {
        if (relay != null) {
            relay.stop();
            assertTrue(relay.output().contains("pi-stream stopped"), relay.output());
        }
        if (source != null) {
            source.close();
        }
    }

    private static MjpegClient.Part awaitPart(MjpegClient client, Predicate<MjpegClient.Part> wanted) throws IOException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            MjpegClient.Part part = client.readPart();
            assertNotNull(part, "the stream ended");
            if (wanted.test(part)) {
                return part;
            }
        }
        throw new AssertionError("no matching part within " + WAIT);
    }

    private static int streamClients(TestServer server) throws Exception {
        return Http.stats(server.uri()).at("/clients/connected").asInt();
    }

    @Test
    @Order(1)
    void fiveRelayClientsShareOneUpstreamConnectionAndGetValidFrames() throws Exception {
        int clients = 5;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<double[]>> results = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                results.add(pool.submit((Callable<double[]>) () -> {
                    try (MjpegClient client = MjpegClient.open(relay.uri(), "/stream")) {
                        awaitPart(client, p -> !p.isPlaceholder());
                        double[] latencies = new double[40];
                        List<byte[]> jpegs = new ArrayList<>();
                        for (int n = 0; n < latencies.length; n++) {
                            MjpegClient.Part part = client.readPart();
                            latencies[n] = System.currentTimeMillis() - part.timestamp() * 1000;
                            jpegs.add(part.jpeg());
                        }
                        // Decoded afterwards: decoding while reading would add the test's own backlog to the latency.
                        for (int n = 0; n < jpegs.size(); n += 10) {
                            BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpegs.get(n)));
                            assertNotNull(image, "decodable JPEG");
                            assertEquals(320, image.getWidth());
                        }
                        assertEquals(clients, streamClients(relay), "every client on the relay");
                        return latencies;
                    }
                }));
            }
            double[] all = new double[0];
            for (Future<double[]> f : results) {
                double[] l = f.get();
                int n = all.length;
                all = Arrays.copyOf(all, n + l.length);
                System.arraycopy(l, 0, all, n, l.length);
            }
            Arrays.sort(all);
            double median = all[all.length / 2];
            double p95 = all[(int) (all.length * 0.95)];
            System.out.printf(Locale.ROOT, "RelayIT: end-to-end latency source capture -> relay client, %d frames: "
                    + "median %.1f ms, p95 %.1f ms, max %.1f ms%n", all.length, median, p95, all[all.length - 1]);
            assertTrue(all[0] >= -5, "X-Timestamp is the source's capture time, so never in the future: " + all[0]);
            assertTrue(median < 500, "median latency " + median + " ms");
        } finally {
            pool.shutdownNow();
        }
        JsonNode sourceStats = Http.stats(source.uri());
        assertEquals(1, sourceStats.at("/clients/connected").asInt(), "one upstream connection for all: " + sourceStats);
        assertEquals("pi-stream relay", sourceStats.at("/clients/list/0/userAgent").asText());
        JsonNode relayStats = Http.stats(relay.uri());
        assertEquals("http", relayStats.at("/camera/kind").asText());
        assertEquals(0, relayStats.at("/camera/restarts").asInt(), "no reconnect: " + relayStats);
    }

    @Test
    @Order(2)
    void idleRelayHoldsNoUpstreamConnectionAndTheNextClientOpensOne() throws Exception {
        Http.awaitStats(relay.uri(), WAIT, s -> s.at("/camera/state").asText().equals("idle"));
        Http.awaitStats(source.uri(), WAIT, s -> s.at("/clients/connected").asInt() == 0);
        try (MjpegClient client = MjpegClient.open(relay.uri(), "/stream")) {
            awaitPart(client, p -> !p.isPlaceholder());
            assertEquals(1, streamClients(source));
        }
    }

    @Test
    @Order(3)
    void killedSourceShowsNoSignalThenFramesAgainOnTheSameConnection() throws Exception {
        try (MjpegClient client = MjpegClient.open(relay.uri(), "/stream")) {
            awaitPart(client, p -> !p.isPlaceholder());
            source.process().toHandle().destroyForcibly();
            source.process().waitFor();
            MjpegClient.Part noSignal = awaitPart(client, MjpegClient.Part::isPlaceholder);
            System.out.println("RelayIT: placeholder while the source is down: " + noSignal.placeholderReason());
            source = startSource();
            MjpegClient.Part back = awaitPart(client, p -> !p.isPlaceholder());
            assertNotNull(ImageIO.read(new ByteArrayInputStream(back.jpeg())));
            JsonNode stats = Http.stats(relay.uri());
            assertTrue(stats.at("/camera/restarts").asInt() >= 1, stats.toString());
            assertEquals(1, streamClients(source), "the relay reconnected once");
        }
    }

    /**
     * A foreign MJPEG server: basic auth, a quoted and dashed boundary, no Content-Length, chunked
     * transfer, LF line ends and a truncated part now and then; credentials given in the URL.
     */
    @Test
    @Order(4)
    void foreignServerWithBasicAuthChunkedAndNoLengths() throws Exception {
        byte[] jpeg = jpeg();
        AtomicInteger connections = new AtomicInteger();
        AtomicInteger unauthorized = new AtomicInteger();
        String expected = "Basic " + Base64.getEncoder().encodeToString("viewer:s3cret".getBytes(StandardCharsets.UTF_8));
        HttpServer foreign = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        foreign.createContext("/video", exchange -> {
            if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                unauthorized.incrementAndGet();
                exchange.sendResponseHeaders(401, -1);
                exchange.close();
                return;
            }
            connections.incrementAndGet();
            exchange.getResponseHeaders().set("Content-Type", "multipart/x-mixed-replace; boundary=\"--myboundary\"");
            exchange.sendResponseHeaders(200, 0); // chunked
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 2000; i++) {
                    boolean truncated = i % 5 == 4;
                    out.write("----myboundary\nContent-Type: image/jpeg\n\n".getBytes(StandardCharsets.US_ASCII));
                    out.write(jpeg, 0, truncated ? jpeg.length / 2 : jpeg.length);
                    out.write('\n');
                    out.flush();
                    Thread.sleep(40);
                }
            } catch (IOException | InterruptedException gone) {
                // the relay closed the connection
            }
        });
        foreign.start();
        TestServer foreignRelay = null;
        try {
            foreignRelay = TestServer.start("--port", "0", "--address", "127.0.0.1",
                    "--camera-url", "http://viewer:s3cret@127.0.0.1:" + foreign.getAddress().getPort() + "/video");
            try (MjpegClient client = MjpegClient.open(foreignRelay.uri(), "/stream")) {
                for (int i = 0; i < 10; i++) {
                    MjpegClient.Part part = awaitPart(client, p -> !p.isPlaceholder());
                    assertTrue(Arrays.equals(jpeg, part.jpeg()), "whole parts pass unchanged, truncated ones never");
                }
            }
            TestServer r = foreignRelay;
            JsonNode stats = Http.awaitStats(r.uri(), WAIT, s -> s.at("/camera/framesDropped/truncated").asInt() >= 1);
            assertEquals(0, unauthorized.get(), "the credentials from the URL were sent");
            assertEquals(1, connections.get());
            assertTrue(!stats.toString().contains("s3cret") && !foreignRelay.output().contains("s3cret"),
                    "the password shows nowhere");
        } finally {
            if (foreignRelay != null) {
                foreignRelay.stop();
            }
            foreign.stop(0);
        }
    }

    @Test
    @Order(5)
    void sourceThatIsNotAStreamIsShownToViewers() throws Exception {
        HttpServer page = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        page.createContext("/", exchange -> {
            byte[] html = "<html>login</html>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, html.length);
            exchange.getResponseBody().write(html);
            exchange.close();
        });
        page.start();
        try (TestServer r = TestServer.start("--port", "0", "--address", "127.0.0.1",
                "--camera-url", "http://127.0.0.1:" + page.getAddress().getPort() + "/");
             MjpegClient client = MjpegClient.open(r.uri(), "/stream")) {
            MjpegClient.Part part = awaitPart(client, p -> p.isPlaceholder() && p.placeholderReason().contains("not an MJPEG"));
            assertTrue(part.placeholderReason().contains("text/html"), part.placeholderReason());
        } finally {
            page.stop(0);
        }
    }

    private static byte[] jpeg() throws IOException {
        BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                image.setRGB(x, y, (x * 4) << 16 | (y * 5) << 8 | 128);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpeg", out);
        return out.toByteArray();
    }
}
