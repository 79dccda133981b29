package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A relay tree as {@code packaging/relay} ships it, on loopback: a source pi-stream with the test
 * pattern, two relays reading it with {@code relay.properties}, and nginx with the relay
 * {@code nginx.conf} spreading 200 viewers over the relays. The shipped files change only in their
 * addresses (flags for the relays, text replacement for the proxies).
 *
 * <p>Each viewer is a thread reading one connection through nginx with the strict
 * {@link MjpegClient}, which checks every part and its JPEG markers, from the first test to the
 * end of the class. A viewer never connects again: a stream that ends or breaks fails the test. The
 * tests run in order on the same viewers: frames and latency, then the source killed and started
 * again on its port; last, HAProxy with the relay {@code haproxy.cfg} in front of the same relays.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RelayTreeIT {
    private static final int VIEWERS = 200;
    /**
     * 10 fps rather than a camera's 30: 200 strict parsers in this JVM share two busy cores in CI
     * with three servers and nginx, and a parser that falls behind would measure its own backlog.
     */
    private static final String CAMERA = "test-pattern:320x240@10";
    /**
     * Camera frames per viewer left out of the latency: the first 2 s, while 200 viewers arrive at
     * once and the three servers' JIT compilers are still cold (up to several hundred ms then).
     */
    private static final int WARMUP = 20;
    /** Camera frames per viewer whose latency is measured, after {@link #WARMUP}. */
    private static final int SAMPLES = 30;
    /** Generous: other builds share the machine. */
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static int sourcePort;
    private static ServerProcess source;
    private static final List<TestServer> relays = new ArrayList<>();
    private static ProxyProcess nginx;
    private static final List<Viewer> viewers = new ArrayList<>();

    @BeforeAll
    static void startTree() throws Exception {
        ProxyProcess.tool("nginx"); // skips (or fails in CI) before three servers start for nothing
        sourcePort = ServerProcess.freePort();
        source = startSource();
        for (int i = 0; i < 2; i++) {
            relays.add(TestServer.start("--config", ProxyProcess.shippedPath("relay/relay.properties").toString(),
                    "--port", "0", "--address", "127.0.0.1", "--camera-url", "http://127.0.0.1:" + sourcePort + "/stream"));
        }
        int port = ServerProcess.freePort();
        String conf = ProxyProcess.shipped("relay/nginx.conf");
        conf = ProxyProcess.replaceOnce(conf, "listen 80;", "listen 127.0.0.1:" + port + ";");
        conf = ProxyProcess.replaceOnce(conf, "server 192.168.1.21:8080;", "server 127.0.0.1:" + relays.get(0).port() + ";");
        conf = ProxyProcess.replaceOnce(conf, "server 192.168.1.22:8080;", "server 127.0.0.1:" + relays.get(1).port() + ";");
        Path dir = ProxyProcess.directory("nginx-relays-");
        Path include = dir.resolve("pi-stream-relays.conf");
        Files.writeString(include, conf);
        // Two connections a viewer (its own and nginx's to a relay), and room for stats requests.
        nginx = ProxyProcess.nginx(dir, port, 1024, "  include " + include + ";\n");
    }

    private static ServerProcess startSource() throws Exception {
        return ServerProcess.start("--camera", CAMERA, "--port", String.valueOf(sourcePort), "--address", "127.0.0.1");
    }

    /** Closes everything that started, each even if another close fails. */
    @AfterAll
    static void stopTree() throws Exception {
        List<AutoCloseable> all = new ArrayList<>(viewers);
        all.add(nginx);
        all.addAll(relays);
        all.add(source);
        Exception first = null;
        for (AutoCloseable c : all) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Test
    @Order(1)
    void twoHundredViewersThroughNginxGetValidFramesOverOneSourceConnectionPerRelay() throws Exception {
        for (int i = 0; i < VIEWERS; i++) {
            viewers.add(Viewer.start(nginx.uri(""), "viewer-" + i));
        }
        long started = System.nanoTime();
        awaitViewers("measured " + SAMPLES + " camera frames", v -> v.latencyCount() == SAMPLES);
        System.out.printf(Locale.ROOT, "RelayTreeIT: %d viewers had %d camera frames each after %d ms%n", VIEWERS,
                WARMUP + SAMPLES, (System.nanoTime() - started) / 1_000_000);

        JsonNode sourceStats = Http.stats(source.uri());
        assertEquals(2, sourceStats.at("/clients/connected").asInt(), "one connection per relay: " + sourceStats.at("/clients"));
        for (JsonNode client : sourceStats.at("/clients/list")) {
            assertEquals("pi-stream relay", client.at("/userAgent").asText());
        }
        int[] perRelay = relayCounts("/clients/connected");
        System.out.println("RelayTreeIT: viewers per relay " + Arrays.toString(perRelay));
        assertEquals(VIEWERS, perRelay[0] + perRelay[1], "every viewer on a relay");
        for (int n : perRelay) {
            // least_conn should split them evenly; a quarter leaves room and still shows balancing.
            assertTrue(n >= VIEWERS / 4, "nginx spreads the viewers: " + Arrays.toString(perRelay));
        }

        // Both relays pass the source's X-Timestamp on unchanged, so the latency below is end to end.
        awaitEveryViewerSees(sourceTimestamp());

        double[] latencies = viewers.stream().flatMapToDouble(v -> Arrays.stream(v.latencies())).sorted().toArray();
        double median = percentile(latencies, 50);
        double p99 = percentile(latencies, 99);
        System.out.printf(Locale.ROOT, "RelayTreeIT: latency source capture -> viewer (source, relay, nginx), %d frames "
                + "after the first %d of each viewer: median %.1f ms, p99 %.1f ms, max %.1f ms%n", latencies.length, WARMUP,
                median, p99, latencies[latencies.length - 1]);
        assertTrue(latencies[0] >= -5, "X-Timestamp is the capture time on this machine's clock, never ahead: " + latencies[0]);
        // Tens of ms normally; loose enough for a shared machine at eight times its cores (median 1.3 s, p99 3.6 s
        // measured at load 17 on 2 cores), so only frames held back for seconds fail.
        assertTrue(median < 2000 && p99 < 5000, "latency median " + median + " ms, p99 " + p99 + " ms");

        for (int i = 0; i < VIEWERS; i += VIEWERS / 10) {
            decode(viewers.get(i).firstCameraJpeg());
        }
    }

    @Test
    @Order(2)
    void killedSourceShowsNoSignalThenEveryViewerResumesOnItsConnection() throws Exception {
        assertEquals(VIEWERS, viewers.size(), "the viewers of the first test");
        Map<Viewer, Long> placeholdersBefore = new IdentityHashMap<>();
        viewers.forEach(v -> placeholdersBefore.put(v, v.placeholders()));
        long killed = System.nanoTime();
        source.process().toHandle().destroyForcibly();
        source.process().waitFor();
        awaitViewers("a no-signal picture", v -> v.placeholders() > placeholdersBefore.get(v));
        System.out.printf(Locale.ROOT, "RelayTreeIT: every viewer had the no-signal picture %d ms after the kill: %s%n",
                (System.nanoTime() - killed) / 1_000_000, viewers.get(0).placeholderReason());
        for (TestServer relay : relays) {
            JsonNode camera = Http.stats(relay.uri()).at("/camera");
            assertTrue(!camera.at("/state").asText().equals("streaming") && camera.at("/problem").isTextual(),
                    "the relay knows its source is gone: " + camera);
        }

        long restartedMicros = System.currentTimeMillis() * 1000;
        long restarted = System.nanoTime();
        source = startSource();
        awaitViewers("a camera frame from the restarted source", v -> v.newestCaptureMicros() > restartedMicros);
        System.out.printf(Locale.ROOT, "RelayTreeIT: every viewer had frames again %d ms after the restart began%n",
                (System.nanoTime() - restarted) / 1_000_000);
        awaitEveryViewerSees(sourceTimestamp());

        assertEquals(2, Http.stats(source.uri()).at("/clients/connected").asInt(), "each relay reconnected once");
        assertEquals(VIEWERS, sum(relayCounts("/clients/connected")), "every viewer still there");
        // Every stream viewer the relays ever accepted: a viewer that had come again would count twice.
        assertEquals(VIEWERS, sum(relayCounts("/clients/accepted")), "no viewer connected again");
        for (TestServer relay : relays) {
            JsonNode camera = Http.stats(relay.uri()).at("/camera");
            assertTrue(camera.at("/restarts").asInt() >= 1, "reconnected: " + camera);
        }
        for (int i = 0; i < VIEWERS; i += VIEWERS / 10) {
            decode(viewers.get(i).newestCameraJpeg());
        }
    }

    /** Runs last: its viewers add to the relays' counts. */
    @Test
    @Order(3)
    void haproxyWithTheShippedRelayConfigurationSpreadsViewersOverTheRelays() throws Exception {
        int port = ServerProcess.freePort();
        String cfg = ProxyProcess.shipped("relay/haproxy.cfg");
        cfg = ProxyProcess.replaceOnce(cfg, "bind :80", "bind 127.0.0.1:" + port);
        cfg = ProxyProcess.replaceOnce(cfg, "server relay1 192.168.1.21:8080", "server relay1 127.0.0.1:" + relays.get(0).port());
        cfg = ProxyProcess.replaceOnce(cfg, "server relay2 192.168.1.22:8080", "server relay2 127.0.0.1:" + relays.get(1).port());
        int[] before = relayCounts("/clients/accepted");
        List<Viewer> throughHaproxy = new ArrayList<>();
        try (ProxyProcess haproxy = ProxyProcess.haproxy(ProxyProcess.directory("haproxy-relays-"), port, cfg)) {
            for (int i = 0; i < 10; i++) {
                throughHaproxy.add(Viewer.start(haproxy.uri(""), "haproxy-viewer-" + i));
            }
            awaitViewers(throughHaproxy, "camera frames through HAProxy", v -> v.cameraFrames() >= 5);
            int[] after = relayCounts("/clients/accepted");
            for (int r = 0; r < 2; r++) {
                assertTrue(after[r] > before[r], "HAProxy spreads the viewers: " + Arrays.toString(before) + " -> "
                        + Arrays.toString(after));
            }
            decode(throughHaproxy.get(0).newestCameraJpeg());
        } finally {
            for (Viewer v : throughHaproxy) {
                v.close();
            }
        }
    }

    private static String sourceTimestamp() throws Exception {
        HttpResponse<byte[]> snapshot = Http.get(source.uri("snapshot"));
        assertEquals(200, snapshot.statusCode());
        return snapshot.headers().firstValue("X-Timestamp").orElseThrow();
    }

    private static void awaitEveryViewerSees(String timestamp) throws InterruptedException {
        awaitViewers("the source's frame " + timestamp, v -> v.saw(timestamp));
    }

    private static void awaitViewers(String what, Predicate<Viewer> done) throws InterruptedException {
        awaitViewers(viewers, what, done);
    }

    /** Waits until every viewer is {@code done}; fails at once when a viewer's stream broke. */
    private static void awaitViewers(List<Viewer> all, String what, Predicate<Viewer> done) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<Viewer> failed = all.stream().filter(v -> v.failure() != null).toList();
            if (!failed.isEmpty()) {
                throw new AssertionError(failed.size() + " viewers lost their stream, first " + failed.get(0),
                        failed.get(0).failure());
            }
            long waiting = all.stream().filter(done.negate()).count();
            if (waiting == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(waiting + " of " + all.size() + " viewers without " + what + " after " + WAIT);
            }
            Thread.sleep(100);
        }
    }

    private static int[] relayCounts(String pointer) throws Exception {
        int[] counts = new int[relays.size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = Http.stats(relays.get(i).uri()).at(pointer).asInt();
        }
        return counts;
    }

    private static int sum(int[] counts) {
        return Arrays.stream(counts).sum();
    }

    private static double percentile(double[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, sorted.length * p / 100)];
    }

    private static void decode(byte[] jpeg) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        assertNotNull(image, "a decodable JPEG");
        assertEquals(320, image.getWidth());
        assertEquals(240, image.getHeight());
    }

    /**
     * One viewer: its thread ({@code viewer-N}) opens one connection, reads parts until closed and
     * keeps counts that the test thread reads. It never connects again; a stream that ends or
     * breaks is its failure.
     */
    private static final class Viewer implements AutoCloseable {
        private final URI base;
        private final String name;
        private final Thread thread;
        private final double[] latencies = new double[SAMPLES];
        /** Every camera frame's X-Timestamp, as sent. Guarded by itself. */
        private final Set<String> seen = new HashSet<>();
        private volatile MjpegClient client;
        private volatile boolean closing;
        private volatile Throwable failure;
        private volatile int latencyCount;
        private volatile long cameraFrames;
        private volatile long placeholders;
        private volatile String placeholderReason;
        private volatile long newestCaptureMicros;
        private volatile byte[] firstCameraJpeg;
        private volatile byte[] newestCameraJpeg;

        private Viewer(URI base, String name) {
            this.base = base;
            this.name = name;
            this.thread = new Thread(this::run, name);
            thread.setDaemon(true);
        }

        static Viewer start(URI base, String name) {
            Viewer viewer = new Viewer(base, name);
            viewer.thread.start();
            return viewer;
        }

        private void run() {
            try (MjpegClient c = MjpegClient.open(base, "/stream")) {
                client = c;
                if (closing) {
                    return;
                }
                if (c.status() != 200) {
                    throw new IOException("status " + c.status());
                }
                while (!closing) {
                    MjpegClient.Part part = c.readPart();
                    if (part == null) {
                        throw new IOException("the stream ended");
                    }
                    receive(part, System.currentTimeMillis());
                }
            } catch (Throwable t) {
                if (!closing) {
                    failure = t;
                }
            }
        }

        private void receive(MjpegClient.Part part, long nowMillis) {
            if (part.isPlaceholder()) {
                placeholderReason = part.placeholderReason();
                placeholders++;
                return;
            }
            String timestamp = part.headers().get("x-timestamp");
            synchronized (seen) {
                seen.add(timestamp);
            }
            if (cameraFrames >= WARMUP && latencyCount < SAMPLES) {
                latencies[latencyCount] = nowMillis - part.timestamp() * 1000;
                latencyCount++;
            }
            if (firstCameraJpeg == null) {
                firstCameraJpeg = part.jpeg();
            }
            newestCameraJpeg = part.jpeg();
            newestCaptureMicros = Math.round(part.timestamp() * 1e6);
            cameraFrames++;
        }

        Throwable failure() {
            return failure;
        }

        long cameraFrames() {
            return cameraFrames;
        }

        int latencyCount() {
            return latencyCount;
        }

        /** Only once {@link #latencyCount()} is {@link #SAMPLES}: the volatile count publishes the array. */
        double[] latencies() {
            return Arrays.copyOf(latencies, latencyCount);
        }

        long placeholders() {
            return placeholders;
        }

        String placeholderReason() {
            return placeholderReason;
        }

        long newestCaptureMicros() {
            return newestCaptureMicros;
        }

        byte[] firstCameraJpeg() {
            return firstCameraJpeg;
        }

        byte[] newestCameraJpeg() {
            return newestCameraJpeg;
        }

        boolean saw(String timestamp) {
            synchronized (seen) {
                return seen.contains(timestamp);
            }
        }

        @Override
        public void close() throws IOException {
            closing = true;
            MjpegClient c = client;
            if (c != null) {
                c.close();
            }
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public String toString() {
            return name + "{frames=" + cameraFrames + " placeholders=" + placeholders + "}";
        }
    }
}
