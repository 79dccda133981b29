package org.pistream.core.jpeg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pistream.core.jpeg.JpegVerifier.Level;
import org.pistream.it.ExternalTools;

/**
 * Frames straight from the programs pi-stream reads, cut by the splitter as in production, pass the
 * full check: ffmpeg, and the real {@code rpicam-vid} (on PATH or in {@code ../shared/camera/bin}, on
 * libcamera's virtual camera). Both are required in CI ({@link ExternalTools}).
 */
class JpegVerifierToolsTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "testsrc=size=1280x720:rate=5 -frames:v 5 -c:v mjpeg",
        "testsrc2=size=640x480:rate=5 -frames:v 5 -c:v mjpeg -q:v 3 -pix_fmt yuvj422p",
        "testsrc2=size=333x199:rate=5 -frames:v 5 -c:v mjpeg -q:v 2 -pix_fmt yuvj444p -huffman default",
        "testsrc2=size=1920x1080:rate=5 -frames:v 2 -c:v mjpeg -q:v 5",
    })
    void ffmpegFramesPass(String args) throws Exception {
        Path ffmpeg = ExternalTools.require("ffmpeg");
        List<String> cmd = new ArrayList<>(List.of(ffmpeg.toString(), "-nostdin", "-v", "error", "-f", "lavfi", "-i"));
        cmd.addAll(List.of(args.split(" ")));
        cmd.addAll(List.of("-f", "mjpeg", "-"));
        assertAllPass(cmd, 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"640 480 50", "1280 720 90"})
    void rpicamVidFramesPass(String sizeAndQuality) throws Exception {
        Path rpicam = ExternalTools.require("rpicam-vid");
        String[] a = sizeAndQuality.split(" ");
        assertAllPass(List.of(rpicam.toString(), "-t", "1500", "--codec", "mjpeg", "-o", "-", "--width", a[0], "--height", a[1],
                "--quality", a[2], "-n"), 5);
    }

    private static void assertAllPass(List<String> command, int atLeast) throws IOException, InterruptedException {
        JpegVerifier full = new JpegVerifier(Level.FULL);
        JpegVerifier headers = new JpegVerifier(Level.HEADERS);
        List<String> failures = new ArrayList<>();
        int[] frames = {0};
        JpegFrameSplitter splitter = new JpegFrameSplitter(8 * 1024 * 1024, (jpeg, offset, length) -> {
            frames[0]++;
            for (JpegVerifier v : List.of(full, headers)) {
                JpegVerdict verdict = v.verify(jpeg, offset, length);
                if (verdict != JpegVerdict.OK) {
                    failures.add("frame " + frames[0] + " " + v + ": " + verdict.key() + " (" + v.detail() + ")");
                }
            }
        }, new SplitterCounters());
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = p.getInputStream()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                splitter.feed(buffer, 0, n);
            }
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "finished");
        assertTrue(frames[0] >= atLeast, "only " + frames[0] + " frames from " + command);
        assertEquals(List.of(), failures);
    }
}
