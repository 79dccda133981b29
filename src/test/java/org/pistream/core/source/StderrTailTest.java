package org.pistream.core.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The camera program's stderr, bounded and escaped, and the reason picked from it. The samples are
 * what the real programs on this machine write (rpicam-vid 1.13.0 on libcamera's virtual camera,
 * ffmpeg 5.1); {@code CameraWordsIT} runs the programs themselves.
 */
class StderrTailTest {

    private static List<String> pump(StderrTail tail, InputStream in) {
        List<String> seen = new ArrayList<>();
        tail.pump(in, seen::add);
        return seen;
    }

    private static String reasonOf(String stderr) {
        StderrTail tail = new StderrTail();
        pump(tail, new ByteArrayInputStream(stderr.getBytes(StandardCharsets.UTF_8)));
        return tail.reason();
    }

    @Test
    void rpicamVidsUnknownOptionIsItsOneLine() {
        assertEquals("ERROR: *** unrecognised option '--bogus-option' ***",
                reasonOf("ERROR: *** unrecognised option '--bogus-option' ***\n"));
    }

    @Test
    void libcamerasProgressLinesArePassedOverAndItsPrefixLeftOut() {
        String noCamera = """
                [3:01:45.159753879] [19982]  INFO Camera camera_manager.cpp:340 libcamera v0.7.1+rpt20260429+dirty (2026-12-05T18:02:01UTC)
                [3:01:45.160212369] [19987]  WARN IPAManager ipa_manager.cpp:159 No IPA found in '/opt/pistream-vcam/lib/libcamera/ipa'
                [3:01:45.161575627] [19987]  INFO Camera camera_manager.cpp:223 Adding camera 'Virtual0' for pipeline handler virtual
                ERROR: *** selected camera is not available ***
                """;
        assertEquals("ERROR: *** selected camera is not available ***", reasonOf(noCamera));
        // A libcamera ERROR line is the camera's words too, and the line after it joins it.
        assertEquals("ERROR V4L2 v4l2_videodevice.cpp:1241 /dev/video0[13:cap]: Unable to request 4 buffers: Device or resource busy"
                        + " ERROR: *** failed to allocate capture buffers ***",
                reasonOf("[0:02:47.458318011] [1550]  INFO Camera camera.cpp:1183 configuring streams\n"
                        + "[0:02:47.458318011] [1550] ERROR V4L2 v4l2_videodevice.cpp:1241 /dev/video0[13:cap]: Unable to request 4 buffers:"
                        + " Device or resource busy\n"
                        + "ERROR: *** failed to allocate capture buffers ***\n"));
        // Nothing but progress: the last line, without its prefix.
        assertEquals("INFO Camera camera_manager.cpp:223 Adding camera 'Virtual0' for pipeline handler virtual",
                reasonOf("[3:01:45.161575627] [19987]  INFO Camera camera_manager.cpp:223 Adding camera 'Virtual0' for pipeline handler virtual\n"));
    }

    @Test
    void ffmpegsTwoLinesAboutAnOptionAreKeptTogether() {
        String banner = "ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026 the FFmpeg developers\n"
                + "  built with gcc 12 (Debian 12.2.0-14+deb12u1)\n"
                + "  libavutil      57. 28.100 / 57. 28.100\n";
        assertEquals("Unrecognized option 'codec'. Error splitting the argument list: Option not found",
                reasonOf(banner + "Unrecognized option 'codec'.\nError splitting the argument list: Option not found\n"));
        // Without arguments ffmpeg names no trouble: its last line says what to do.
        assertEquals("Use -h to get full help or, even better, run 'man ffmpeg'",
                reasonOf(banner + "Hyper fast Audio and Video encoder\nusage: ffmpeg [options] [[infile options] -i infile]..."
                        + " {[outfile options] outfile}...\n\nUse -h to get full help or, even better, run 'man ffmpeg'\n"));
    }

    @Test
    void nothingWrittenIsNoReason() {
        assertNull(reasonOf(""));
        assertNull(reasonOf("\n\r\n  \n"));
    }

    @Test
    void aLineWithoutEndOfTensOfMegabytesCostsOneLinesBuffer() {
        long total = 30L * 1024 * 1024;
        InputStream flood = new InputStream() {
            private long left = total;

            @Override
            public int read() {
                return left-- > 0 ? 'x' : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 'x');
                left -= n;
                return n;
            }
        };
        StderrTail tail = new StderrTail();
        List<String> seen = pump(tail, flood);
        assertEquals(1, seen.size());
        assertEquals(StderrTail.LINE_MAX + 3, seen.get(0).length(), "cut, with ... at the end");
        assertTrue(seen.get(0).endsWith("x..."));
        assertTrue(tail.reason().length() <= StderrTail.REASON_MAX, tail.reason());
    }

    @Test
    void controlCharactersAreEscapedCarriageReturnsEndLinesAndSecretsAreMasked() {
        StderrTail tail = new StderrTail();
        String stderr = "\u001b[31mERROR\u001b[0m: bell\u0007 here\tand tab\n"
                + "frame=  10 fps=5.0\rframe=  20 fps=5.0\r"
                + "Input #0, mpjpeg, from 'http://admin:hunter2@cam.local/video':\n";
        List<String> seen = pump(tail, new ByteArrayInputStream(stderr.getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of("\\x1B[31mERROR\\x1B[0m: bell\\x07 here and tab", "frame=  10 fps=5.0", "frame=  20 fps=5.0",
                "Input #0, mpjpeg, from 'http://admin:***@cam.local/video':"), seen);
        assertEquals(seen, tail.lines());
    }

    @Test
    void onlyTheLastTenLinesAreKeptAndANewRunsReasonIsItsOwn() {
        StderrTail tail = new StderrTail();
        StringBuilder many = new StringBuilder();
        for (int i = 1; i <= 25; i++) {
            many.append("line ").append(i).append('\n');
        }
        List<String> seen = pump(tail, new ByteArrayInputStream(many.toString().getBytes(StandardCharsets.UTF_8)));
        assertEquals(25, seen.size(), "every line is handed on (to the log)");
        assertEquals(StderrTail.LINES_KEPT, tail.lines().size());
        assertEquals("line 16", tail.lines().get(0));
        assertEquals("line 25", tail.reason());
        tail.newRun();
        assertEquals(StderrTail.LINES_KEPT, tail.lines().size(), "the last run's lines stay until new ones come");
        assertNull(tail.reason(), "the new run has said nothing yet");
        pump(tail, new ByteArrayInputStream("ERROR: *** no cameras available ***\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("ERROR: *** no cameras available ***", tail.reason());
        assertEquals("line 17", tail.lines().get(0));
    }

    @Test
    void aLongReasonIsCut() {
        String reason = reasonOf("ERROR: " + "no camera ".repeat(40) + "\n");
        assertEquals(StderrTail.REASON_MAX, reason.length());
        assertTrue(reason.startsWith("ERROR: no camera no camera") && reason.endsWith("..."), reason);
    }
}
