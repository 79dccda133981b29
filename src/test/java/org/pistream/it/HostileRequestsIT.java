package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Hostile and broken requests against the embedded server over real sockets: each gets its
 * documented answer, an honest viewer keeps getting frames throughout, and afterwards no stream
 * slot, connection or request thread is left taken.
 */
class HostileRequestsIT {
    private static WatchedServer watched;
    private static TestServer server;
    private static URI uri;

    @BeforeAll
    static void start() throws Exception {
        // 640x480 at 30 fps fills a stalled client's socket buffers within seconds.
        watched = WatchedServer.start("--camera", "test-pattern:640x480@30", "--port", "0", "--address", "127.0.0.1",
                "--header-timeout", "2", "--client-timeout", "2");
        server = watched.server();
        uri = watched.uri();
    }

    @AfterAll
    static void stop() throws Exception {
        if (watched != null) {
            watched.close();
        }
    }

    /** The honest viewer streamed through the test, and nothing the test took is still taken. */
    @AfterEach
    void honestViewerStreamedAndNothingLeaked() throws Exception {
        watched.assertUndisturbedAndBackToBaseline(3);
    }

    @Test
    void oversizedRequestHeadsGet431() throws Exception {
        RawHttp.Response big = RawHttp.exchange(uri, RawHttp.get(uri, "/stats", "X-Big: " + "a".repeat(16 * 1024)));
        assertEquals(431, big.status(), big.toString());
        String[] many = new String[200];
        for (int i = 0; i < many.length; i++) {
            many[i] = "X-Header-" + i + ": " + "v".repeat(60);
        }
        assertEquals(431, RawHttp.exchange(uri, RawHttp.get(uri, "/stream", many)).status());
    }

    @Test
    void overlongUriGets414() throws Exception {
        RawHttp.Response r = RawHttp.exchange(uri, RawHttp.get(uri, "/stream?" + "q".repeat(16 * 1024)));
        assertEquals(414, r.status(), r.toString());
    }

    @Test
    void requestBodyOnGetIsRefusedWithoutBeingRead() throws Exception {
        try (Socket socket = RawHttp.connect(uri, RawHttp.LOCALHOST)) {
            OutputStream out = socket.getOutputStream();
            out.write(RawHttp.get(uri, "/stats", "Content-Length: 50000000"));
            out.write(new byte[64 * 1024]); // a sliver of the announced 50 MB
            out.flush();
            // The answer comes while 49.9 MB of the body are still unsent, and before any timeout of the
            // server (the read gives up after 10 s, Jetty's idle timeout here is 12 s): it did not wait.
            RawHttp.Response r = RawHttp.read(socket.getInputStream(), false);
            assertEquals(413, r.status(), r.toString());
            assertEquals("close", r.header("connection"));
            assertTrue(RawHttp.closedWithin(socket, 10_000), "the connection is closed, the body never read");
        }
        RawHttp.Response chunked = RawHttp.exchange(uri, RawHttp.get(uri, "/snapshot", "Transfer-Encoding: chunked"));
        assertEquals(413, chunked.status(), chunked.toString());

        byte[] head = RawHttp.get(uri, "/stats", "Content-Length: 100", "Connection: close");
        byte[] small = new byte[head.length + 100];
        System.arraycopy(head, 0, small, 0, head.length);
        assertEquals(200, RawHttp.exchange(uri, small).status(), "a small body is tolerated (and ignored)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "TRACE", "PROPFIND", "BREW", "get"})
    void otherMethodsGet405WithAllow(String method) throws Exception {
        RawHttp.Response r = RawHttp.exchange(uri, RawHttp.request(method, uri, "/stream", "Content-Length: 0"));
        assertEquals(405, r.status(), r.toString());
        assertEquals("GET, HEAD, OPTIONS", r.header("allow"));
    }

    @Test
    void connectGets405() throws Exception {
        RawHttp.Response r = RawHttp.exchange(uri, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        assertEquals(405, r.status(), r.toString());
    }

    @Test
    void optionsAndHeadAreAnswered() throws Exception {
        RawHttp.Response options = RawHttp.exchange(uri, RawHttp.request("OPTIONS", uri, "/stream"));
        assertEquals(204, options.status(), options.toString());
        assertEquals("GET, HEAD, OPTIONS", options.header("allow"));
        RawHttp.Response head = RawHttp.exchange(uri, RawHttp.request("HEAD", uri, "/stats"));
        assertEquals(200, head.status(), head.toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "garbage line|GARBAGE\\r\\n\\r\\n|400",
        "no Host in HTTP/1.1|GET /stats HTTP/1.1\\r\\n\\r\\n|400",
        "two Host headers|GET /stats HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n|400",
        "header without colon|GET /stats HTTP/1.1\\r\\nHost: x\\r\\nNoColonHere\\r\\n\\r\\n|400",
        "NUL in a header|GET /stats HTTP/1.1\\r\\nHost: x\\r\\nX-A: a\\u0000b\\r\\n\\r\\n|400",
        "space in the URI|GET /st ats HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n|400",
        "control character in the URI|GET /st\\u0001ats HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n|400",
        "bad percent escape|GET /stats%zz HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n|400",
        "folded header|GET /stats HTTP/1.1\\r\\nHost: x\\r\\nX-A: a\\r\\n b\\r\\n\\r\\n|400",
        "Content-Length with Transfer-Encoding|GET /stats HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 3\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n|400",
        "two Content-Lengths|GET /stats HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 1\\r\\nContent-Length: 2\\r\\n\\r\\nab|400",
        "Content-Length not a number|GET /stats HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: abc\\r\\n\\r\\n|400",
        "absolute URI for another host|GET http://evil.example/stats HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n|400",
        "unknown HTTP version|GET /stats HTTP/9.9\\r\\nHost: x\\r\\n\\r\\n|505",
        "not HTTP at all|GEV /x HLTP+1.1\\r\\nHost: x\\r\\n\\r\\n|400",
        "version with a tail|GET /stats HTTP/1.1x\\r\\nHost: x\\r\\n\\r\\n|400",
        "HTTP/0.9 request line|GET /stats\\r\\n\\r\\n|505",
        "HTTP/2.0 in an HTTP/1 request line|GET /stats HTTP/2.0\\r\\nHost: x\\r\\n\\r\\n|426",
    })
    void malformedRequestsGet400(String name, String request, int expected) throws Exception {
        byte[] bytes = unescape(request).getBytes(StandardCharsets.ISO_8859_1);
        RawHttp.Response r = RawHttp.exchange(uri, bytes);
        assertEquals(expected, r.status(), name + ": " + r);
    }

    @Test
    void tlsHandshakeOnThePlainPortGets400() throws Exception {
        byte[] clientHello = new byte[64];
        clientHello[0] = 0x16;
        clientHello[1] = 0x03;
        clientHello[2] = 0x01;
        clientHello[5] = 0x01;
        assertEquals(400, RawHttp.exchange(uri, clientHello).status());
    }

    static Stream<Arguments> traversals() {
        return Stream.of(
                Arguments.of("/../etc/passwd", 400),
                Arguments.of("/..%2f..%2fetc/passwd", 400),
                Arguments.of("/%2e%2e/%2e%2e/etc/passwd", 400),
                Arguments.of("/%252e%252e/etc/passwd", 400),
                Arguments.of("/%c0%ae%c0%ae/etc/passwd", 400),
                Arguments.of("/assets/../../WEB-INF/web.xml", 400),
                Arguments.of("/assets/%2e%2e/WEB-INF/web.xml", 400),
                Arguments.of("/assets/%2e%2e%2f%2e%2e%2fWEB-INF/web.xml", 400),
                Arguments.of("/assets/..%5c..%5cWEB-INF%5cweb.xml", 400),
                Arguments.of("/assets/..;/WEB-INF/web.xml", 400),
                Arguments.of("/%2e/WEB-INF/web.xml", 400),
                Arguments.of("/WEB-INF%2fweb.xml", 400),
                Arguments.of("//WEB-INF/web.xml", 400),
                Arguments.of("/index.html%00.jpg", 400),
                Arguments.of("/WEB-INF/web.xml", 404),
                Arguments.of("/web-inf/web.xml", 404),
                Arguments.of("/./WEB-INF/web.xml", 404),
                Arguments.of("/META-INF/MANIFEST.MF", 404),
                Arguments.of("/WEB-INF/launcher/", 404),
                Arguments.of("/WEB-INF/lib/", 404));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("traversals")
    void pathTraversalNeverLeavesTheWebapp(String path, int expected) throws Exception {
        RawHttp.Response r = RawHttp.exchange(uri, RawHttp.get(uri, path, "Connection: close"));
        assertEquals(expected, r.status(), path + ": " + r);
        String body = r.text();
        for (String secret : List.of("root:x:0:0", "<web-app", "Manifest-Version", "PK\u0003\u0004")) {
            assertFalse(body.contains(secret), path + " leaked " + secret);
        }
    }

    /**
     * Each connection is closed by the header deadline, never before it: at least 2 s after the
     * client began to connect (the server's clock starts at accept, later), while it still dribbles
     * its head, and each is counted as a header timeout (not as an idle close, not by Jetty's idle
     * timeout, which the dribble keeps away). How late the close comes only a loaded machine decides.
     */
    @Test
    void slowlorisConnectionsAreClosedAfterTheHeaderTimeout() throws Exception {
        long before = Http.stats(uri).at("/connections/headerTimeouts").asLong();
        byte[] head = RawHttp.get(uri, "/stats", "X-Slow: " + "s".repeat(100));
        List<Socket> sockets = new ArrayList<>();
        long[] connectedAt = new long[5];
        long[] closedAfterMillis = new long[5];
        int bytesSent = 0;
        try {
            for (int i = 0; i < closedAfterMillis.length; i++) {
                connectedAt[i] = System.nanoTime();
                sockets.add(RawHttp.connect(uri, RawHttp.LOCALHOST));
            }
            // One byte a second on each connection: never idle, never a complete request head.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (; anyOpen(closedAfterMillis) && System.nanoTime() < deadline; bytesSent++) {
                for (int i = 0; i < sockets.size(); i++) {
                    if (closedAfterMillis[i] != 0) {
                        continue;
                    }
                    try {
                        sockets.get(i).getOutputStream().write(head[bytesSent]);
                    } catch (IOException closed) {
                        closedAfterMillis[i] = (System.nanoTime() - connectedAt[i]) / 1_000_000;
                    }
                }
                long second = System.nanoTime() + 1_000_000_000L;
                for (int i = 0; i < sockets.size(); i++) {
                    if (closedAfterMillis[i] == 0 && RawHttp.closedWithin(sockets.get(i), Math.max(1, (second - System.nanoTime()) / 1_000_000))) {
                        closedAfterMillis[i] = (System.nanoTime() - connectedAt[i]) / 1_000_000;
                    }
                }
            }
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
        assertTrue(bytesSent < head.length, "the head was never complete: " + bytesSent + " of " + head.length + " bytes");
        for (long millis : closedAfterMillis) {
            assertTrue(millis != 0, "every connection is closed while it dribbles: " + Arrays.toString(closedAfterMillis));
            assertTrue(millis >= 2000, "closed " + millis + " ms after connecting, before the 2 s header timeout");
        }
        long after = Http.stats(uri).at("/connections/headerTimeouts").asLong();
        assertEquals(before + closedAfterMillis.length, after, "each is counted as a header timeout");
    }

    private static boolean anyOpen(long[] closedAfterMillis) {
        for (long m : closedAfterMillis) {
            if (m == 0) {
                return true;
            }
        }
        return false;
    }

    @Test
    void streamClientThatStopsReadingIsDroppedAndItsSlotFreed() throws Exception {
        long before = Http.stats(uri).at("/clients/timedOut").asLong();
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(1024); // before connecting: keeps the TCP window small
            socket.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
            socket.getOutputStream().write(RawHttp.get(uri, "/stream"));
            socket.getOutputStream().flush();
            Http.awaitStats(uri, Duration.ofSeconds(10), s -> s.at("/clients/connected").asInt() == 2);
            // It reads nothing from here on. Its socket buffers fill, then the server's writes stall.
            JsonNode dropped = Http.awaitStats(uri, Duration.ofSeconds(30), s -> s.at("/clients/timedOut").asLong() == before + 1);
            assertEquals(1, dropped.at("/clients/connected").asInt(), "its slot is free: " + dropped.at("/clients"));
            assertTrue(server.awaitOutput("(stalled: accepted no bytes for 2 s)", Duration.ofSeconds(5)), server.output());
            assertTrue(RawHttp.closedWithin(socket, 10_000), "the server closed its connection");
        }
    }

    @Test
    void answersCarryNoServerNameAndNosniff() throws Exception {
        List<byte[]> requests = List.of(
                RawHttp.get(uri, "/stats", "Connection: close"),
                RawHttp.get(uri, "/snapshot", "Connection: close"),
                RawHttp.get(uri, "/index.html", "Connection: close"),
                RawHttp.get(uri, "/assets/app.js", "Connection: close"),
                RawHttp.request("HEAD", uri, "/stream", "Connection: close"),
                RawHttp.request("OPTIONS", uri, "/stats", "Connection: close"),
                RawHttp.get(uri, "/no-such-file", "Connection: close"),
                RawHttp.request("POST", uri, "/stats", "Content-Length: 0", "Connection: close"),
                RawHttp.get(uri, "/../etc/passwd", "Connection: close"),
                RawHttp.get(uri, "/stats", "X-Big: " + "b".repeat(10_000)),
                "NONSENSE\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        for (byte[] request : requests) {
            RawHttp.Response r = RawHttp.exchange(uri, request);
            String what = new String(request, 0, Math.min(40, request.length), StandardCharsets.ISO_8859_1) + " -> " + r.status();
            assertNull(r.header("server"), what);
            assertNull(r.header("x-powered-by"), what);
            assertEquals("nosniff", r.header("x-content-type-options"), what);
            assertFalse(r.text().toLowerCase(Locale.ROOT).contains("jetty"), what + ": " + r.text());
        }
        try (MjpegClient stream = MjpegClient.open(uri, "/stream", java.util.Map.of("Origin", "https://elsewhere.example"))) {
            assertEquals(200, stream.status());
            assertNull(stream.headers().get("server"));
            assertEquals("nosniff", stream.headers().get("x-content-type-options"));
            assertNull(stream.headers().get("access-control-allow-origin"), "CORS is off by default");
            stream.readPart();
        }
    }

    /** CSV cells spell CR, LF and control characters as Java escapes. */
    private static String unescape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                switch (n) {
                    case 'r' -> sb.append('\r');
                    case 'n' -> sb.append('\n');
                    case 'u' -> {
                        sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                        i += 4;
                    }
                    default -> sb.append('\\').append(n);
                }
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
