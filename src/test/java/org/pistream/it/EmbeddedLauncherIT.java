package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** {@code java -jar pi-stream.war} on the built-in test pattern, over real sockets. */
class EmbeddedLauncherIT {
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.start("--camera", "test-pattern:320x240@30", "--port", "0", "--address", "127.0.0.1");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
            assertTrue(server.output().contains("pi-stream stopped"), server.output());
        }
    }

    @Test
    void streamFollowsTheWireFormat() throws Exception {
        try (MjpegClient client = MjpegClient.open(server.uri(), "/stream")) {
            assertEquals(200, client.status());
            assertEquals("multipart/x-mixed-replace;boundary=pistreamframe", client.headers().get("content-type"));
            assertTrue(client.headers().get("cache-control").contains("no-store"), client.headers().toString());
            assertEquals("no-cache", client.headers().get("pragma"));
            assertNotNull(client.headers().get("expires"));
            assertEquals("no", client.headers().get("x-accel-buffering"));
            MjpegClient.Part previous = client.readPart();
            for (int i = 0; i < 10; i++) {
                MjpegClient.Part part = client.readPart();
                assertTrue(part.timestamp() > previous.timestamp(), "timestamps must increase");
                assertTrue(!Arrays.equals(part.jpeg(), previous.jpeg()), "every test-pattern frame differs");
                previous = part;
            }
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(previous.jpeg()));
            assertEquals(320, image.getWidth());
            assertEquals(240, image.getHeight());
        }
    }

    @Test
    void rootServesTheStreamToo() throws Exception {
        try (MjpegClient client = MjpegClient.open(server.uri(), "/")) {
            assertEquals(200, client.status());
            client.readPart();
            client.readPart();
        }
    }

    @Test
    void snapshotIsTheNewestJpeg() throws Exception {
        HttpResponse<byte[]> response = Http.get(server.uri("snapshot"));
        assertEquals(200, response.statusCode());
        assertEquals("image/jpeg", response.headers().firstValue("content-type").orElse(null));
        assertEquals(String.valueOf(response.body().length), response.headers().firstValue("content-length").orElse(null));
        assertTrue(response.headers().firstValue("x-timestamp").orElse("").matches("\\d+\\.\\d{6}"));
        assertTrue(response.headers().firstValue("cache-control").orElse("").contains("no-store"));
        MjpegClient.checkJpeg(response.body());
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(response.body()));
        assertEquals(320, image.getWidth());
    }

    @Test
    void statsReportsCameraAndClients() throws Exception {
        try (MjpegClient client = MjpegClient.open(server.uri(), "/stream")) {
            client.readPart();
            JsonNode stats = Http.awaitStats(server.uri(), java.time.Duration.ofSeconds(5),
                    s -> s.at("/camera/fps").asDouble() > 0 && s.at("/clients/connected").asInt() >= 1);
            assertEquals("streaming", stats.at("/camera/state").asText());
            assertEquals(320, stats.at("/camera/width").asInt());
            assertEquals(240, stats.at("/camera/height").asInt());
            assertTrue(stats.at("/camera/framesIn").asLong() > 0);
            assertTrue(stats.at("/output/framesOut").asLong() > 0);
            assertTrue(stats.at("/output/bytesOut").asLong() > 0);
            assertTrue(stats.at("/server/uptimeSeconds").asDouble() > 0);
            assertEquals(100, stats.at("/clients/max").asInt());
            assertTrue(stats.at("/camera/framesDropped").has("truncated"));
            assertTrue(stats.at("/clients/list").isArray());
        }
    }

    @Test
    void unknownPathIsNotFound() throws Exception {
        assertEquals(404, Http.get(server.uri("no-such-thing")).statusCode());
    }

    @Test
    void ffmpegDecodesThirtyFrames() throws Exception {
        FfmpegDecode.Result r = FfmpegDecode.frames(server.uri("stream").toString(), 30, "-f", "mpjpeg");
        String err = r.errors();
        assertEquals(0, r.exitCode(), err);
        List<String> frames = r.frames();
        assertEquals(30, frames.size(), frames + err);
        assertEquals("", err.strip(), "ffmpeg reported errors");
        assertNotEquals(frames.get(0).substring(frames.get(0).lastIndexOf(',')), frames.get(29).substring(frames.get(29).lastIndexOf(',')),
                "frames must differ");
    }
}
