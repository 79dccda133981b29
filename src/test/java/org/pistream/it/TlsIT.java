package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * HTTPS with a certificate made here by the JDK's keytool: curl streams with {@code --cacert},
 * HTTP/2 is negotiated (curl and the JDK client), a page's worth of streams shares one HTTP/2
 * connection, and plain HTTP redirects.
 */
class TlsIT {
    private static final String STORE_PASSWORD = "tls-test-" + System.nanoTime();
    @TempDir
    static Path dir;
    private static Path certificate;
    private static Path keystore;
    private static TestServer server;
    private static URI https;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        keystore = dir.resolve("server.p12");
        certificate = dir.resolve("server.pem");
        TestCertificates.keytool("-genkeypair", "-alias", "pi-stream", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
        TestCertificates.keytool("-exportcert", "-rfc", "-alias", "pi-stream", "-keystore", keystore.toString(), "-storepass", STORE_PASSWORD,
                "-file", certificate.toString());
        Path passwordFile = Files.writeString(dir.resolve("password"), STORE_PASSWORD + "\n");
        server = TestServer.start("--camera", "test-pattern:320x240@15", "--port", "0", "--address", "127.0.0.1",
                "--tls-keystore", keystore.toString(), "--tls-keystore-password-file", passwordFile.toString(), "--tls-port", "0");
        https = server.httpsUri();
        assertTrue(https != null && https.getScheme().equals("https"), server.output());
        client = HttpClient.newBuilder().sslContext(TestCertificates.trusting(certificate)).version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
            assertTrue(!server.output().contains(STORE_PASSWORD), "the key store password is never logged");
        }
    }


    @Test
    void curlStreamsOverHttpsWithTheTestCertificate() throws Exception {
        String curl = ExternalTools.require("curl").toString();
        Path body = dir.resolve("stream.bin");
        Process p = new ProcessBuilder(curl, "-sS", "--cacert", certificate.toString(), "--http2", "--max-time", "3",
                "-o", body.toString(), "-w", "%{http_version} %{http_code}", https.resolve("stream").toString()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(28, p.exitValue(), "an endless stream ends by curl's --max-time, not by an error: " + err);
        assertEquals("2 200", out, "HTTP/2 negotiated by ALPN: " + err);
        byte[] bytes = Files.readAllBytes(body);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("--pistreamframe\r\n"), text.substring(0, Math.min(80, text.length())));
        int parts = text.split("\r\n--pistreamframe\r\n", -1).length - 1;
        assertTrue(parts >= 10, "parts over HTTPS in 3 s: " + parts);

        Process plain = new ProcessBuilder(curl, "-sS", "--cacert", certificate.toString(), "--http1.1", "-o", "/dev/null",
                "-w", "%{http_version} %{http_code}", https.resolve("snapshot").toString()).start();
        String plainOut = new String(plain.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(plain.waitFor(30, TimeUnit.SECONDS));
        assertEquals("1.1 200", plainOut, "clients without h2 get HTTP/1.1");
    }

    @Test
    void curlRefusesTheServerWithoutTheTestCertificate() throws Exception {
        String curl = ExternalTools.require("curl").toString();
        Process p = new ProcessBuilder(curl, "-sS", "-o", "/dev/null", https.resolve("snapshot").toString()).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(60, p.exitValue(), "curl cannot verify a self-signed certificate it was not given");
    }

    @Test
    void jdkClientNegotiatesHttp2() throws Exception {
        HttpResponse<byte[]> stats = client.send(HttpRequest.newBuilder(https.resolve("stats")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, stats.statusCode());
        assertEquals(HttpClient.Version.HTTP_2, stats.version());
        assertTrue(stats.headers().firstValue("server").isEmpty());
        assertEquals("nosniff", stats.headers().firstValue("x-content-type-options").orElse(null));
        HttpResponse<byte[]> snapshot = client.send(HttpRequest.newBuilder(https.resolve("snapshot")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(HttpClient.Version.HTTP_2, snapshot.version());
        MjpegClient.checkJpeg(snapshot.body());
    }

    /** What HTTP/2 is for: a dashboard's eight streams of one host over one connection, past HTTP/1.1's six. */
    @Test
    void eightStreamsShareOneHttp2Connection() throws Exception {
        List<InputStream> streams = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(https.resolve("stream?client=tab" + i)).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                assertEquals(200, r.statusCode());
                assertEquals(HttpClient.Version.HTTP_2, r.version());
                assertNull(r.headers().firstValue("connection").orElse(null), "no HTTP/1 connection header in HTTP/2");
                streams.add(r.body());
            }
            for (InputStream in : streams) {
                byte[] start = in.readNBytes(2000);
                assertTrue(new String(start, StandardCharsets.ISO_8859_1).startsWith("--pistreamframe\r\nContent-Type: image/jpeg\r\n"));
            }
            JsonNode stats = new ObjectMapper().readTree(client.send(HttpRequest.newBuilder(https.resolve("stats")).build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body());
            List<String> remotes = new ArrayList<>();
            stats.at("/clients/list").forEach(c -> {
                if (c.at("/path").asText().contains("client=tab")) {
                    remotes.add(c.at("/remote").asText());
                }
            });
            assertEquals(8, remotes.size(), stats.at("/clients").toString());
            assertEquals(1, remotes.stream().distinct().count(), "one connection: " + remotes);
        } finally {
            for (InputStream in : streams) {
                try {
                    in.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }

    @Test
    void plainHttpRedirectsToHttps() throws Exception {
        RawHttp.Response r = RawHttp.exchange(server.uri(), RawHttp.get(server.uri(), "/stream?advance_headers=1", "Connection: close"));
        assertEquals(308, r.status(), r.toString());
        assertEquals("https://127.0.0.1:" + https.getPort() + "/stream?advance_headers=1", r.header("location"));
    }

    @Test
    void passwordFromTheEnvironmentAndPlainHttpOff() throws Exception {
        try (ServerProcess onlyHttps = ServerProcess.start(Map.of("PISTREAM_TLS_KEYSTORE_PASSWORD", STORE_PASSWORD), List.of(),
                "--camera", "test-pattern:160x120@5", "--port", "0", "--address", "127.0.0.1", "--tls-keystore",
                keystore.toString(), "--tls-port", "0", "--plain-http", "off")) {
            assertEquals("https", onlyHttps.uri().getScheme(), "the only address is HTTPS: " + onlyHttps.output());
            HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(onlyHttps.uri().resolve("snapshot")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode());
            assertEquals(HttpClient.Version.HTTP_2, r.version());
            assertTrue(onlyHttps.lines().stream().noneMatch(l -> l.contains("listening on http://")), onlyHttps.output());
            onlyHttps.stop();
            assertTrue(!onlyHttps.output().contains(STORE_PASSWORD), "the key store password is never logged");
        }
    }

    /**
     * TLS 1.2 offers AEAD suites only: a JDK client that offers nothing but a CBC suite (which
     * Jetty's defaults used to accept) is refused in the handshake, one offering GCM or
     * ChaCha20-Poly1305 gets its page, and TLS 1.3 is as before. A refused handshake writes no
     * warning.
     */
    @Test
    void tls12NegotiatesAeadSuitesOnly() throws Exception {
        for (String cbc : List.of("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
                "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA")) {
            assertThrows(SSLHandshakeException.class, () -> handshakeAndGet("TLSv1.2", cbc), cbc);
        }
        for (String aead : List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256")) {
            assertEquals("TLSv1.2 " + aead, handshakeAndGet("TLSv1.2", aead));
        }
        for (String tls13 : List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256")) {
            assertEquals("TLSv1.3 " + tls13, handshakeAndGet("TLSv1.3", tls13));
        }
        assertTrue(server.lines().stream().noneMatch(l -> l.contains(" WARN ")), server.output());
    }

    /** Protocol and suite of a handshake offering only {@code suite}, after a 200 for /healthz over it. */
    private static String handshakeAndGet(String protocol, String suite) throws IOException {
        try (SSLSocket socket = (SSLSocket) trustingContext().getSocketFactory().createSocket(https.getHost(), https.getPort())) {
            assertTrue(List.of(socket.getSupportedCipherSuites()).contains(suite), "the JDK client supports " + suite);
            socket.setSoTimeout(10_000);
            socket.setEnabledProtocols(new String[] {protocol});
            socket.setEnabledCipherSuites(new String[] {suite});
            socket.startHandshake();
            RawHttp.Response r = RawHttp.exchange(socket, RawHttp.get(https, "/healthz", "Connection: close"));
            assertEquals(200, r.status(), r.toString());
            return socket.getSession().getProtocol() + " " + socket.getSession().getCipherSuite();
        }
    }

    private static SSLContext trustingContext() {
        try {
            return TestCertificates.trusting(certificate);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
