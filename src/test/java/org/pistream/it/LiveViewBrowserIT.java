package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.pistream.core.settings.Settings;
import org.pistream.launcher.EmbeddedServer;
import org.pistream.web.SettingsLoader;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The live-view page in headless Chromium (Debian's chromium and chromedriver) against
 * {@code java -jar pi-stream.war} on the test pattern, over loopback.
 */
class LiveViewBrowserIT {
    private static final int WIDTH = 320;
    private static final int HEIGHT = 240;
    private static final Duration PICTURE_TIMEOUT = Duration.ofSeconds(5);
    private static final Pattern SNAPSHOT_NAME = Pattern.compile("pi-stream_\\d{4}-\\d\\d-\\d\\d_\\d\\d-\\d\\d-\\d\\d-\\d{3}\\.jpg");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private static Browser browser;
    private static int port;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        browser = Browser.start();
        port = ServerProcess.freePort();
        server = startServer();
    }

    private static TestServer startServer() throws Exception {
        return TestServer.start("--camera", "test-pattern:" + WIDTH + "x" + HEIGHT + "@15",
                "--port", String.valueOf(port), "--address", "127.0.0.1");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    @BeforeEach
    void forgetEarlierConsoleMessages() {
        browser.console();
    }

    private static void openPage(String path) {
        browser.open(server.uri(path).toString());
    }

    /** Waits until the page shows a live picture: decoded (natural width > 0), overlay gone. */
    private static Duration awaitLivePicture(Duration timeout) throws InterruptedException {
        return browser.await("a live picture", timeout, () -> (Boolean) browser.script(
                "var img = document.getElementById('live');"
                        + "return img.naturalWidth > 0 && document.getElementById('stage').dataset.picture === 'live'"
                        + " && document.getElementById('overlay').hidden;"));
    }

    private static void assertNoConsoleErrors() {
        List<String> errors = browser.consoleErrors();
        assertTrue(errors.isEmpty(), "browser console errors: " + errors);
    }

    private static void assertPictureMoves(String when) throws InterruptedException {
        WebElement img = browser.find("live");
        BufferedImage first = browser.screenshot(img);
        Thread.sleep(1000);
        BufferedImage second = browser.screenshot(img);
        double differ = Browser.differingPixels(first, second);
        assertTrue(differ > 0.002, when + ": screenshots 1 s apart differ in " + differ * 100 + "% of the picture's pixels");
    }

    @Test
    void pageShowsTheLivePictureWithinFiveSecondsAndItMoves() throws Exception {
        openPage("/");
        assertEquals("pi-stream", browser.driver().getTitle(), "a browser navigating to / gets the page");
        Duration shown = awaitLivePicture(PICTURE_TIMEOUT);
        System.out.println("Live picture shown " + shown.toMillis() + " ms after the page loaded");
        assertEquals(WIDTH, ((Number) browser.script("return document.getElementById('live').naturalWidth;")).intValue());
        String src = (String) browser.script("return document.getElementById('live').src;");
        assertTrue(src.contains("stream?advance_headers=1&"), "Chromium gets the advance-headers stream: " + src);
        assertPictureMoves("live view");
        assertNoConsoleErrors();
    }

    @Test
    void statusLineShowsFrameRateResolutionViewersAndCameraState() throws Exception {
        openPage("/");
        awaitLivePicture(PICTURE_TIMEOUT);
        browser.await("a status line with fps > 0", Duration.ofSeconds(5), () -> fps() > 0);
        assertEquals("Streaming", browser.find("cam-state").getText());
        assertEquals(WIDTH + "×" + HEIGHT, browser.find("resolution").getText());
        assertEquals("test-pattern", browser.find("kind").getText(), "the camera's kind");
        assertTrue(browser.find("fps").getAttribute("title").contains("asked for 15"), browser.find("fps").getAttribute("title"));
        browser.await("this viewer counted", Duration.ofSeconds(5),
                () -> browser.find("viewers").getText().matches("[1-9]\\d* viewers?"));
        assertEquals("streaming", browser.find("status").getAttribute("data-state"));
        assertNoConsoleErrors();
    }

    private static double fps() {
        Matcher m = Pattern.compile("([0-9.]+) fps").matcher(browser.find("fps").getText());
        return m.matches() ? Double.parseDouble(m.group(1)) : -1;
    }

    @Test
    void snapshotButtonDownloadsTheCurrentFrameAsATimestampedJpeg() throws Exception {
        openPage("/");
        awaitLivePicture(PICTURE_TIMEOUT);
        browser.find("snapshot").click();
        Path[] file = new Path[1];
        browser.await("a downloaded snapshot in " + browser.downloads(), Duration.ofSeconds(10), () -> {
            try (Stream<Path> files = Files.list(browser.downloads())) {
                file[0] = files.filter(p -> SNAPSHOT_NAME.matcher(p.getFileName().toString()).matches())
                        .findFirst().orElse(null);
                return file[0] != null;
            } catch (java.io.IOException e) {
                return false;
            }
        });
        byte[] jpeg = Files.readAllBytes(file[0]);
        MjpegClient.checkJpeg(jpeg);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        assertNotNull(image, "the snapshot decodes as a JPEG");
        assertEquals(WIDTH, image.getWidth());
        assertEquals(HEIGHT, image.getHeight());
        browser.await("the page says where the snapshot went", Duration.ofSeconds(3),
                () -> browser.find("message").getText().equals("Saved " + file[0].getFileName()));
        assertNoConsoleErrors();
    }

    @Test
    void rotateAndMirrorWorkFromTheKeyboardAndAreRememberedAfterAReload() throws Exception {
        openPage("/");
        browser.script("localStorage.clear();");
        browser.driver().navigate().refresh();
        awaitLivePicture(PICTURE_TIMEOUT);
        for (String id : List.of("snapshot", "rotate", "mirror", "fullscreen")) {
            WebElement button = browser.find(id);
            assertEquals("button", button.getTagName());
            assertTrue(!button.getText().isBlank(), id + " has a visible label");
        }

        browser.find("rotate").sendKeys(Keys.ENTER); // focus the button and press Enter, as a keyboard user does
        assertEquals("90", browser.find("stage").getAttribute("data-rotation"));
        assertEquals("90°", browser.find("rotation-value").getText());
        browser.find("mirror").sendKeys(Keys.SPACE);
        assertEquals("true", browser.find("mirror").getAttribute("aria-pressed"));
        // rotate(90deg) scaleX(-1), once the transition has ended; the turned picture then fills the
        // stage: it is laid out in the swapped box, then turned.
        browser.await("the picture turned and mirrored", Duration.ofSeconds(3),
                () -> List.of(0L, -1L, -1L, 0L).equals(transform()));
        assertEquals(Boolean.TRUE, browser.script(
                "var s = document.getElementById('stage').getBoundingClientRect();"
                        + "var i = document.getElementById('live').getBoundingClientRect();"
                        + "return Math.abs(s.width - i.width) < 1 && Math.abs(s.height - i.height) < 1;"));

        browser.driver().navigate().refresh();
        awaitLivePicture(PICTURE_TIMEOUT);
        assertEquals("90", browser.find("stage").getAttribute("data-rotation"), "rotation remembered");
        assertEquals("true", browser.find("mirror").getAttribute("aria-pressed"), "mirror remembered");
        browser.await("the remembered view applied", Duration.ofSeconds(3), () -> List.of(0L, -1L, -1L, 0L).equals(transform()));

        browser.driver().findElement(org.openqa.selenium.By.tagName("body")).sendKeys("rrrm"); // shortcuts
        assertEquals("0", browser.find("stage").getAttribute("data-rotation"));
        assertEquals("false", browser.find("mirror").getAttribute("aria-pressed"));
        assertEquals("{\"rotation\":0,\"mirror\":false}", browser.script("return localStorage.getItem('pi-stream.view');"));
        assertNoConsoleErrors();
    }

    /**
     * The picture's computed 2D transform matrix (a, b, c, d) to three decimals: whole numbers (as
     * Long) only once a transition has ended.
     */
    @SuppressWarnings("unchecked")
    private static List<Object> transform() {
        return (List<Object>) browser.script(
                "var m = new DOMMatrix(getComputedStyle(document.getElementById('live')).transform);"
                        + "return [m.a, m.b, m.c, m.d].map(function (v) { return Math.round(v * 1000) / 1000 + 0; });");
    }

    @Test
    void fullscreenButtonShowsThePictureFullscreen() throws Exception {
        openPage("/");
        awaitLivePicture(PICTURE_TIMEOUT);
        browser.find("fullscreen").click();
        browser.await("fullscreen", Duration.ofSeconds(3),
                () -> "stage".equals(browser.script("return document.fullscreenElement && document.fullscreenElement.id;")));
        assertEquals("true", browser.find("fullscreen").getAttribute("aria-pressed"));
        browser.script("document.exitFullscreen();");
        browser.await("fullscreen left", Duration.ofSeconds(3),
                () -> "false".equals(browser.find("fullscreen").getAttribute("aria-pressed")));
        assertNoConsoleErrors();
    }

    @Test
    void desktopAndPhoneScreenshotsAreSavedForPeopleToLookAt() throws Exception {
        Files.createDirectories(SCREENSHOTS);
        browser.emulate(1280, 800, 1, false);
        try {
            openPage("/");
            awaitStatusLineWithThisViewer();
            Files.write(SCREENSHOTS.resolve("live-view-desktop.png"), browser.screenshotPng());
        } finally {
            browser.clearEmulation();
        }

        browser.emulate(390, 844, 3, true);
        try {
            openPage("/");
            awaitStatusLineWithThisViewer();
            @SuppressWarnings("unchecked")
            Map<String, Object> layout = (Map<String, Object>) browser.script(
                    "var buttons = Array.prototype.slice.call(document.querySelectorAll('.controls button'));"
                            + "var picture = document.getElementById('live').getBoundingClientRect();"
                            + "return {scrollWidth: document.documentElement.scrollWidth, width: innerWidth, height: innerHeight,"
                            + " smallestButton: Math.min.apply(null, buttons.map(function (b) {"
                            + "   var r = b.getBoundingClientRect(); return Math.min(r.width, r.height); })),"
                            + " lowestButton: Math.max.apply(null, buttons.map(function (b) { return b.getBoundingClientRect().bottom; })),"
                            + " pictureWidth: picture.width};");
            assertEquals(390L, layout.get("width"));
            assertTrue(((Number) layout.get("scrollWidth")).intValue() <= 390, "no sideways scrolling: " + layout);
            assertTrue(((Number) layout.get("smallestButton")).doubleValue() >= 44, "touch-sized buttons: " + layout);
            assertTrue(((Number) layout.get("lowestButton")).doubleValue() <= 844, "controls on screen: " + layout);
            assertEquals(390.0, ((Number) layout.get("pictureWidth")).doubleValue(), 1.0, "picture uses the width: " + layout);
            Files.write(SCREENSHOTS.resolve("live-view-phone.png"), browser.screenshotPng());
        } finally {
            browser.clearEmulation();
        }
        assertNoConsoleErrors();
    }

    private static void awaitStatusLineWithThisViewer() throws InterruptedException {
        awaitLivePicture(PICTURE_TIMEOUT);
        browser.await("a status line that counts this viewer", Duration.ofSeconds(5),
                () -> fps() > 0 && browser.find("viewers").getText().equals("1 viewer"));
    }

    @Test
    void pageReconnectsByItselfAfterTheServerIsStoppedAndStartedAgain() throws Exception {
        openPage("/");
        awaitLivePicture(PICTURE_TIMEOUT);
        String firstStream = (String) browser.script("return document.getElementById('live').src;");

        server.stop();
        Duration noticed = browser.await("a visible reconnecting state", Duration.ofSeconds(10), () -> (Boolean) browser.script(
                "var o = document.getElementById('overlay');"
                        + "return !o.hidden && document.getElementById('overlay-text').textContent === 'Reconnecting…';"));
        assertTrue(browser.find("overlay").isDisplayed(), "the reconnecting state is visible");
        assertEquals("stale", browser.find("stage").getAttribute("data-picture"));
        assertEquals(WIDTH, ((Number) browser.script("return document.getElementById('live').naturalWidth;")).intValue(),
                "the last frame stays on screen (dimmed), not a broken image");
        browser.await("the status line says offline", Duration.ofSeconds(5),
                () -> "Offline".equals(browser.find("cam-state").getText()));
        System.out.println("Page showed 'Reconnecting…' " + noticed.toMillis() + " ms after the server stopped (cause: "
                + browser.find("overlay").getAttribute("data-reason") + ")");

        server = startServer();
        Duration back = awaitLivePicture(Duration.ofSeconds(15));
        System.out.println("Page showed a live picture again " + back.toMillis() + " ms after the server listened again");
        assertPictureMoves("after the restart");
        String secondStream = (String) browser.script("return document.getElementById('live').src;");
        assertTrue(!secondStream.equals(firstStream), "a new stream request");

        // Exactly one stream for this page on the new server: reconnecting left no connection behind.
        JsonNode stats = Http.awaitStats(server.uri(), Duration.ofSeconds(5), s -> s.at("/clients/connected").asInt() == 1);
        String path = stats.at("/clients/list/0/path").asText();
        assertTrue(secondStream.endsWith(path.substring(path.indexOf("stream?"))), path + " is " + secondStream);

        // While the server was down, Chromium logs each refused request; nothing else may be logged.
        List<String> unexpected = browser.consoleErrors().stream()
                .filter(e -> !(e.contains("127.0.0.1:" + port + "/") && e.contains("net::ERR_")))
                .toList();
        assertTrue(unexpected.isEmpty(), "console errors other than refused requests while the server was down: " + unexpected);
    }

    /**
     * Headless Chromium never hides a tab (not for background tabs, not for a minimised window), so
     * this test sets {@code document.hidden} and fires {@code visibilitychange} itself; the rest is
     * real: the page drops its stream, the server sees it go, and the page reconnects when shown.
     */
    @Test
    void hiddenTabStopsItsStreamAndReconnectsWhenShownAgain() throws Exception {
        openPage("/");
        awaitLivePicture(PICTURE_TIMEOUT);
        Http.awaitStats(server.uri(), Duration.ofSeconds(5), s -> s.at("/clients/connected").asInt() == 1);

        browser.script("Object.defineProperty(document, 'hidden', {configurable: true, get: function () { return true; }});"
                + "document.dispatchEvent(new Event('visibilitychange'));");
        // After 10 s hidden the page lets go of its stream: a forgotten tab costs the Pi nothing.
        Http.awaitStats(server.uri(), Duration.ofSeconds(15), s -> s.at("/clients/connected").asInt() == 0);
        assertEquals("paused", browser.find("overlay").getAttribute("data-reason"));

        browser.script("delete document.hidden; document.dispatchEvent(new Event('visibilitychange'));");
        awaitLivePicture(PICTURE_TIMEOUT);
        Http.awaitStats(server.uri(), Duration.ofSeconds(5), s -> s.at("/clients/connected").asInt() == 1);
        assertPictureMoves("shown again");
        assertNoConsoleErrors();
    }

    /**
     * The evidence for the page's choice: on a 2 fps camera, how often each layout's picture in
     * Chromium is the server's newest frame (pixel-identical to a snapshot taken at that moment).
     */
    @Test
    void advanceHeadersShowTheNewestFrameInChromiumWhereThePlainStreamIsOneFrameLate() throws Exception {
        try (TestServer slow = TestServer.start("--camera", "test-pattern:" + WIDTH + "x" + HEIGHT + "@2",
                "--port", "0", "--address", "127.0.0.1")) {
            // A page without script of its own (the JSON of /stats) on the server's origin, so canvas reads are allowed.
            browser.open(slow.uri("stats").toString());
            @SuppressWarnings("unchecked")
            Map<String, Object> result = (Map<String, Object>) browser.asyncScript(String.join("\n",
                    "var done = arguments[arguments.length - 1];",
                    "var layouts = {standard: '', advance_headers: 'advance_headers=1&', dual_final_frames: 'dual_final_frames=1&'};",
                    "var imgs = {};",
                    "Object.keys(layouts).forEach(function (k) {",
                    "  var img = new Image(); img.src = 'stream?' + layouts[k] + 'client=' + k; document.body.appendChild(img); imgs[k] = img; });",
                    "function pixels(source, w, h) { var c = document.createElement('canvas'); c.width = w; c.height = h;",
                    "  var g = c.getContext('2d'); g.drawImage(source, 0, 0); return g.getImageData(0, 0, w, h).data; }",
                    "function same(a, b) { for (var i = 0; i < a.length; i++) { if (a[i] !== b[i]) return false; } return true; }",
                    "var newest = {standard: 0, advance_headers: 0, dual_final_frames: 0}; var samples = 0;",
                    "function sample() {",
                    "  fetch('snapshot', {cache: 'no-store'}).then(function (r) { return r.blob(); })",
                    "    .then(createImageBitmap).then(function (bitmap) {",
                    "      var snap = pixels(bitmap, bitmap.width, bitmap.height);",
                    "      Object.keys(imgs).forEach(function (k) {",
                    "        if (same(pixels(imgs[k], bitmap.width, bitmap.height), snap)) newest[k]++; });",
                    "      samples++;",
                    "      if (samples < 10) { setTimeout(sample, 330); } else { newest.samples = samples; done(newest); }",
                    "    }).catch(function (e) { done({error: String(e)}); });",
                    "}",
                    "setTimeout(sample, 1500);"));
            System.out.println("Samples (of " + result.get("samples") + ") where Chromium showed the newest frame: " + result);
            assertEquals(10L, result.get("samples"), String.valueOf(result));
            long standard = (Long) result.get("standard");
            long advance = (Long) result.get("advance_headers");
            long dual = (Long) result.get("dual_final_frames");
            assertTrue(standard <= 2, "the plain stream is one frame late in Chromium: " + result);
            assertTrue(advance >= 8, "advance_headers shows the newest frame: " + result);
            assertTrue(dual >= 8, "dual_final_frames shows the newest frame too: " + result);

            // ... but at the price of sending every frame twice to a client that keeps up.
            JsonNode stats = Http.stats(slow.uri());
            long advanceFrames = framesSent(stats, "client=advance_headers");
            long dualFrames = framesSent(stats, "client=dual_final_frames");
            System.out.println("Parts sent in the same time: advance_headers " + advanceFrames + ", dual_final_frames " + dualFrames);
            assertTrue(dualFrames >= advanceFrames * 3 / 2, "dual final frames doubles the parts: " + advanceFrames + " vs " + dualFrames);
        }
        browser.open("about:blank");
        browser.console(); // the other server's origin is gone; its messages are not this page's
    }

    private static long framesSent(JsonNode stats, String tag) {
        for (JsonNode client : stats.at("/clients/list")) {
            if (client.path("path").asText().contains(tag)) {
                return client.path("framesSent").asLong();
            }
        }
        throw new AssertionError("no client " + tag + " in " + stats);
    }

    @Test
    void pageWorksUnderAContextPathWithRelativeUrlsOnly() throws Exception {
        // As the launcher does: the flags become the settings.
        Map<String, String> flags = Map.of("pistream.camera", "test-pattern:" + WIDTH + "x" + HEIGHT + "@10",
                "pistream.port", "0", "pistream.address", "127.0.0.1", "pistream.stats-interval", "0");
        Settings settings = SettingsLoader.load(SettingsLoader.config(flags, "test", getClass().getClassLoader()));
        Server cam = EmbeddedServer.create(settings, "/cam");
        cam.start();
        try {
            String base = EmbeddedServer.uri(cam).resolve("/cam").toString();
            browser.open(base); // "/cam" without the slash: the server redirects to "/cam/"
            awaitLivePicture(PICTURE_TIMEOUT);
            assertTrue(browser.driver().getCurrentUrl().endsWith("/cam/"), browser.driver().getCurrentUrl());
            String src = (String) browser.script("return document.getElementById('live').src;");
            assertTrue(src.contains("/cam/stream?"), src);
            browser.await("a status line from /cam/stats", Duration.ofSeconds(5), () -> fps() > 0);
            assertEquals(WIDTH + "×" + HEIGHT, browser.find("resolution").getText());
            assertPictureMoves("under /cam");
            assertNoConsoleErrors();
        } finally {
            browser.open("about:blank");
            EmbeddedServer.stop(cam);
        }
    }

    @Test
    void pageListsSeveralCamerasAndShowsOneOrAll() throws Exception {
        Map<String, String> flags = Map.of("pistream.camera.front", "test-pattern:" + WIDTH + "x" + HEIGHT + "@10",
                "pistream.camera.back", "test-pattern:160x120@10", "pistream.cameras", "front,back",
                "pistream.port", "0", "pistream.address", "127.0.0.1", "pistream.stats-interval", "0");
        Settings settings = SettingsLoader.load(SettingsLoader.config(flags, "test", getClass().getClassLoader()));
        Server two = EmbeddedServer.create(settings, "/");
        two.start();
        try {
            String base = EmbeddedServer.uri(two).toString();
            browser.open(base);
            awaitLivePicture(PICTURE_TIMEOUT);
            browser.await("the camera list", Duration.ofSeconds(5), () -> (Boolean) browser.script(
                    "return !document.getElementById('cameras').hidden;"));
            assertEquals(List.of("front", "back", "All"), browser.script(
                    "return Array.from(document.querySelectorAll('#cameras a')).map(a => a.textContent);"));
            assertEquals(WIDTH + "×" + HEIGHT, awaitResolution());

            browser.script("Array.from(document.querySelectorAll('#cameras a')).find(a => a.textContent === 'back').click();");
            browser.await("the back camera's page", Duration.ofSeconds(5),
                    () -> browser.driver().getCurrentUrl().endsWith("/cam/back/"));
            awaitLivePicture(PICTURE_TIMEOUT);
            String src = (String) browser.script("return document.getElementById('live').src;");
            assertTrue(src.contains("/cam/back/stream?"), src);
            browser.await("the back camera's size", Duration.ofSeconds(5), () -> "160×120".equals(awaitResolution()));
            assertPictureMoves("camera back");

            browser.script("Array.from(document.querySelectorAll('#cameras a')).find(a => a.textContent === 'All').click();");
            browser.await("both cameras side by side", PICTURE_TIMEOUT, () -> (Boolean) browser.script(
                    "var tiles = document.querySelectorAll('.tile img');"
                            + "return tiles.length === 2 && Array.from(tiles).every(t => t.naturalWidth > 0);"));
            assertEquals(List.of(320L, 160L), browser.script(
                    "return Array.from(document.querySelectorAll('.tile img')).map(t => t.naturalWidth);"));
            Files.createDirectories(SCREENSHOTS);
            Files.write(SCREENSHOTS.resolve("live-view-all-cameras.png"), browser.screenshotPng());
            assertNoConsoleErrors();
        } finally {
            browser.open("about:blank");
            EmbeddedServer.stop(two);
        }
    }

    private static String awaitResolution() {
        return browser.find("resolution").getText();
    }
}
