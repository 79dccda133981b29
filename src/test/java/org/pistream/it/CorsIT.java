package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --allow-origin}: preflights and simple requests get CORS headers for the allowed origins only. */
class CorsIT {
    private static final String DASHBOARD = "https://dash.example";
    private static final String HOME_ASSISTANT = "http://10.0.0.5:8123";
    private static TestServer server;
    private static URI uri;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("--camera", "test-pattern:160x120@10", "--port", "0", "--address", "127.0.0.1",
                "--allow-origin", DASHBOARD + ", " + HOME_ASSISTANT + "/");
        uri = server.uri();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    private static RawHttp.Response preflight(String path, String origin, String method, String headers) throws Exception {
        return headers == null
                ? RawHttp.exchange(uri, RawHttp.request("OPTIONS", uri, path, "Origin: " + origin,
                        "Access-Control-Request-Method: " + method, "Connection: close"))
                : RawHttp.exchange(uri, RawHttp.request("OPTIONS", uri, path, "Origin: " + origin,
                        "Access-Control-Request-Method: " + method, "Access-Control-Request-Headers: " + headers, "Connection: close"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/stream", "/snapshot", "/stats"})
    void preflightFromAnAllowedOriginIsAllowed(String path) throws Exception {
        RawHttp.Response r = preflight(path, HOME_ASSISTANT, "GET", null);
        assertEquals(204, r.status(), r.toString());
        assertEquals(HOME_ASSISTANT, r.header("access-control-allow-origin"));
        assertEquals("GET, HEAD", r.header("access-control-allow-methods"));
        assertEquals("Authorization", r.header("access-control-allow-headers"));
        assertEquals("600", r.header("access-control-max-age"));
        assertEquals("Origin", r.header("vary"));
        assertNull(r.header("access-control-allow-credentials"), "authentication is off: no credentials to allow");
    }

    @Test
    void preflightFromAnyOtherOriginGetsNoCorsHeaders() throws Exception {
        for (String origin : new String[] {"https://evil.example", "https://dash.example.evil.example", "http://dash.example",
                "https://dash.example:8443", "null"}) {
            RawHttp.Response r = preflight("/snapshot", origin, "GET", null);
            assertEquals(204, r.status());
            assertNull(r.header("access-control-allow-origin"), origin);
            assertNull(r.header("access-control-allow-methods"), origin);
        }
    }

    @Test
    void preflightForOtherMethodsOrHeadersGetsNoCorsHeaders() throws Exception {
        assertNull(preflight("/stats", DASHBOARD, "POST", null).header("access-control-allow-origin"));
        assertNull(preflight("/stats", DASHBOARD, "DELETE", null).header("access-control-allow-origin"));
        assertNull(preflight("/stats", DASHBOARD, "GET", "x-custom").header("access-control-allow-origin"));
        assertEquals(DASHBOARD, preflight("/stats", DASHBOARD, "GET", "authorization").header("access-control-allow-origin"));
    }

    @Test
    void simpleRequestsFromAllowedOriginsMayReadTheAnswer() throws Exception {
        RawHttp.Response snapshot = RawHttp.exchange(uri, RawHttp.get(uri, "/snapshot", "Origin: " + DASHBOARD, "Connection: close"));
        assertEquals(200, snapshot.status());
        assertEquals(DASHBOARD, snapshot.header("access-control-allow-origin"));
        assertEquals("X-Timestamp", snapshot.header("access-control-expose-headers"));
        assertEquals("Origin", snapshot.header("vary"));
        try (MjpegClient stream = MjpegClient.open(uri, "/stream", Map.of("Origin", HOME_ASSISTANT))) {
            assertEquals(HOME_ASSISTANT, stream.headers().get("access-control-allow-origin"));
            stream.readPart();
        }
    }

    @Test
    void simpleRequestsFromOtherOriginsOrWithoutOriginGetNone() throws Exception {
        RawHttp.Response other = RawHttp.exchange(uri, RawHttp.get(uri, "/stats", "Origin: https://evil.example", "Connection: close"));
        assertEquals(200, other.status(), "CORS does not block the request; the browser keeps the answer from the page");
        assertNull(other.header("access-control-allow-origin"));
        assertEquals("Origin", other.header("vary"));
        RawHttp.Response none = RawHttp.exchange(uri, RawHttp.get(uri, "/stats", "Connection: close"));
        assertNull(none.header("access-control-allow-origin"));
    }

    @Test
    void pagesAndOtherPathsNeverGetCorsHeaders() throws Exception {
        for (String path : new String[] {"/index.html", "/assets/app.js", "/"}) {
            RawHttp.Response r = RawHttp.exchange(uri, RawHttp.get(uri, path, "Origin: " + DASHBOARD, "Accept: text/html",
                    "Connection: close"));
            assertEquals(200, r.status(), path);
            assertNull(r.header("access-control-allow-origin"), path);
        }
        RawHttp.Response preflight = preflight("/index.html", DASHBOARD, "GET", null);
        assertNull(preflight.header("access-control-allow-origin"));
        assertTrue(preflight.header("allow").contains("GET"));
    }
}
