package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped reverse-proxy configurations ({@code packaging/nginx}, {@code packaging/haproxy}) in
 * front of a real pi-stream, each in a real proxy from Debian's packages on loopback: pi-stream
 * works under the path prefix, and frames arrive through the proxy as soon as they arrive directly.
 * The only change to a shipped file is the address: the test's ports instead of 80 and 8080.
 *
 * <p>The test reads the stream directly and through the proxy at the same time and pairs the frames
 * by their {@code X-Timestamp}: how much later a frame arrives through the proxy is what the proxy
 * adds, whatever else keeps the machine busy. A buffering proxy holds each frame until the next
 * one pushes it out. The figures are printed for the record. pi-stream runs as {@code java -jar}
 * here, not in the test's JVM, so that its work does not delay the readers that time the frames.
 */
class ReverseProxyIT {
    private static final int FRAMES = 40;
    private static final HttpClient NO_REDIRECTS = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static ServerProcess server;

    @BeforeAll
    static void startPiStream() throws Exception {
        server = ServerProcess.start("--camera", "test-pattern:320x240@20", "--port", "0", "--address", "127.0.0.1",
                "--stats-interval", "0");
    }

    @AfterAll
    static void stopPiStream() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void nginxWithTheShippedSnippetsStreamsUnderCameraWithoutDelay() throws Exception {
        Path dir = ProxyProcess.directory("nginx-");
        int port = ServerProcess.freePort();
        Path upstream = dir.resolve("pi-stream-upstream.conf");
        Files.writeString(upstream, ProxyProcess.replaceOnce(ProxyProcess.shipped("nginx/conf.d/pi-stream-upstream.conf"),
                "server 127.0.0.1:8080;", "server 127.0.0.1:" + server.port() + ";"));
        String http = "  include " + upstream + ";\n"
                + "  server {\n"
                + "    listen 127.0.0.1:" + port + ";\n"
                + "    include " + ProxyProcess.shippedPath("nginx/snippets/pi-stream.conf") + ";\n"
                + "  }\n";
        try (ProxyProcess proxy = ProxyProcess.nginx(dir, port, 64, http)) {
            checkThroughProxy("nginx", proxy);
        }
    }

    @Test
    void haproxyWithTheShippedConfigurationStreamsUnderCameraWithoutDelay() throws Exception {
        Path dir = ProxyProcess.directory("haproxy-");
        int port = ServerProcess.freePort();
        String cfg = ProxyProcess.shipped("haproxy/pi-stream.cfg");
        cfg = ProxyProcess.replaceOnce(cfg, "bind :80", "bind 127.0.0.1:" + port);
        cfg = ProxyProcess.replaceOnce(cfg, "server pi-stream 127.0.0.1:8080", "server pi-stream 127.0.0.1:" + server.port());
        try (ProxyProcess proxy = ProxyProcess.haproxy(dir, port, cfg)) {
            checkThroughProxy("haproxy", proxy);
        }
    }

    private static void checkThroughProxy(String name, ProxyProcess proxy) throws Exception {
        HttpResponse<String> bare = NO_REDIRECTS.send(HttpRequest.newBuilder(proxy.uri("camera")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(301, bare.statusCode(), "the prefix without its slash redirects");
        assertTrue(bare.headers().firstValue("location").orElse("").endsWith("/camera/"), bare.headers().toString());

        HttpResponse<String> page = NO_REDIRECTS.send(HttpRequest.newBuilder(proxy.uri("camera/"))
                .header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("content-type").orElse("").startsWith("text/html"), page.headers().toString());

        HttpResponse<byte[]> snapshot = Http.get(proxy.uri("camera/snapshot"));
        assertEquals(200, snapshot.statusCode(), proxy.output());
        MjpegClient.checkJpeg(snapshot.body());

        // The same frames directly and through the proxy at once: a busy moment of the machine
        // delays both, and the difference is what the proxy adds.
        Delays delays = compare(server.uri(), proxy.uri(""));
        System.out.printf("%s: first frame %d ms (direct %d ms); added delay per frame: median %.1f ms, 90th percentile"
                + " %.1f ms, max %.1f ms over %d frames%n", name, delays.firstProxied(), delays.firstDirect(),
                delays.percentile(50), delays.percentile(90), delays.percentile(100), delays.added().size());

        assertTrue(delays.firstProxied() < 1000, name + ": first frame after " + delays.firstProxied() + " ms");
        // A proxy that buffers holds each frame until the next one pushes it out: 50 ms at 20 fps.
        assertTrue(delays.percentile(50) < 20, name + ": frames arrive later through the proxy: " + delays);
        // Nor may a proxy hold back a frame now and then, as one that coalesces small writes would.
        assertTrue(delays.percentile(90) < 40, name + ": frames are held back now and then: " + delays);
    }

    /** Per frame, how much later it arrived through the proxy than directly; and the first frames' times. */
    record Delays(long firstDirect, long firstProxied, List<Double> added) {
        double percentile(int p) {
            List<Double> sorted = new ArrayList<>(added);
            Collections.sort(sorted);
            return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
        }
    }

    private static Delays compare(URI direct, URI proxied) throws Exception {
        ExecutorService readers = Executors.newFixedThreadPool(2);
        try {
            Future<Arrivals> d = readers.submit(() -> arrivals(direct, "/stream"));
            Future<Arrivals> p = readers.submit(() -> arrivals(proxied, "/camera/stream"));
            Arrivals viaDirect = d.get(30, TimeUnit.SECONDS);
            Arrivals viaProxy = p.get(30, TimeUnit.SECONDS);
            List<Double> added = new ArrayList<>();
            viaProxy.nanosByTimestamp().forEach((timestamp, nanos) -> {
                Long directNanos = viaDirect.nanosByTimestamp().get(timestamp);
                if (directNanos != null) {
                    added.add((nanos - directNanos) / 1e6);
                }
            });
            assertTrue(added.size() >= FRAMES / 2, "both streams carry the same frames: " + viaDirect + " " + viaProxy);
            return new Delays(viaDirect.firstFrameMillis(), viaProxy.firstFrameMillis(), added);
        } finally {
            readers.shutdownNow();
        }
    }

    /** When each frame of a stream arrived (nano time, by its X-Timestamp), and how long the first one took. */
    record Arrivals(long firstFrameMillis, Map<String, Long> nanosByTimestamp) {
    }

    private static Arrivals arrivals(URI base, String path) throws IOException {
        long start = System.nanoTime();
        try (MjpegClient client = MjpegClient.open(base, path)) {
            assertEquals(200, client.status());
            MjpegClient.Part first = client.readPart();
            long firstFrameMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(!first.isPlaceholder(), "a camera frame");
            Map<String, Long> arrivals = new HashMap<>();
            for (int i = 0; i < FRAMES; i++) {
                MjpegClient.Part part = client.readPart();
                arrivals.put(part.headers().get("x-timestamp"), System.nanoTime());
            }
            return new Arrivals(firstFrameMillis, arrivals);
        }
    }
}
