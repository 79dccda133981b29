package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Requests an attacker can repeat at will do not flood the log: thousands of refused streams write
 * a few lines, Jetty's own per-request warnings about bad requests are not written (they are
 * counted instead), and no byte a client sent reaches the log unescaped. Counts and order only:
 * the bound on lines is taken from the flood's own duration, whatever the machine's speed.
 */
class LogFloodIT {
    private static final int REFUSALS = 3000;
    private static final int BAD_AUTHORITIES = 300;
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
}
