package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pages of a server with several cameras in headless Chromium: the all-cameras grid (tiles that
 * fill the screen on a desktop and on a phone, each with its name, status and a working snapshot
 * button; a header that sums up every camera) and a camera's own page at {@code /cam/NAME/}.
 */
class CamerasPageBrowserIT {
    private static final Duration PICTURE_TIMEOUT = Duration.ofSeconds(10);
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Map<String, Integer> WIDTHS = Map.of("front", 320, "back", 160, "side", 240);

    private static Browser browser;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        browser = Browser.start();
        server = TestServer.start("--port", "0", "--address", "127.0.0.1", "--stats-interval", "0",
                "--camera", "front=test-pattern:320x240@10",
                "--camera", "back=test-pattern:160x120@10",
                "--camera", "side=test-pattern:240x180@10");
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

    @AfterEach
    void leaveThePage() {
        browser.clearEmulation();
        browser.open("about:blank"); // drops the page's streams before the next test counts viewers
    }

    private static void assertNoConsoleErrors() {
        List<String> errors = browser.consoleErrors();
        assertTrue(errors.isEmpty(), "browser console errors (a CSP violation is one): " + errors);
    }

    private static void awaitTiles(int count) throws InterruptedException {
        browser.await(count + " tiles with a picture each", PICTURE_TIMEOUT, () -> (Boolean) browser.script(
                "var p = document.querySelectorAll('.tile .tile-picture');"
                        + "return p.length === " + count + " && Array.from(p).every(function (i) { return i.naturalWidth > 0; });"));
    }

    /** The stage's and each tile's box, and how much of the stage the tiles cover. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> layout() {
        return (Map<String, Object>) browser.script(String.join("\n",
                "var stage = document.getElementById('stage').getBoundingClientRect();",
                "var tiles = Array.from(document.querySelectorAll('.tile')).map(function (t) { return t.getBoundingClientRect(); });",
                "var area = tiles.reduce(function (s, r) { return s + r.width * r.height; }, 0);",
                "return {stageLeft: stage.left, stageRight: stage.right, stageTop: stage.top, stageBottom: stage.bottom,",
                "  left: Math.min.apply(null, tiles.map(function (r) { return r.left; })),",
                "  right: Math.max.apply(null, tiles.map(function (r) { return r.right; })),",
                "  top: Math.min.apply(null, tiles.map(function (r) { return r.top; })),",
                "  bottom: Math.max.apply(null, tiles.map(function (r) { return r.bottom; })),",
                "  covered: area / (stage.width * stage.height), widths: tiles.map(function (r) { return Math.round(r.width); }),",
                "  tops: tiles.map(function (r) { return Math.round(r.top); }),",
                "  scrollWidth: document.documentElement.scrollWidth, viewport: innerWidth};"));
    }

    private static double number(Map<String, Object> map, String key) {
        return ((Number) map.get(key)).doubleValue();
    }

    /** The tiles reach every edge of the stage (less its 8 px padding) and cover most of it, without overlapping. */
    private static void assertTilesFillTheStage(Map<String, Object> l) {
        String all = l.toString();
        assertEquals(number(l, "stageLeft") + 8, number(l, "left"), 2, "tiles start at the left edge: " + all);
        assertEquals(number(l, "stageRight") - 8, number(l, "right"), 2, "tiles reach the right edge: " + all);
        assertEquals(number(l, "stageTop") + 8, number(l, "top"), 2, "tiles start at the top: " + all);
        assertEquals(number(l, "stageBottom") - 8, number(l, "bottom"), 2, "tiles reach the bottom, not top-aligned: " + all);
        double covered = number(l, "covered");
        assertTrue(covered > 0.85 && covered <= 1.0, "tiles cover the stage, less the gaps: " + all);
        assertTrue(number(l, "scrollWidth") <= number(l, "viewport"), "no sideways scrolling: " + all);
    }

    @Test
    void gridTilesFillADesktopScreenEachWithNameStatusAndSnapshot() throws Exception {
        browser.emulate(1280, 800, 1, false);
        browser.open(server.uri("/?camera=all").toString());
        awaitTiles(3);
        assertEquals(List.of("front", "back", "side"), browser.script(
                "return Array.from(document.querySelectorAll('.tile .tile-name')).map(function (n) { return n.textContent; });"));
        assertEquals(List.of(320L, 160L, 240L), browser.script(
                "return Array.from(document.querySelectorAll('.tile-picture')).map(function (i) { return i.naturalWidth; });"));
        browser.await("every tile's own status", PICTURE_TIMEOUT, () -> (Boolean) browser.script(
                "return Array.from(document.querySelectorAll('.tile')).every(function (t) {"
                        + " return t.dataset.state === 'streaming' && t.querySelector('.tile-label').textContent === 'Streaming'"
                        + " && / fps$/.test(t.querySelector('.tile-info').textContent); });"));
        assertEquals("160×120 · ", ((String) browser.script(
                "return document.querySelector('.tile[data-camera=back] .tile-info').textContent;")).replaceAll("[0-9.]+ fps$", ""));
        // The header sums up all three, not the first camera only.
        browser.await("a header for all cameras", PICTURE_TIMEOUT,
                () -> browser.find("cam-state").getText().equals("All 3 streaming")
                        && browser.find("viewers").getText().equals("3 viewers"));
        assertEquals("streaming", browser.find("status").getAttribute("data-state"));
        assertEquals("3 cameras", browser.find("resolution").getText());

        assertEquals(Boolean.TRUE, browser.script(
                "return Array.from(document.querySelectorAll('.tile-name')).every(function (n) { return n.scrollWidth <= n.clientWidth; });"),
                "each camera's name shows whole");
        Map<String, Object> wide = layout();
        assertTilesFillTheStage(wide);
        System.out.println("Desktop 1280x800, 3 cameras: " + wide);
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve("cameras-grid-desktop.png"), browser.screenshotPng());

        // Each snapshot link is that camera's snapshot: fetched as it is, and clicked.
        for (String name : List.of("front", "back", "side")) {
            String href = (String) browser.script("return document.querySelector('.tile[data-camera=" + name + "] .tile-snapshot').href;");
            assertTrue(href.endsWith("/cam/" + name + "/snapshot"), href);
            byte[] jpeg = Http.get(java.net.URI.create(href)).body();
            MjpegClient.checkJpeg(jpeg);
            assertEquals(WIDTHS.get(name), ImageIO.read(new ByteArrayInputStream(jpeg)).getWidth(), href);
        }
        browser.script("document.querySelector('.tile[data-camera=back] .tile-snapshot').click();");
        Path file = awaitDownload(Pattern.compile("pi-stream_back_\\d{4}-\\d\\d-\\d\\d_\\d\\d-\\d\\d-\\d\\d-\\d{3}\\.jpg"));
        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image);
        assertEquals(160, image.getWidth(), "the back camera's frame");
        browser.await("the page says where the snapshot went", Duration.ofSeconds(3),
                () -> browser.find("message").getText().equals("Saved " + file.getFileName()));

        // A tile's picture opens that camera's own page.
        assertTrue(((String) browser.script("return document.querySelector('.tile[data-camera=side] .tile-view').href;"))
                .endsWith("/cam/side/"));
        assertTrue(((String) browser.script("return document.querySelector('.tile[data-camera=front] .tile-view').href;"))
                .endsWith(server.uri("/").toString()), "the default camera's page is the root");
        assertNoConsoleErrors();
    }

    @Test
    void gridStacksTheTilesOnAPhoneAndStillFillsTheScreen() throws Exception {
        browser.emulate(390, 844, 3, true);
        browser.open(server.uri("/?camera=all").toString());
        awaitTiles(3);
        browser.await("the header for all cameras", PICTURE_TIMEOUT, () -> browser.find("cam-state").getText().equals("All 3 streaming"));
        Map<String, Object> phone = layout();
        System.out.println("Phone 390x844, 3 cameras: " + phone);
        assertTilesFillTheStage(phone);
        assertEquals(List.of(374L, 374L, 374L), phone.get("widths"), "one column, the phone's width: " + phone);
        assertEquals(Boolean.TRUE, browser.script(
                "return Array.from(document.querySelectorAll('.tile-snapshot')).every(function (b) {"
                        + " var r = b.getBoundingClientRect(); return r.height >= 36 && r.right <= innerWidth && b.offsetParent !== null; });"),
                "each tile's snapshot button is on screen");
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve("cameras-grid-phone.png"), browser.screenshotPng());
        assertNoConsoleErrors();
    }

    @Test
    void aCamerasOwnPageAtCamNameShowsThatCamera() throws Exception {
        browser.open(server.uri("/cam/back/").toString());
        browser.await("the back camera's live picture", PICTURE_TIMEOUT, () -> (Boolean) browser.script(
                "var img = document.getElementById('live');"
                        + "return img.naturalWidth > 0 && document.getElementById('stage').dataset.picture === 'live';"));
        assertEquals(160L, browser.script("return document.getElementById('live').naturalWidth;"));
        String src = (String) browser.script("return document.getElementById('live').src;");
        assertTrue(src.startsWith(server.uri("/cam/back/stream?").toString()), src);
        browser.await("back's status line", PICTURE_TIMEOUT, () -> browser.find("resolution").getText().equals("160×120"));
        browser.await("the camera links", PICTURE_TIMEOUT, () -> (Boolean) browser.script(
                "return !document.getElementById('cameras').hidden;"));
        @SuppressWarnings("unchecked")
        List<List<String>> links = (List<List<String>>) browser.script(
                "return Array.from(document.querySelectorAll('#cameras a')).map(function (a) {"
                        + " return [a.textContent, a.href, a.getAttribute('aria-current') || '']; });");
        String root = server.uri("/").toString();
        assertEquals(List.of(List.of("front", root, ""), List.of("back", root + "cam/back/", "page"),
                List.of("side", root + "cam/side/", ""), List.of("All", root + "?camera=all", "")), links);

        browser.find("snapshot").click();
        Path file = awaitDownload(Pattern.compile("pi-stream_back_\\d{4}-.*\\.jpg"));
        assertEquals(160, ImageIO.read(file.toFile()).getWidth());

        // Its links lead on: to another camera's page, and to all of them.
        browser.script("Array.from(document.querySelectorAll('#cameras a')).find(function (a) { return a.textContent === 'side'; }).click();");
        browser.await("the side camera's page", PICTURE_TIMEOUT, () -> browser.driver().getCurrentUrl().endsWith("/cam/side/"));
        browser.await("side's picture", PICTURE_TIMEOUT, () -> Long.valueOf(240).equals(
                browser.script("return document.getElementById('live').naturalWidth;")));
        browser.script("Array.from(document.querySelectorAll('#cameras a')).find(function (a) { return a.textContent === 'All'; }).click();");
        awaitTiles(3);
        assertTrue(browser.driver().getCurrentUrl().endsWith("/?camera=all"), browser.driver().getCurrentUrl());
        assertNoConsoleErrors();
    }

    @Test
    void headerSaysHowManyCamerasStreamWhenOneIsDown() throws Exception {
        try (TestServer mixed = TestServer.start("--port", "0", "--address", "127.0.0.1", "--stats-interval", "0",
                "--camera", "good=test-pattern:160x120@10",
                "--camera", "broken=sh -c 'echo no camera here >&2; exit 3'")) {
            browser.open(mixed.uri("/?camera=all").toString());
            browser.await("a header saying one of two streams", PICTURE_TIMEOUT,
                    () -> browser.find("cam-state").getText().equals("1 of 2 streaming"));
            assertEquals("partial", browser.find("status").getAttribute("data-state"));
            browser.await("the broken camera's own status", PICTURE_TIMEOUT, () -> (Boolean) browser.script(
                    "var t = document.querySelector('.tile[data-camera=broken]');"
                            + "return t.dataset.state !== 'streaming' && t.title.length > 0"
                            + " && document.querySelector('.tile[data-camera=good]').dataset.state === 'streaming';"));
            String title = browser.find("status").getAttribute("title");
            assertTrue(title.startsWith("broken: "), "the header's tooltip names the camera with a problem: " + title);
            browser.open("about:blank");
        }
        browser.console(); // the other server's origin is gone; its messages are not this page's
    }

    private static Path awaitDownload(Pattern name) throws InterruptedException {
        Path[] file = new Path[1];
        browser.await("a downloaded snapshot like " + name + " in " + browser.downloads(), Duration.ofSeconds(10), () -> {
            try (Stream<Path> files = Files.list(browser.downloads())) {
                file[0] = files.filter(p -> name.matcher(p.getFileName().toString()).matches()).findFirst().orElse(null);
                return file[0] != null;
            } catch (IOException e) {
                return false;
            }
        });
        return file[0];
    }
}
