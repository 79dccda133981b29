package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code --trusted-proxies 127.0.0.1} on an in-process server over real loopback: requests from 127.0.0.1 play a reverse
 * proxy, whose {@code X-Forwarded-For} and {@code Forwarded} headers name the client for the
 * per-address stream cap, login throttling, the log and {@code /stats}; requests from 127.0.0.2
 * play a client talking to pi-stream directly, whose same headers change nothing. Every test uses
 * forwarded addresses of its own, so none depends on another's streams having ended.
 */
class TrustedProxiesIT {
    private static final int STREAMS_PER_ADDRESS = 2;
    private static final String USER = "viewer";
    private static final String PASSWORD = "proxied-" + System.nanoTime();
    private static final String AUTH = "Authorization: Basic "
            + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    private static final String WRONG = "Authorization: Basic "
            + Base64.getEncoder().encodeToString((USER + ":wrong").getBytes(StandardCharsets.UTF_8));
    private static final String PROXY = "127.0.0.1";
    private static final String DIRECT = "127.0.0.2";
    private static TestServer server;
    private static URI uri;
    private final List<MjpegClient> streams = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("--camera", "test-pattern:160x120@10", "--port", "0", "--address", "127.0.0.1",
                "--max-clients", "30", "--max-clients-per-address", String.valueOf(STREAMS_PER_ADDRESS),
                "--max-connections-per-address", "100", "--trusted-proxies", "127.0.0.1, ::1",
                "--auth-user", USER, "--auth-password-hash", hash(PASSWORD), "--stats-interval", "0");
        uri = server.uri();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    @AfterEach
    void closeStreams() throws Exception {
        for (MjpegClient c : streams) {
            c.close();
        }
    }

    /** A valid hash with few iterations (the minimum), so that wrong guesses cost the loaded test machine little. */
    private static String hash(String password) throws Exception {
        byte[] salt = new byte[16];
        for (int i = 0; i < salt.length; i++) {
            salt[i] = (byte) (i * 7 + 3);
        }
        int iterations = 10_000;
        byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
        return "pbkdf2-sha256$" + iterations + "$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(key);
    }

    private MjpegClient stream(String from, String... headers) throws Exception {
        Map<String, String> extra = new java.util.LinkedHashMap<>();
        extra.put("Authorization", AUTH.substring("Authorization: ".length()));
        for (String h : headers) {
            int colon = h.indexOf(':');
            extra.put(h.substring(0, colon), h.substring(colon + 1).strip());
        }
        MjpegClient c = MjpegClient.open(uri, "/stream", extra, from);
        streams.add(c);
        return c;
    }

    private static JsonNode stats() throws Exception {
        RawHttp.Response r = RawHttp.exchange(uri, RawHttp.get(uri, "/stats", AUTH, "Connection: close"));
        assertEquals(200, r.status(), r.toString());
        return new ObjectMapper().readTree(r.body());
    }

    private static Set<String> remotes() throws Exception {
        Set<String> remotes = new HashSet<>();
        for (JsonNode c : stats().at("/clients/list")) {
            remotes.add(c.get("remote").asText());
        }
        return remotes;
    }

    @Test
    void twoClientsBehindOneTrustedProxyEachGetTheirOwnStreamCap() throws Exception {
        for (int i = 0; i < STREAMS_PER_ADDRESS; i++) {
            assertEquals(200, stream(PROXY, "X-Forwarded-For: 203.0.113.1").status());
        }
        assertEquals(503, stream(PROXY, "X-Forwarded-For: 203.0.113.1").status(), "203.0.113.1 is at its cap");
        // Another client through the same proxy: a cap of its own, whichever header names it.
        assertEquals(200, stream(PROXY, "X-Forwarded-For: 198.51.100.9, 203.0.113.2").status());
        assertEquals(200, stream(PROXY, "Forwarded: for=203.0.113.2;proto=http").status());
        assertEquals(503, stream(PROXY, "X-Forwarded-For: 203.0.113.2").status(), "203.0.113.2 is at its cap");
        assertEquals(200, stream(PROXY, "Forwarded: for=\"[2001:db8::2]:4711\"").status(), "an IPv6 client");
        for (MjpegClient c : streams) {
            if (c.status() == 200) {
                c.readPart(); // every admitted stream really streams
            }
        }
        Set<String> remotes = remotes();
        assertTrue(remotes.containsAll(Set.of("203.0.113.1", "203.0.113.2", "2001:db8:0:0:0:0:0:2")), remotes.toString());
        assertTrue(remotes.stream().noneMatch(r -> r.startsWith(PROXY)), "no stream is the proxy's: " + remotes);
        assertTrue(server.awaitOutput("203.0.113.1 connected to /stream", Duration.ofSeconds(5)), server.output());
        assertTrue(server.awaitOutput("2001:db8:0:0:0:0:0:2 connected to /stream", Duration.ofSeconds(5)), server.output());
    }

    @Test
    void aSpoofedHeaderFromAnUntrustedPeerChangesNothing() throws Exception {
        for (int i = 0; i < STREAMS_PER_ADDRESS; i++) {
            assertEquals(200, stream(DIRECT, "X-Forwarded-For: 192.0.2." + (10 + i)).status());
        }
        assertEquals(503, stream(DIRECT, "X-Forwarded-For: 192.0.2.20", "Forwarded: for=192.0.2.20").status(),
                "127.0.0.2 is at its cap, whatever it claims to be");
        Set<String> remotes = remotes();
        assertEquals(STREAMS_PER_ADDRESS, remotes.stream().filter(r -> r.startsWith(DIRECT + ":")).count(), remotes.toString());
        assertTrue(remotes.stream().noneMatch(r -> r.startsWith("192.0.2.")), remotes.toString());
        assertFalse(server.output().contains("192.0.2.1"), "the claimed addresses are nobody's: " + server.output());
    }

    @Test
    void malformedHeadersFromTheProxyLeaveTheProxysAddressAndAreLoggedEscaped() throws Exception {
        RawHttp.Response r = RawHttp.exchange(uri, PROXY, RawHttp.get(uri, "/stats", AUTH, "Connection: close",
                "X-Forwarded-For: not-an-address\u00e9"));
        assertEquals(200, r.status(), "a malformed header is no error: " + r);
        assertTrue(server.awaitOutput("Ignored the X-Forwarded-For header from trusted proxy 127.0.0.1 ('not-an-address\\xe9'): malformed",
                Duration.ofSeconds(5)), server.output());
        assertFalse(server.output().contains("not-an-address\u00e9"), "client bytes are escaped in the log");
    }

    @Test
    void loginThrottlingCountsEachForwardedClient() throws Exception {
        for (int i = 0; i < 10; i++) {
            RawHttp.Response r = RawHttp.exchange(uri, PROXY, RawHttp.get(uri, "/snapshot", WRONG, "Connection: close",
                    "X-Forwarded-For: 203.0.113.66"));
            assertEquals(401, r.status(), "guess " + (i + 1) + ": " + r);
        }
        RawHttp.Response blocked = RawHttp.exchange(uri, PROXY, RawHttp.get(uri, "/snapshot", AUTH, "Connection: close",
                "X-Forwarded-For: 203.0.113.66"));
        assertEquals(429, blocked.status(), "the guessing client is throttled: " + blocked);
        RawHttp.Response other = RawHttp.exchange(uri, PROXY, RawHttp.get(uri, "/snapshot", AUTH, "Connection: close",
                "X-Forwarded-For: 203.0.113.67"));
        assertEquals(200, other.status(), "another client of the same proxy is not: " + other);
        RawHttp.Response proxyItself = RawHttp.exchange(uri, PROXY, RawHttp.get(uri, "/snapshot", AUTH, "Connection: close"));
        assertEquals(200, proxyItself.status(), "nor the proxy's own requests: " + proxyItself);
        assertTrue(server.awaitOutput("Failed login from 203.0.113.66", Duration.ofSeconds(5)), server.output());
    }
}
