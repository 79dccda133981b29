package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The settings panel in Chromium: generated from {@code /controls}, a change sent from it reaches the
 * camera (the picture's size changes after the restart notice), and the phone layout.
 */
class SettingsPanelBrowserIT {
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static Browser browser;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        browser = Browser.start();
        server = TestServer.start("--camera", "test-pattern", "--resolution", "320x240", "--fps", "15", "--port", "0",
                "--address", "127.0.0.1", "--stats-interval", "0");
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

    private static void awaitPanel() throws InterruptedException {
        browser.await("the settings panel", WAIT, () -> (Boolean) browser.script(
                "return document.querySelectorAll('#settings-body .setting').length > 0;"));
    }

    private static long pictureWidth() {
        return ((Number) browser.script("return document.getElementById('live').naturalWidth;")).longValue();
    }

    @Test
    void thePanelListsTheControlsAndAResolutionChangeShowsTheRestartNoticeThenTheNewSize() throws Exception {
        browser.open(server.uri("/").toString());
        awaitPanel();
        @SuppressWarnings("unchecked")
        List<String> names = (List<String>) browser.script(
                "return Array.prototype.map.call(document.querySelectorAll('#settings-body .setting'),"
                        + " function (r) { return r.dataset.control; });");
        assertEquals(List.of("resolution", "fps", "quality", "rotation", "hflip", "vflip"), names);
        assertEquals("320x240", browser.script("return document.getElementById('setting-resolution').value;"));
        assertEquals(true, browser.script("return document.getElementById('settings').open;"), "open beside the picture");
        browser.await("a 320x240 picture", WAIT, () -> pictureWidth() == 320);

        browser.script("var s = document.getElementById('setting-resolution'); s.value = '640x480';"
                + " s.dispatchEvent(new Event('change'));");
        browser.await("the restart notice", WAIT, () -> (Boolean) browser.script(
                "var n = document.getElementById('settings-notice');"
                        + " return !n.hidden && n.textContent.indexOf('Applying settings') === 0;"));
        browser.await("a 640x480 picture", WAIT, () -> pictureWidth() == 640);
        assertEquals("640x480", ControlsIT.control(ControlsIT.controls(server.uri(), "/controls"), "resolution")
                .get("value").asText());

        // A slider: the value is sent when let go.
        browser.script("var q = document.getElementById('setting-quality'); q.value = '35'; q.dispatchEvent(new Event('input'));"
                + " q.dispatchEvent(new Event('change'));");
        browser.await("quality 35 on the camera", WAIT, () -> {
            try {
                return ControlsIT.control(ControlsIT.controls(server.uri(), "/controls"), "quality").get("value").asInt() == 35;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        // Reset to the default.
        // Reset is offered once the panel shows the value in force (35, not the default).
        browser.await("the reset button for quality", WAIT, () -> (Boolean) browser.script(
                "return !document.querySelector('.setting[data-control=quality] .setting-reset').disabled;"));
        browser.script("document.querySelector('.setting[data-control=quality] .setting-reset').click();");
        browser.await("quality back at 80", WAIT, () -> {
            try {
                return ControlsIT.control(ControlsIT.controls(server.uri(), "/controls"), "quality").get("value").asInt() == 80;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        // A switch: mirrored, the test pattern's last bar (blue) is at the left of the picture the page shows.
        browser.await("grey at the picture's left", WAIT, () -> leftIsBlue() == Boolean.FALSE);
        browser.script("document.getElementById('setting-hflip').click();");
        browser.await("blue at the picture's left after hflip", WAIT, () -> leftIsBlue() == Boolean.TRUE);
        assertEquals(true, ControlsIT.control(ControlsIT.controls(server.uri(), "/controls"), "hflip").get("value").asBoolean());
        List<String> errors = browser.consoleErrors();
        assertTrue(errors.isEmpty(), "browser console errors: " + errors);
    }

    /** Whether the shown picture's top-left corner is blue (mirrored test pattern), as the page draws it; null before a picture. */
    private static Boolean leftIsBlue() {
        return (Boolean) browser.script("var img = document.getElementById('live'); if (!img.naturalWidth) { return null; }"
                + " var c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;"
                + " var g = c.getContext('2d'); g.drawImage(img, 0, 0); var p = g.getImageData(5, 5, 1, 1).data;"
                + " return p[2] > 150 && p[0] < 60;");
    }

    @Test
    void onAPhoneThePanelIsCollapsedUnderThePicture() throws Exception {
        Files.createDirectories(SCREENSHOTS);
        browser.emulate(1280, 800, 1, false);
        try {
            browser.open(server.uri("/").toString());
            awaitPanel();
            Files.write(SCREENSHOTS.resolve("settings-desktop.png"), browser.screenshotPng());
        } finally {
            browser.clearEmulation();
        }
        browser.emulate(390, 844, 3, true);
        try {
            browser.open(server.uri("/").toString());
            awaitPanel();
            @SuppressWarnings("unchecked")
            Map<String, Object> layout = (Map<String, Object>) browser.script(
                    "var panel = document.getElementById('settings').getBoundingClientRect();"
                            + "var picture = document.getElementById('stage').getBoundingClientRect();"
                            + "return {open: document.getElementById('settings').open, scrollWidth: document.documentElement.scrollWidth,"
                            + " panelTop: panel.top, pictureBottom: picture.bottom, pictureWidth: picture.width,"
                            + " panelBottom: panel.bottom};");
            assertFalse((Boolean) layout.get("open"), "collapsed on a phone: " + layout);
            assertTrue(((Number) layout.get("scrollWidth")).intValue() <= 390, "no sideways scrolling: " + layout);
            assertTrue(((Number) layout.get("panelTop")).doubleValue() >= ((Number) layout.get("pictureBottom")).doubleValue() - 1,
                    "under the picture: " + layout);
            assertEquals(390.0, ((Number) layout.get("pictureWidth")).doubleValue(), 1.0, "picture uses the width: " + layout);
            assertTrue(((Number) layout.get("panelBottom")).doubleValue() <= 844, "on screen: " + layout);
            Files.write(SCREENSHOTS.resolve("settings-phone.png"), browser.screenshotPng());
            browser.script("document.querySelector('#settings > summary').click();");
            browser.await("the panel opens", WAIT, () -> (Boolean) browser.script("return document.getElementById('settings').open;"));
            Files.write(SCREENSHOTS.resolve("settings-phone-open.png"), browser.screenshotPng());
        } finally {
            browser.clearEmulation();
        }
    }
}
