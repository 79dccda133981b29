package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A Pi user switches between 640x480 at 30 fps and 1920x1080 at 15 fps by changing the resolution and
 * rate settings alone: the real rpicam-vid (rpicam-apps 1.13.0 on libcamera's virtual camera) delivers
 * frames of that size at about that rate, and {@code /stats} shows the kind, what was asked and what
 * came.
 */
class CameraModesIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration MEASURE = Duration.ofSeconds(3);

    @Test
    void switchingBetween640x480At30And1920x1080At15() throws Exception {
        String rpicamVid = ExternalTools.require("rpicam-vid").toAbsolutePath().toString();
        // Median frame interval: the pacing the camera was asked for is its shortest; a busy machine
        // makes a 1080p frame's software JPEG encoding slower, never faster (6-9 fps measured with
        // eight builds sharing two cores), hence the wide upper bound at 1080p. The lower bounds show
        // each rate was honoured: 30 fps is not held to 15, 15 fps is not 30.
        double fast = medianIntervalMillis(rpicamVid, 640, 480, 30);
        assertTrue(fast >= 25 && fast <= 50, "640x480@30: median frame interval " + fast + " ms");
        double slow = medianIntervalMillis(rpicamVid, 1920, 1080, 15);
        assertTrue(slow >= 60 && slow <= 400, "1920x1080@15: median frame interval " + slow + " ms");
    }

    private static double medianIntervalMillis(String rpicamVid, int width, int height, int fps) throws Exception {
        String resolution = width + "x" + height;
        try (TestServer server = TestServer.start("--port", "0", "--address", "127.0.0.1", "--camera", "rpicam",
                "--camera-cmd", rpicamVid, "--resolution", resolution, "--fps", Integer.toString(fps));
             MjpegClient client = MjpegClient.open(server.uri(), "/stream")) {
            MjpegClient.Part part = client.readPart();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (part.isPlaceholder() && System.nanoTime() < deadline) {
                part = client.readPart();
            }
            assertTrue(!part.isPlaceholder(), "a camera frame within " + WAIT);
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(part.jpeg()));
            assertNotNull(image);
            assertEquals(width, image.getWidth(), resolution);
            assertEquals(height, image.getHeight(), resolution);

            List<Double> stamps = new ArrayList<>();
            long end = System.nanoTime() + MEASURE.toNanos();
            while (System.nanoTime() < end) {
                MjpegClient.Part next = client.readPart();
                double t = next.timestamp();
                if (!next.isPlaceholder() && (stamps.isEmpty() || t > stamps.get(stamps.size() - 1))) {
                    stamps.add(t); // a keep-alive repeat has the same capture time: counted once
                }
            }
            assertTrue(stamps.size() >= 8, resolution + ": " + stamps.size() + " frames in " + MEASURE);
            List<Double> intervals = new ArrayList<>();
            for (int i = 1; i < stamps.size(); i++) {
                intervals.add((stamps.get(i) - stamps.get(i - 1)) * 1000);
            }
            Collections.sort(intervals);
            double median = intervals.get(intervals.size() / 2);

            JsonNode stats = Http.stats(server.uri());
            JsonNode camera = stats.at("/camera");
            assertEquals("rpicam", camera.at("/kind").asText());
            assertEquals(resolution, camera.at("/requestedResolution").asText(), camera.toString());
            assertEquals(fps, camera.at("/requestedFps").asInt());
            assertEquals(50, camera.at("/requestedQuality").asInt(), "rpicam-vid's own default, said out loud");
            assertEquals(width, camera.at("/width").asInt(), "the negotiated size, from the frames");
            assertEquals(height, camera.at("/height").asInt());
            assertTrue(camera.at("/fps").asDouble() <= fps * 1.3, "measured " + camera.at("/fps") + " for " + fps);
            System.out.printf(Locale.ROOT, "CameraModesIT: %s@%d: %d frames in %d s, median interval %.1f ms (%.1f fps),"
                            + " /stats fps %.1f%n", resolution, fps, stamps.size(), MEASURE.toSeconds(), median, 1000 / median,
                    camera.at("/fps").asDouble());
            return median;
        }
    }
}
