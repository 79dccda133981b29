package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The classic streamer's URLs, {@code /?action=stream} and {@code /?action=snapshot}, on the default camera. */
class CompatibilityUrlsIT {
    private static final String BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("--camera", "test-pattern:320x240@25", "--port", "0", "--address", "127.0.0.1");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void actionStreamIsTheStreamEvenForABrowserNavigatingToIt() throws Exception {
        try (MjpegClient client = MjpegClient.open(server.uri(), "/?action=stream", Map.of("Accept", BROWSER_ACCEPT))) {
            assertEquals(200, client.status());
            assertEquals("multipart/x-mixed-replace;boundary=pistreamframe", client.headers().get("content-type"));
            MjpegClient.Part previous = client.readPart();
            for (int i = 0; i < 5; i++) {
                MjpegClient.Part part = client.readPart();
                assertTrue(part.timestamp() > previous.timestamp(), "live frames, newest last");
                previous = part;
            }
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(previous.jpeg()));
            assertEquals(320, image.getWidth());
        }
    }

    @Test
    void actionStreamIsListedAsAStreamClient() throws Exception {
        try (MjpegClient client = MjpegClient.open(server.uri(), "/?action=stream&client=compat")) {
            client.readPart();
            Http.awaitStats(server.uri(), java.time.Duration.ofSeconds(5), s -> {
                for (var c : s.at("/clients/list")) {
                    if (c.toString().contains("action=stream&client=compat")) {
                        return true;
                    }
                }
                return false;
            });
        }
    }

    @Test
    void ffmpegDecodesActionStream() throws Exception {
        String ffmpeg = ExternalTools.require("ffmpeg").toString();
        List<String> frames = ffmpegFrames(ffmpeg, "-f", "mpjpeg", "-i", server.uri("/?action=stream").toString(),
                "-frames:v", "10");
        assertEquals(10, frames.size(), frames.toString());
    }

    @Test
    void actionSnapshotIsTheNewestJpeg() throws Exception {
        HttpResponse<byte[]> response = Http.get(server.uri("/?action=snapshot"));
        assertEquals(200, response.statusCode());
        assertEquals("image/jpeg", response.headers().firstValue("content-type").orElse(null));
        assertTrue(response.headers().firstValue("x-timestamp").orElse("").matches("\\d+\\.\\d{6}"));
        double age = System.currentTimeMillis() / 1000.0
                - Double.parseDouble(response.headers().firstValue("x-timestamp").orElseThrow());
        assertTrue(age < 2, "a fresh frame, " + age + " s old");
        MjpegClient.checkJpeg(response.body());
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(response.body()));
        assertNotNull(image);
        assertEquals(240, image.getHeight());
    }

    @Test
    void ffmpegDecodesActionSnapshot() throws Exception {
        String ffmpeg = ExternalTools.require("ffmpeg").toString();
        List<String> frames = ffmpegFrames(ffmpeg, "-f", "jpeg_pipe", "-i", server.uri("/?action=snapshot").toString());
        assertEquals(1, frames.size(), frames.toString());
    }

    @Test
    void unknownActionIsABadRequestThatSaysWhy() throws Exception {
        HttpResponse<byte[]> response = Http.get(server.uri("/?action=static"));
        assertEquals(400, response.statusCode());
        String text = new String(response.body(), StandardCharsets.UTF_8);
        assertTrue(text.contains("Unknown action 'static'") && text.contains("?action=stream"), text);
    }

    @Test
    void rootWithoutActionStillGivesBrowsersThePage() throws Exception {
        try (MjpegClient client = MjpegClient.open(server.uri(), "/", Map.of("Accept", BROWSER_ACCEPT))) {
            assertEquals(200, client.status());
            assertTrue(client.headers().get("content-type").startsWith("text/html"), client.headers().toString());
            assertFalse(new String(client.readBody(), StandardCharsets.UTF_8).isEmpty());
        }
    }

    /** Runs ffmpeg with {@code input} options, decoding to framecrc; returns one line per decoded frame, fails on any error. */
    private static List<String> ffmpegFrames(String ffmpeg, String... input) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error"));
        cmd.addAll(List.of(input));
        cmd.addAll(List.of("-f", "framecrc", "-"));
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ffmpeg did not finish");
        assertEquals(0, p.exitValue(), err);
        assertEquals("", err.strip(), "ffmpeg reported errors");
        return out.lines().filter(l -> !l.startsWith("#")).toList();
    }
}
