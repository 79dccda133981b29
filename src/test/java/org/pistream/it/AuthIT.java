package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * HTTP Basic authentication with a hash made by {@code hash-password}: every path but
 * {@code /healthz} needs the credentials, wrong ones are counted, logged and throttled per
 * address, and real clients (ffmpeg with credentials in the URL, a Home Assistant style client
 * that sends them up front, a browser's CORS preflight) work.
 */
class AuthIT {
    private static final String USER = "viewer";
    private static final String PASSWORD = "hunter2-camera";
    private static final String ORIGIN = "https://dash.example";
    private static String hashOutput;
    private static String hash;
    private static TestServer server;
    private static URI uri;

    @BeforeAll
    static void start() throws Exception {
        Result result = hashPassword(PASSWORD + "\n");
        assertEquals(0, result.exitCode(), result.stdout() + result.stderr());
        hashOutput = result.stdout();
        List<String> lines = hashOutput.lines().toList();
        hash = lines.get(lines.size() - 1);
        server = TestServer.start("--camera", "test-pattern:320x240@15", "--port", "0", "--address", "127.0.0.1",
                "--auth-user", USER, "--auth-password-hash", hash, "--allow-origin", ORIGIN);
        uri = server.uri();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
            assertFalse(server.output().contains(hash), "the hash is never logged");
            assertFalse(server.output().contains(PASSWORD), "the password is never logged");
        }
    }

    record Result(int exitCode, String stdout, String stderr) {
    }

    /** {@code java -jar pi-stream.war hash-password} with {@code input} on its standard input. */
    private static Result hashPassword(String input) throws Exception {
        Process p = new ProcessBuilder(ServerProcess.command("hash-password")).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(input.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "hash-password did not finish");
        return new Result(p.exitValue(), out, err);
    }

    private static String basic(String user, String password) {
        return "Authorization: Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void hashPasswordPrintsASaltedHashAsItsLastLine() throws Exception {
        assertTrue(hash.matches("pbkdf2-sha256\\$600000\\$[A-Za-z0-9+/=]{24}\\$[A-Za-z0-9+/=]{44}"), hash);
        assertFalse(hashOutput.contains(PASSWORD), hashOutput);
        Result empty = hashPassword("");
        assertEquals(2, empty.exitCode());
        assertEquals("pi-stream: the password must not be empty", empty.stderr().strip());
        assertEquals("", empty.stdout());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/stream", "/snapshot", "/stats", "/", "/index.html", "/assets/app.js", "/metrics",
        "/no-such-path", "/?action=stream", "/healthz/../stats"})
    void everyPathButHealthzNeedsCredentials(String path) throws Exception {
        RawHttp.Response r = RawHttp.exchange(uri, RawHttp.get(uri, path, "Accept: text/html", "Connection: close"));
        assertEquals(401, r.status(), path + ": " + r);
        assertEquals("Basic realm=\"pi-stream\", charset=\"UTF-8\"", r.header("www-authenticate"));
        assertEquals("no-store", r.header("cache-control"));
        assertEquals("nosniff", r.header("x-content-type-options"));
        RawHttp.Response head = RawHttp.exchange(uri, RawHttp.request("HEAD", uri, path, "Connection: close"));
        assertEquals(401, head.status(), "HEAD " + path);
    }

    /** {@code /healthz} comes with issue 7; until then it is a 404, but never a challenge. */
    @Test
    void healthzIsNeverChallenged() throws Exception {
        RawHttp.Response none = RawHttp.exchange(uri, RawHttp.get(uri, "/healthz", "Connection: close"));
        assertNotEquals(401, none.status(), none.toString());
        assertEquals(null, none.header("www-authenticate"));
        RawHttp.Response wrong = RawHttp.exchange(uri, RawHttp.get(uri, "/healthz", basic(USER, "wrong"), "Connection: close"));
        assertNotEquals(401, wrong.status(), wrong.toString());
    }

    @Test
    void rightCredentialsOpenEveryEndpoint() throws Exception {
        String auth = basic(USER, PASSWORD);
        // Home Assistant's MJPEG camera sends the credentials with its first request.
        try (MjpegClient stream = MjpegClient.open(uri, "/stream", Map.of("Authorization", auth.substring("Authorization: ".length())))) {
            assertEquals(200, stream.status());
            stream.readPart();
            stream.readPart();
        }
        RawHttp.Response snapshot = RawHttp.exchange(uri, RawHttp.get(uri, "/snapshot", auth, "Connection: close"));
        assertEquals(200, snapshot.status(), snapshot.toString());
        MjpegClient.checkJpeg(snapshot.body());
        RawHttp.Response stats = RawHttp.exchange(uri, RawHttp.get(uri, "/stats", auth, "Connection: close"));
        assertEquals(200, stats.status());
        assertTrue(stats.text().contains("\"auth\":{\"enabled\":true"), stats.text());
        RawHttp.Response page = RawHttp.exchange(uri, RawHttp.get(uri, "/", auth, "Accept: text/html", "Connection: close"));
        assertEquals(200, page.status());
        assertTrue(page.text().contains("<html"), page.text());
        assertEquals(200, RawHttp.exchange(uri, RawHttp.get(uri, "/index.html", auth, "Connection: close")).status());
        assertEquals(200, RawHttp.exchange(uri, RawHttp.get(uri, "/assets/app.js", auth, "Connection: close")).status());
    }

    @Test
    void wrongCredentialsGet401AndAreCountedAndLoggedWithTheAddress() throws Exception {
        long before = stats().at("/auth/failures").asLong();
        RawHttp.Response wrongPassword = RawHttp.exchange(uri, "127.0.0.6",
                RawHttp.get(uri, "/snapshot", basic(USER, "wrong-guess-4711"), "Connection: close"));
        assertEquals(401, wrongPassword.status());
        RawHttp.Response wrongUser = RawHttp.exchange(uri, "127.0.0.7",
                RawHttp.get(uri, "/snapshot", basic("admin", PASSWORD), "Connection: close"));
        assertEquals(401, wrongUser.status());
        RawHttp.Response malformed = RawHttp.exchange(uri, "127.0.0.7",
                RawHttp.get(uri, "/snapshot", "Authorization: Basic !!!", "Connection: close"));
        assertEquals(401, malformed.status());
        assertEquals(before + 3, stats().at("/auth/failures").asLong());
        assertTrue(server.awaitOutput("Failed login from 127.0.0.6 as 'viewer' (wrong user name or password) for /snapshot",
                Duration.ofSeconds(5)), server.output());
        assertTrue(server.awaitOutput("Failed login from 127.0.0.7 as 'admin'", Duration.ofSeconds(5)), server.output());
        assertFalse(server.output().contains("wrong-guess-4711"), "a tried password is never logged");
    }

    @Test
    void guessingFromOneAddressIsThrottledWhileOthersLogIn() throws Exception {
        String guesser = "127.0.0.8";
        for (int i = 0; i < 10; i++) {
            RawHttp.Response r = RawHttp.exchange(uri, guesser, RawHttp.get(uri, "/stats", basic(USER, "guess-" + i), "Connection: close"));
            assertEquals(401, r.status(), "guess " + i);
        }
        RawHttp.Response blocked = RawHttp.exchange(uri, guesser, RawHttp.get(uri, "/stats", basic(USER, PASSWORD), "Connection: close"));
        assertEquals(429, blocked.status(), "even the right password waits: " + blocked);
        int retryAfter = Integer.parseInt(blocked.header("retry-after"));
        assertTrue(retryAfter > 0 && retryAfter <= 60, "Retry-After: " + retryAfter);
        assertEquals(200, RawHttp.exchange(uri, RawHttp.get(uri, "/stats", basic(USER, PASSWORD), "Connection: close")).status(),
                "another address logs in");
        assertTrue(stats().at("/auth/throttled").asLong() >= 1);
        long lines = server.lines().stream().filter(l -> l.contains(guesser)).count();
        assertEquals(2, lines, "the first failure and the block, nothing more: " + server.output());
        assertTrue(server.output().contains("10 failed logins from 127.0.0.8 within 60 s"), server.output());
    }

    @Test
    void ffmpegDecodesTheStreamWithCredentialsInTheUrl() throws Exception {
        // The command line of the issue: no format option, the credentials in the URL.
        FfmpegDecode.Result r = FfmpegDecode.frames("http://" + USER + ":" + PASSWORD + "@127.0.0.1:" + uri.getPort() + "/stream", 10);
        assertEquals(0, r.exitCode(), r.errors());
        assertEquals(10, r.frames().size(), r.frames() + r.errors());
    }

    @Test
    void corsPreflightNeedsNoCredentialsButTheRequestDoes() throws Exception {
        RawHttp.Response preflight = RawHttp.exchange(uri, RawHttp.request("OPTIONS", uri, "/snapshot", "Origin: " + ORIGIN,
                "Access-Control-Request-Method: GET", "Access-Control-Request-Headers: authorization", "Connection: close"));
        assertEquals(204, preflight.status(), preflight.toString());
        assertEquals(ORIGIN, preflight.header("access-control-allow-origin"));
        assertEquals("true", preflight.header("access-control-allow-credentials"));
        assertEquals("Authorization", preflight.header("access-control-allow-headers"));

        RawHttp.Response anonymous = RawHttp.exchange(uri, RawHttp.get(uri, "/snapshot", "Origin: " + ORIGIN, "Connection: close"));
        assertEquals(401, anonymous.status());
        assertEquals(ORIGIN, anonymous.header("access-control-allow-origin"), "the page may see that it must log in");
        RawHttp.Response signedIn = RawHttp.exchange(uri, RawHttp.get(uri, "/snapshot", "Origin: " + ORIGIN,
                basic(USER, PASSWORD), "Connection: close"));
        assertEquals(200, signedIn.status());
        assertEquals(ORIGIN, signedIn.header("access-control-allow-origin"));
        assertEquals("true", signedIn.header("access-control-allow-credentials"));
    }

    private static JsonNode stats() throws Exception {
        RawHttp.Response r = RawHttp.exchange(uri, RawHttp.get(uri, "/stats", basic(USER, PASSWORD), "Connection: close"));
        assertEquals(200, r.status());
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
    }
}
