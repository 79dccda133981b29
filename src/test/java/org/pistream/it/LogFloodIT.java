package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Requests an attacker can repeat at will do not flood the log: thousands of refused streams write
 * a few lines, Jetty's own per-request warnings about bad requests are not written (they are
 * counted instead), no byte a client sent reaches the log unescaped, and thousands of short
 * streams write a bounded number of connect and disconnect lines that still account for every one. Counts and order only:
 * the bound on lines is taken from the flood's own duration, whatever the machine's speed.
 */
class LogFloodIT {
    private static final int REFUSALS = 3000;
    private static final int BAD_AUTHORITIES = 300;
    private static final int CHURN = 2000;
    /** ViewerLog.LINES: connect (and disconnect) lines written per 10 s at most. */
    private static final int VIEWER_LINES = 10;
    private static ServerProcess server;
    private static URI uri;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.start("--camera", "test-pattern:160x120@10", "--port", "0", "--address", "127.0.0.1",
                "--max-clients", "1", "--max-clients-per-address", "0", "--max-connections-per-address", "0");
        uri = server.uri();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void floodsOfRefusalsAndBadRequestsWriteAFewEscapedLines() throws Exception {
        int linesBefore = server.lines().size();
        JsonNode before = Http.stats(uri);
        long refusedBefore = before.at("/clients/rejectedByReason/max_clients").asLong();
        long badBefore = before.at("/connections/badRequests").asLong();
        long start;
        long seconds;
        try (MjpegClient viewer = MjpegClient.open(uri, "/stream")) {
            viewer.readPart(); // the only stream slot is taken
            start = System.nanoTime();
            int clients = 4;
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                List<Future<Integer>> refused = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    refused.add(pool.submit(() -> {
                        int n = 0;
                        try (Socket s = RawHttp.connect(uri, RawHttp.LOCALHOST)) { // keep-alive: many per connection
                            for (int i = 0; i < REFUSALS / clients; i++) {
                                RawHttp.Response r = RawHttp.exchange(s, RawHttp.get(uri, "/stream?fps=2",
                                        "User-Agent: evil\u00ff"));
                                n += r.status() == 503 ? 1 : 0;
                            }
                        }
                        return n;
                    }));
                }
                int total = 0;
                for (Future<Integer> f : refused) {
                    total += f.get();
                }
                assertEquals(REFUSALS, total, "every stream past max-clients gets 503");
            } finally {
                pool.shutdownNow();
            }
            for (int i = 0; i < BAD_AUTHORITIES; i++) {
                String host = i % 3 == 0 ? "ex\u00e4mple\u001b[2J" : i % 3 == 1 ? "a b" : "[zz]";
                byte[] request = ("GET /stats HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
                assertEquals(400, RawHttp.exchange(uri, request).status());
            }
            byte[] twoHosts = "GET /stats HTTP/1.1\r\nHost: a\u00e9\r\nHost: b\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
            assertEquals(400, RawHttp.exchange(uri, twoHosts).status());
            assertEquals(400, RawHttp.exchange(uri, RawHttp.get(uri, "/stream?fps=%C3%BF%0Aevil")).status());
            seconds = (System.nanoTime() - start) / 1_000_000_000L;
        }

        JsonNode after = Http.stats(uri);
        assertEquals(refusedBefore + REFUSALS, after.at("/clients/rejectedByReason/max_clients").asLong(), "each refusal counted");
        assertEquals(badBefore + BAD_AUTHORITIES + 1, after.at("/connections/badRequests").asLong(), "each bad request counted");
        Map<String, Double> metrics = PrometheusText.parse(new String(Http.get(uri.resolve("metrics")).body(), StandardCharsets.UTF_8));
        assertEquals(badBefore + BAD_AUTHORITIES + 1, PrometheusText.value(metrics, "pistream_server_bad_requests_total"), 0.0);

        List<String> lines = server.lines().subList(linesBefore, server.lines().size());
        long refusalLines = lines.stream().filter(l -> l.contains("refused: 1 of 1 stream clients connected")).count();
        assertTrue(refusalLines >= 1, "the first refusal is logged: " + String.join("\n", lines));
        assertTrue(refusalLines <= 1 + seconds / 10 + 1, refusalLines + " refusal lines in " + seconds + " s: " + String.join("\n", lines));
        assertTrue(lines.stream().noneMatch(l -> l.contains("HostPort") || l.contains("HttpParser")),
                "Jetty's per-request warnings are not written: " + String.join("\n", lines));
        assertTrue(lines.stream().filter(l -> l.contains(" WARN ")).allMatch(l -> l.contains("refused: 1 of 1 stream clients")),
                "no other warning: " + String.join("\n", lines));
        for (String line : server.lines()) {
            assertTrue(line.chars().allMatch(c -> c >= 0x20 && c < 0x7F), "only printable ASCII in the log: " + line);
        }
        assertTrue(lines.stream().anyMatch(l -> l.contains("bad fps=\\xff\\x0aevil")), String.join("\n", lines));
    }

    /**
     * A handful of viewers get a line each; {@value #CHURN} streams opened and closed at once get at
     * most {@value #VIEWER_LINES} connect and disconnect lines per 10 s, and the next line written
     * says how many were left out: lines plus the counts they carry add up to every stream.
     */
    @Test
    void streamChurnWritesABoundedNumberOfConnectLinesThatCountEveryStream() throws Exception {
        ServerProcess churnServer = ServerProcess.start("--camera", "test-pattern:160x120@30", "--port", "0", "--address",
                "127.0.0.1", "--max-clients", "200", "--max-clients-per-address", "0", "--max-connections-per-address", "0");
        try {
            URI base = churnServer.uri();
            int linesBefore = churnServer.lines().size();
            long start = System.nanoTime();
            List<MjpegClient> handful = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                handful.add(MjpegClient.open(base, "/stream"));
            }
            for (MjpegClient viewer : handful) {
                viewer.readPart();
                viewer.close();
            }
            Http.awaitStats(base, Duration.ofSeconds(10), s -> s.at("/clients/connected").asInt() == 0);
            List<String> early = churnServer.lines().subList(linesBefore, churnServer.lines().size());
            assertEquals(3, early.stream().filter(l -> l.contains(" connected to /stream")).count(), String.join("\n", early));
            assertEquals(3, early.stream().filter(l -> l.contains(" disconnected after ")).count(), String.join("\n", early));

            int threads = 8;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<Integer>> opened = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    opened.add(pool.submit(() -> {
                        int n = 0;
                        for (int i = 0; i < CHURN / threads; i++) {
                            try (MjpegClient client = MjpegClient.open(base, "/stream")) {
                                n += client.status() == 200 ? 1 : 0;
                            }
                        }
                        return n;
                    }));
                }
                int total = 0;
                for (Future<Integer> f : opened) {
                    total += f.get();
                }
                assertEquals(CHURN, total, "every stream opened");
            } finally {
                pool.shutdownNow();
            }
            Http.awaitStats(base, Duration.ofSeconds(30), s -> s.at("/clients/connected").asInt() == 0);
            // A new 10 s interval of the gates: the next viewer's lines go out and carry the counts.
            Thread.sleep(10_500);
            try (MjpegClient last = MjpegClient.open(base, "/stream")) {
                last.readPart();
            }
            int streams = 3 + CHURN + 1;
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < deadline && accounted(churnServer, linesBefore, "disconnects") < streams) {
                Thread.sleep(50); // the last viewer's disconnect line
            }
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;

            List<String> lines = churnServer.lines().subList(linesBefore, churnServer.lines().size());
            assertEquals(streams, Http.stats(base).at("/clients/accepted").asLong(), "every stream counted in /stats");
            long bound = VIEWER_LINES * (2 + seconds / 10);
            for (String kind : List.of("connects", "disconnects")) {
                List<String> kindLines = lines.stream().filter(l -> l.contains(marker(kind))).toList();
                assertTrue(kindLines.size() <= bound, kindLines.size() + " " + kind + " lines in " + seconds + " s");
                assertEquals(streams, accounted(churnServer, linesBefore, kind),
                        kind + ": the lines and the counts they carry add up to every stream: " + String.join("\n", kindLines));
                assertTrue(leftOut(kind, kindLines.get(kindLines.size() - 1)) > 0, "the last viewer's line says how many were left out: "
                        + kindLines.get(kindLines.size() - 1));
            }
        } finally {
            churnServer.stop();
        }
    }

    private static String marker(String kind) {
        return kind.equals("connects") ? " connected to /stream" : " disconnected after ";
    }

    /** The streams a server's log accounts for since line {@code from}: its lines plus the counts they carry. */
    private static long accounted(ServerProcess server, int from, String kind) {
        List<String> lines = server.lines();
        return lines.subList(from, lines.size()).stream().filter(l -> l.contains(marker(kind))).mapToLong(l -> 1 + leftOut(kind, l)).sum();
    }

    /** N of a line's " (N more KIND in the last S s)", or 0. */
    private static long leftOut(String kind, String line) {
        Matcher m = Pattern.compile("\\((\\d[\\d,]*) more " + kind + " in the last \\d+ s\\)$").matcher(line);
        return m.find() ? Long.parseLong(m.group(1).replace(",", "")) : 0;
    }
}
