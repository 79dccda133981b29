package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pistream.core.settings.Settings;
import org.pistream.launcher.EmbeddedServer;
import org.pistream.web.SettingsLoader;

/**
 * {@code --hsts} on embedded Jetty servers in this JVM, on port 0 over loopback: the header on
 * every HTTPS answer (HTTP/2 and HTTP/1.1, errors included) when set, never over plain HTTP, and
 * never when unset.
 */
class HstsIT {
    private static final String STORE_PASSWORD = "hsts-test-" + System.nanoTime();
    private static final String HSTS = "strict-transport-security";
    @TempDir
    static Path dir;
    private static Server withHsts;
    private static Server withoutHsts;
    private static HttpClient h2;
    private static HttpClient h1;

    @BeforeAll
    static void start() throws Exception {
        Path keystore = dir.resolve("server.p12");
        Path certificate = dir.resolve("server.pem");
        TestCertificates.keytool("-genkeypair", "-alias", "pi-stream", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
        TestCertificates.keytool("-exportcert", "-rfc", "-alias", "pi-stream", "-keystore", keystore.toString(), "-storepass", STORE_PASSWORD,
                "-file", certificate.toString());
        withHsts = server(keystore, "31536000");
        withoutHsts = server(keystore, null);
        SSLContext trusting = TestCertificates.trusting(certificate);
        h2 = HttpClient.newBuilder().sslContext(trusting).version(HttpClient.Version.HTTP_2)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
        h1 = HttpClient.newBuilder().sslContext(trusting).version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static Server server(Path keystore, String hsts) throws Exception {
        Map<String, String> flags = new TreeMap<>(Map.of("pistream.camera", "test-pattern:160x120@5", "pistream.port", "0",
                "pistream.address", "127.0.0.1", "pistream.stats-interval", "0", "pistream.tls-keystore", keystore.toString(),
                "pistream.tls-keystore-password", STORE_PASSWORD, "pistream.tls-port", "0", "pistream.plain-http", "keep"));
        if (hsts != null) {
            flags.put("pistream.hsts", hsts);
        }
        Settings settings = SettingsLoader.load(SettingsLoader.config(flags, "test", HstsIT.class.getClassLoader()));
        Server server = EmbeddedServer.create(settings);
        server.start();
        return server;
    }

    @AfterAll
    static void stop() throws Exception {
        for (Server s : new Server[] {withHsts, withoutHsts}) {
            if (s != null) {
                EmbeddedServer.stop(s);
            }
        }
    }

    private static URI http(Server server) {
        return EmbeddedServer.uris(server).stream().filter(u -> u.getScheme().equals("http")).findFirst().orElseThrow();
    }

    private static URI https(Server server) {
        return EmbeddedServer.uris(server).stream().filter(u -> u.getScheme().equals("https")).findFirst().orElseThrow();
    }

    private static HttpResponse<byte[]> get(HttpClient client, URI uri) throws Exception {
        // Accept: text/html, so that "/" is the page, not an endless stream.
        return client.send(HttpRequest.newBuilder(uri).header("Accept", "text/html").timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void everyHttpsAnswerCarriesItWhenSet() throws Exception {
        for (String path : new String[] {"snapshot", "stats", "", "no-such-file"}) {
            HttpResponse<byte[]> r = get(h2, https(withHsts).resolve(path));
            assertEquals(HttpClient.Version.HTTP_2, r.version());
            assertEquals("max-age=31536000", r.headers().firstValue(HSTS).orElse(null), "/" + path + " " + r.statusCode());
            HttpResponse<byte[]> r1 = get(h1, https(withHsts).resolve(path));
            assertEquals("max-age=31536000", r1.headers().firstValue(HSTS).orElse(null), "/" + path + " over HTTP/1.1");
        }
        assertEquals(1, get(h2, https(withHsts).resolve("snapshot")).headers().allValues(HSTS).size(), "once");
    }

    @Test
    void neverOverPlainHttp() throws Exception {
        RawHttp.Response r = RawHttp.exchange(http(withHsts), RawHttp.get(http(withHsts), "/snapshot", "Connection: close"));
        assertEquals(200, r.status(), r.toString());
        assertEquals(null, r.header(HSTS), r.toString());
    }

    @Test
    void neverWhenUnset() throws Exception {
        HttpResponse<byte[]> r = get(h2, https(withoutHsts).resolve("snapshot"));
        assertEquals(200, r.statusCode());
        assertFalse(r.headers().firstValue(HSTS).isPresent(), r.headers().toString());
        assertTrue(r.headers().firstValue("x-content-type-options").isPresent(), "the other security header is there");
    }
}
