package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which camera a URL serves, with three test-pattern cameras of different widths (front, the
 * default, 320; back 160; side 240): {@code ?camera=NAME} on the context root, {@code /cam/NAME/}
 * answered as {@code /} is (page for a browser, stream for a player, {@code ?action=}), the page's
 * files under it, and 404 naming the cameras for an unknown one. Each picture's width says which
 * camera sent it.
 */
class CameraRoutesIT {
    private static final String BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("--port", "0", "--address", "127.0.0.1",
                "--camera", "front=test-pattern:320x240@10",
                "--camera", "back=test-pattern:160x120@10",
                "--camera", "side=test-pattern:240x180@10");
        for (String name : List.of("front", "back", "side")) {
            Http.awaitStats(server.uri("/cam/" + name + "/"), Duration.ofSeconds(20),
                    s -> s.at("/camera/state").asText().equals("streaming"));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static HttpResponse<byte[]> get(String path, String accept) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(20));
        if (accept != null) {
            request.header("Accept", accept);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static int snapshotWidth(String path) throws Exception {
        HttpResponse<byte[]> response = get(path, "*/*");
        assertEquals(200, response.statusCode(), path + ": " + new String(response.body(), StandardCharsets.UTF_8));
        assertEquals("image/jpeg", response.headers().firstValue("Content-Type").orElse(""), path);
        MjpegClient.checkJpeg(response.body());
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(response.body()));
        assertNotNull(image, path);
        return image.getWidth();
    }

    /** The width of the first picture of the stream at {@code path}, asked for as a player would (Accept: any). */
    private static int streamWidth(String path, String accept) throws Exception {
        try (MjpegClient client = MjpegClient.open(server.uri(), path, Map.of("Accept", accept))) {
            assertEquals(200, client.status(), path);
            client.readPreamble();
            byte[] jpeg = client.readPart().jpeg();
            MjpegClient.checkJpeg(jpeg);
            return ImageIO.read(new ByteArrayInputStream(jpeg)).getWidth();
        }
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    @Test
    void cameraParameterOnTheRootPicksTheCameraAndCacheBustersAreHarmless() throws Exception {
        assertEquals(320, snapshotWidth("/?action=snapshot"), "no camera named: the default one");
        assertEquals(160, snapshotWidth("/?action=snapshot&camera=back"));
        assertEquals(240, snapshotWidth("/?camera=side&action=snapshot"));
        assertEquals(320, snapshotWidth("/?action=snapshot&camera=front"), "the default camera by its name");
        assertEquals(160, snapshotWidth("/?action=snapshot&camera=back&t=1733400000123&_=42"));
        assertEquals(160, streamWidth("/?action=stream&camera=back", "*/*"));
        assertEquals(240, streamWidth("/?action=stream&camera=side&t=123", "*/*"));
        assertEquals(160, streamWidth("/?camera=back", "*/*"), "a player at /?camera=NAME gets that camera's stream");
        assertEquals(160, streamWidth("/?action=stream&camera=back", BROWSER), "?action= wins over Accept, as at /");
    }

    @Test
    void camNameIsThatCamerasRootPageStreamAndActions() throws Exception {
        assertEquals(160, streamWidth("/cam/back/", "*/*"));
        assertEquals(240, streamWidth("/cam/side/?t=5", "*/*"));
        assertEquals(160, streamWidth("/cam/back/?action=stream&_=9", BROWSER));
        assertEquals(160, snapshotWidth("/cam/back/?action=snapshot&t=1"));
        assertEquals(320, snapshotWidth("/cam/front/?action=snapshot"));

        HttpResponse<byte[]> page = get("/cam/back/", BROWSER);
        assertEquals(200, page.statusCode());
        assertTrue(text(page).contains("<title>pi-stream</title>"), text(page));
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), page.headers().toString());
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"),
                "the page keeps its CSP at /cam/NAME/: " + page.headers());
        assertEquals("Accept", page.headers().firstValue("Vary").orElse(""));
        assertArrayEquals(get("/", BROWSER).body(), page.body(), "the same page as at /");

        // The page's relative URLs ask for its files under /cam/NAME/: they are the root's files.
        for (String file : List.of("assets/app.js", "assets/app.css", "assets/icon.svg")) {
            HttpResponse<byte[]> there = get("/cam/back/" + file, "*/*");
            assertEquals(200, there.statusCode(), file);
            assertArrayEquals(get("/" + file, "*/*").body(), there.body(), file);
            assertTrue(there.headers().firstValue("Content-Security-Policy").isPresent(), file);
        }
        assertEquals(404, get("/cam/back/assets/.hidden", "*/*").statusCode());
        assertEquals(404, get("/cam/back/assets/", "*/*").statusCode());
        assertEquals(404, get("/cam/back/WEB-INF/web.xml", "*/*").statusCode());
        assertEquals(404, get("/cam/back/index.html", "*/*").statusCode());

        // Without the slash: a browser is sent to the slash (the page's relative URLs need it), a player streams.
        HttpResponse<byte[]> bare = get("/cam/back?t=1", BROWSER);
        assertEquals(302, bare.statusCode());
        String location = bare.headers().firstValue("Location").orElse("");
        assertEquals(server.uri("/cam/back/?t=1"), server.uri("/cam/back?t=1").resolve(location), location);
        assertEquals(160, streamWidth("/cam/back", "*/*"));
    }

    @Test
    void unknownCameraIsNotFoundWhereverItIsNamedAndTheBodyNamesTheCameras() throws Exception {
        for (String path : List.of("/?action=snapshot&camera=nope", "/?action=stream&camera=nope&t=1", "/?camera=nope",
                "/cam/nope/", "/cam/nope/?action=snapshot", "/cam/nope/stream", "/cam/", "/cam/back/nothing")) {
            for (String accept : List.of("*/*", BROWSER)) {
                HttpResponse<byte[]> response = get(path, accept);
                assertEquals(404, response.statusCode(), path + " " + accept);
                assertTrue(text(response).contains("front, back, side") || text(response).startsWith("Camera 'back' serves"),
                        path + ": " + text(response));
                assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), path);
            }
        }
        HttpResponse<byte[]> named = get("/?action=snapshot&camera=nope", "*/*");
        assertTrue(text(named).startsWith("No camera 'nope'. Cameras: front, back, side;"), text(named));
        assertTrue(text(named).contains("/cam/NAME/"), text(named));
        HttpResponse<byte[]> twice = get("/cam/back/?action=snapshot&camera=front", "*/*");
        assertEquals(400, twice.statusCode(), "two cameras named: " + text(twice));
        assertTrue(text(twice).contains("'back'") && text(twice).contains("'front'"), text(twice));
        assertEquals(200, get("/cam/back/?action=snapshot&camera=back", "*/*").statusCode(), "the same camera twice is fine");
    }

    @Test
    void theAllCamerasPageIsForBrowsersOnly() throws Exception {
        HttpResponse<byte[]> page = get("/?camera=all", BROWSER);
        assertEquals(200, page.statusCode());
        assertTrue(text(page).contains("<title>pi-stream</title>"));
        assertEquals(404, get("/?camera=all", "*/*").statusCode(), "a player asked for no single camera");
        assertEquals(404, get("/?camera=all&action=snapshot", "*/*").statusCode());
    }

    @Test
    void statsSayWhereTheirCamerasUrlsAre() throws Exception {
        assertEquals("", Http.stats(server.uri()).at("/server/base").asText("missing"));
        assertEquals("cam/back/", Http.stats(server.uri("/cam/back/")).at("/server/base").asText());
        assertEquals("back", Http.stats(server.uri("/cam/back/")).at("/server/camera").asText());
        assertEquals("cam/front/", Http.stats(server.uri("/cam/front/")).at("/server/base").asText());
    }
}
