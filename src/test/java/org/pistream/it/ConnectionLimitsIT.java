package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Connection and stream limits under floods. Each flood comes from its own loopback address
 * (127.0.0.2, 127.0.0.3, ...), the honest viewer and the stats from 127.0.0.1, so the tests show
 * that one host cannot take the slots of the others.
 */
class ConnectionLimitsIT {
    private static final int MAX_CONNECTIONS = 20;
    private static final int PER_ADDRESS = 6;
    private static final int STREAMS_PER_ADDRESS = 3;
    private static WatchedServer watched;
    private static TestServer server;
    private static URI uri;
    private final List<Socket> sockets = new ArrayList<>();
    private final List<MjpegClient> streams = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        watched = WatchedServer.start("--camera", "test-pattern:320x240@20", "--port", "0", "--address", "127.0.0.1",
                "--max-clients", "20", "--max-connections", String.valueOf(MAX_CONNECTIONS),
                "--max-connections-per-address", String.valueOf(PER_ADDRESS),
                "--max-clients-per-address", String.valueOf(STREAMS_PER_ADDRESS), "--header-timeout", "30");
        server = watched.server();
        uri = watched.uri();
    }

    @AfterAll
    static void stop() throws Exception {
        if (watched != null) {
            watched.close();
        }
    }

    @AfterEach
    void closeEverythingAndCheckNothingLeaked() throws Exception {
        for (Socket s : sockets) {
            s.close();
        }
        for (MjpegClient c : streams) {
            c.close();
        }
        watched.assertUndisturbedAndBackToBaseline(5);
    }

    private Socket idle(String address) throws Exception {
        Socket s = RawHttp.connect(uri, address);
        sockets.add(s);
        return s;
    }

    @Test
    void floodFromOneAddressBeyondItsCapGets503AndOthersAreServed() throws Exception {
        long refusedBefore = Http.stats(uri).at("/connections/refused").asLong();
        for (int i = 0; i < PER_ADDRESS; i++) {
            idle("127.0.0.2");
        }
        Http.awaitStats(uri, Duration.ofSeconds(5), s -> s.at("/connections/open").asInt() >= watched.baselineConnections() + PER_ADDRESS);
        int flood = 12;
        for (int i = 0; i < flood; i++) {
            Socket s = idle("127.0.0.2");
            RawHttp.Response r = RawHttp.exchange(s, RawHttp.get(uri, "/snapshot"));
            assertEquals(503, r.status(), r.toString());
            assertEquals("5", r.header("retry-after"));
            assertEquals("close", r.header("connection"));
            assertTrue(RawHttp.closedWithin(s, 5000), "a refused connection is closed after its answer");
        }
        // Meanwhile everyone else is served, new connections included.
        RawHttp.Response snapshot = RawHttp.exchange(uri, RawHttp.get(uri, "/snapshot", "Connection: close"));
        assertEquals(200, snapshot.status());
        MjpegClient.checkJpeg(snapshot.body());
        JsonNode stats = Http.stats(uri);
        assertEquals(refusedBefore + flood, stats.at("/connections/refused").asLong(), stats.at("/connections").toString());
        assertTrue(server.awaitOutput("Refused a connection from 127.0.0.2: too many connections from your address (6)",
                Duration.ofSeconds(5)), server.output());
    }

    @Test
    void refusedConnectionsThatSendNothingAreClosedSoon() throws Exception {
        for (int i = 0; i < PER_ADDRESS; i++) {
            idle("127.0.0.3");
        }
        Http.awaitStats(uri, Duration.ofSeconds(5), s -> s.at("/connections/open").asInt() >= watched.baselineConnections() + PER_ADDRESS);
        List<Socket> silent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            silent.add(idle("127.0.0.3"));
        }
        for (Socket s : silent) {
            assertTrue(RawHttp.closedWithin(s, 6000), "a refused connection that says nothing is closed within seconds");
        }
    }

    @Test
    void totalCapGets503ButAdmittedClientsKeepStreaming() throws Exception {
        int open = Http.stats(uri).at("/connections/open").asInt();
        // Fill every slot from several addresses, none over its own cap.
        int needed = MAX_CONNECTIONS - open;
        for (int i = 0; i < needed; i++) {
            idle("127.0.0." + (10 + i / PER_ADDRESS));
        }
        Http.awaitStats(uri, Duration.ofSeconds(5), s -> s.at("/connections/open").asInt() == MAX_CONNECTIONS);
        RawHttp.Response refused = RawHttp.exchange(uri, "127.0.0.20", RawHttp.get(uri, "/stats"));
        assertEquals(503, refused.status(), refused.toString());
        assertEquals("5", refused.header("retry-after"));
        assertTrue(refused.text().contains("too many connections (" + MAX_CONNECTIONS + ")"), refused.text());
        watched.viewer().assertStreaming(10, Duration.ofSeconds(5), Duration.ofSeconds(2));

        // A slot given back is a slot for the next one.
        sockets.remove(0).close();
        Http.awaitStats(uri, Duration.ofSeconds(5), s -> s.at("/connections/open").asInt() < MAX_CONNECTIONS);
        RawHttp.Response served = RawHttp.exchange(uri, "127.0.0.20", RawHttp.get(uri, "/stats", "Connection: close"));
        assertEquals(200, served.status(), served.toString());
    }

    @Test
    void streamsFromOneAddressBeyondItsCapGet503() throws Exception {
        long before = Http.stats(uri).at("/clients/rejectedPerAddress").asLong();
        for (int i = 0; i < STREAMS_PER_ADDRESS; i++) {
            MjpegClient c = MjpegClient.open(uri, "/stream", Map.of(), "127.0.0.4");
            streams.add(c);
            assertEquals(200, c.status());
            c.readPart();
        }
        RawHttp.Response refused = RawHttp.exchange(uri, "127.0.0.4", RawHttp.get(uri, "/stream"));
        assertEquals(503, refused.status(), refused.toString());
        assertEquals("5", refused.header("retry-after"));
        assertTrue(refused.text().contains("Too many streams from your address (3)"), refused.text());
        RawHttp.Response root = RawHttp.exchange(uri, "127.0.0.4", RawHttp.get(uri, "/"));
        assertEquals(503, root.status(), "the stream at / counts too: " + root);

        MjpegClient other = MjpegClient.open(uri, "/stream", Map.of(), "127.0.0.5");
        streams.add(other);
        assertEquals(200, other.status(), "another address still gets a stream");
        other.readPart();
        JsonNode stats = Http.stats(uri);
        assertEquals(before + 2, stats.at("/clients/rejectedPerAddress").asLong());
        assertEquals(STREAMS_PER_ADDRESS, stats.at("/clients/maxPerAddress").asInt());

        streams.remove(0).close();
        Http.awaitStats(uri, Duration.ofSeconds(5), s -> s.at("/clients/connected").asInt() == STREAMS_PER_ADDRESS + 1);
        MjpegClient again = MjpegClient.open(uri, "/stream", Map.of(), "127.0.0.4");
        streams.add(again);
        assertEquals(200, again.status(), "a stream that ended gives its address's slot back");
        again.readPart();
    }

    /**
     * Churn from one address, never more than {@code PER_ADDRESS - 2} connections open at once on
     * the client's side: each connection asks for one snapshot and is closed, half of them by the
     * server ({@code Connection: close}), half by the client right after the answer (keep-alive, so
     * the server learns of the close only when it reads the end of the connection). Nobody is
     * refused, however far the server lags behind the closes.
     */
    @Test
    void shortConnectionsBelowTheCapAreNeverRefused() throws Exception {
        int clients = PER_ADDRESS - 2;
        int perClient = 500;
        long refusedBefore = Http.stats(uri).at("/connections/refused").asLong();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        Map<Integer, Integer> statuses = new TreeMap<>();
        try {
            List<Future<Map<Integer, Integer>>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                boolean serverCloses = c % 2 == 0;
                results.add(pool.submit(() -> {
                    Map<Integer, Integer> counts = new TreeMap<>();
                    for (int i = 0; i < perClient; i++) {
                        try (Socket s = RawHttp.connect(uri, "127.0.0.30")) {
                            byte[] request = serverCloses ? RawHttp.get(uri, "/snapshot", "Connection: close")
                                    : RawHttp.get(uri, "/snapshot");
                            s.getOutputStream().write(request);
                            InputStream in = s.getInputStream();
                            RawHttp.Response r = RawHttp.read(in, false);
                            counts.merge(r.status(), 1, Integer::sum);
                        }
                    }
                    return counts;
                }));
            }
            for (Future<Map<Integer, Integer>> f : results) {
                f.get().forEach((status, n) -> statuses.merge(status, n, Integer::sum));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(Map.of(200, clients * perClient), statuses, "answers by status");
        assertEquals(refusedBefore, Http.stats(uri).at("/connections/refused").asLong(), "connections refused");
    }
}
