package org.pistream.core.source.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pistream.it.ExternalTools;

/**
 * The stand-in against the real v4l2-ctl (v4l-utils, installed by .ci/run) on a machine without V4L2 devices,
 * where both can run: the same exit code, the same stderr, the same first line of stdout (the usage that
 * follows differs on purpose: the stand-in prints its own).
 */
class StandInMatchesRealV4l2CtlTest {
    @TempDir
    Path tmp;

    private record Run(int exitCode, String firstLine, String stderr) {
    }

    private static Run run(List<String> command, Path standInDir) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(standInDir.resolve("stderr").toFile());
        builder.environment().put("V4L2_STANDIN_DIR", standInDir.toString());
        Process p = builder.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(20, TimeUnit.SECONDS);
        String err = Files.readString(standInDir.resolve("stderr"));
        // getopt's messages start with argv[0], the path each was run by.
        return new Run(p.exitValue(), out.isEmpty() ? "" : out.lines().findFirst().orElse(""), err.replace(command.get(0), "ARGV0"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "--list-devices", "--bogus", "-q", "-d", "--device", "--stream-count", "foo bar",
            "-d /dev/video9 --list-formats-ext", "-d 9 -L", "--device=/dev/video9 --list-ctrls-menus",
            "-d 9 -v foo=1", "-d 9 -v width", "-d 9 -v width=640,height=480,pixelformat=MJPG -p 30",
            "-d 9 -c brightness=1", "-d 9 -C brightness", "--list-devices --bogus",
            "--stream-mmap --stream-to=- --stream-count 3" })
    void failsTheWayTheRealToolFails(String args) throws Exception {
        Path real = ExternalTools.require("v4l2-ctl");
        try (Stream<Path> dev = Files.list(Path.of("/dev"))) {
            assumeTrue(dev.noneMatch(p -> p.getFileName().toString().matches("(video|media)\\d+")),
                    "this machine has V4L2 devices; the comparison needs one without");
        }
        Files.writeString(tmp.resolve("devices"), "");
        List<String> realCommand = new ArrayList<>(List.of(real.toString()));
        List<String> standInCommand = new ArrayList<>(List.of(V4l2StandIn.DIR.resolve("v4l2-ctl").toString()));
        realCommand.addAll(List.of(args.split(" ")));
        standInCommand.addAll(List.of(args.split(" ")));
        assertEquals(run(realCommand, tmp), run(standInCommand, tmp), args);
    }
}
