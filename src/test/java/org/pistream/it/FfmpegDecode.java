package org.pistream.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real ffmpeg decoding a stream URL: one CRC line per decoded frame (its framecrc output). */
final class FfmpegDecode {
    private FfmpegDecode() {
    }

    record Result(int exitCode, List<String> frames, String errors) {
    }

    /**
     * Decodes {@code count} frames of {@code url}; {@code inputOptions} go before {@code -i} (e.g.
     * {@code -f mpjpeg}). Needs ffmpeg ({@link ExternalTools#require}).
     */
    static Result frames(String url, int count, String... inputOptions) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ExternalTools.require("ffmpeg").toString(), "-nostdin", "-hide_banner",
                "-loglevel", "error"));
        cmd.addAll(List.of(inputOptions));
        cmd.addAll(List.of("-i", url, "-frames:v", String.valueOf(count), "-f", "framecrc", "-"));
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("ffmpeg did not finish: " + err);
        }
        return new Result(p.exitValue(), out.lines().filter(l -> !l.startsWith("#")).toList(), err);
    }
}
