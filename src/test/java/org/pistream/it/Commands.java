package org.pistream.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program to completion for a test: exit code, standard output and standard error apart
 * (through files, so a chatty program cannot block on a full pipe), with a time limit.
 */
final class Commands {
    private Commands() {
    }

    record Result(List<String> command, int exitCode, String stdout, String stderr) {
        /** Throws unless the program exited 0; returns its standard output. */
        String ok() {
            if (exitCode != 0) {
                throw new AssertionError(this.toString());
            }
            return stdout;
        }

        @Override
        public String toString() {
            return String.join(" ", command) + " exited " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr;
        }
    }

    static Result run(Duration timeout, String... command) throws IOException, InterruptedException {
        return run(timeout, Map.of(), List.of(command));
    }

    static Result run(Duration timeout, Map<String, String> env, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("pi-stream-cmd", ".out");
        Path err = Files.createTempFile("pi-stream-cmd", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout);
            }
            return new Result(command, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
