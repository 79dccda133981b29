package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A camera whose output is damaged on its way in (bits flipped at random, seeded, as {@code zzuf}
 * does to a real camera's output; and every fifth frame with a broken header in turn: an
 * over-subscribed Huffman table, no quantisation table, a scan naming a component the frame lacks,
 * width 0). Every part a viewer receives and every snapshot must decode cleanly with libjpeg-turbo's
 * {@code djpeg} (the decoder browsers build on) and with the JDK; the broken headers are counted by
 * reason in {@code /stats}.
 */
class HostileCameraIT {
    private static final int PARTS = 120;

    @Test
    void damagedCameraFramesNeverReachViewersOrTheSnapshot() throws Exception {
        Path djpeg = ExternalTools.require("djpeg");
        String camera = ExternalTools.testCameraArgs("--fps 30 --size 320x240 --mutate 0.00002 --bad-tables-every 5");
        try (TestServer server = TestServer.start("--port", "0", "--address", "127.0.0.1",
                "--camera-cmd", ExternalTools.javaBinary(), "--camera-args", camera);
             MjpegClient client = MjpegClient.open(server.uri(), "/stream")) {
            int real = 0;
            for (int n = 0; n < PARTS; n++) {
                MjpegClient.Part part = client.readPart();
                assertNotNull(part, "the stream ended after " + n + " parts");
                assertDecodesCleanly(djpeg, part.jpeg(), "part " + n);
                real += part.isPlaceholder() ? 0 : 1;
            }
            assertTrue(real > PARTS / 2, "mostly camera frames, not the no-signal picture: " + real);
            for (int n = 0; n < 10; n++) {
                HttpResponse<byte[]> snapshot = Http.get(server.uri().resolve("snapshot"));
                assertEquals(200, snapshot.statusCode());
                assertDecodesCleanly(djpeg, snapshot.body(), "snapshot " + n);
            }
            JsonNode dropped = Http.awaitStats(server.uri(), java.time.Duration.ofSeconds(20),
                    stats -> List.of("bad_huffman_table", "bad_quant_table", "bad_scan_header", "bad_frame_header").stream()
                            .allMatch(reason -> stats.at("/camera/framesDropped/" + reason).asLong() > 0))
                    .at("/camera/framesDropped");
            long byTheCheck = 0;
            for (String reason : List.of("bad_markers", "bad_huffman_table", "bad_quant_table", "bad_frame_header",
                    "too_large", "bad_scan_header", "bad_entropy_data", "unsupported")) {
                byTheCheck += dropped.path(reason).asLong();
            }
            assertTrue(byTheCheck >= 4, "every broken header kind counted: " + dropped);
            System.out.println("HostileCameraIT: " + real + " camera parts of " + PARTS + " decoded cleanly; dropped " + dropped);
        }
    }

    /** djpeg decodes it without a warning (exit code 0; 2 is "Corrupt JPEG data"), and so does the JDK. */
    private static void assertDecodesCleanly(Path djpeg, byte[] jpeg, String what) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(djpeg.toString(), "-outfile", "/dev/null")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(jpeg);
        } catch (IOException e) {
            // djpeg closed its input early; its exit code says why
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "djpeg finished");
        assertEquals(0, p.exitValue(), what + ": djpeg decodes it without a warning");
        assertNotNull(ImageIO.read(new ByteArrayInputStream(jpeg)), what + ": the JDK decodes it");
    }
}
