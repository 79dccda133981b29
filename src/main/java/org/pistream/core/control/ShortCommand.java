package org.pistream.core.control;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short program ({@code v4l2-ctl -L}, {@code -c}) to its end: its output (stdout and stderr
 * together, at most {@value #MAX_OUTPUT} bytes) and exit code, killed after a timeout. The seam
 * {@link V4l2Controls} is tested through with the v4l2-ctl stand-in.
 */
public interface ShortCommand {
    int MAX_OUTPUT = 256 * 1024;

    /** What the program printed and how it ended; exit code -1 when it could not start or was killed. */
    record Result(int exitCode, String output) {
    }

    Result run(List<String> command);

    /** The real one, with extra environment variables (tests: the stand-in's device set) and a timeout. */
    static ShortCommand system(Map<String, String> environment, Duration timeout) {
        return command -> {
            Process process;
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                builder.environment().putAll(environment);
                process = builder.start();
            } catch (IOException e) {
                return new Result(-1, command.get(0) + " could not be started: " + e.getMessage());
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread reader = new Thread(() -> drain(process.getInputStream(), out), "controls-command");
            reader.setDaemon(true);
            reader.start();
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(2, TimeUnit.SECONDS);
                    reader.join(1000);
                    return new Result(-1, command.get(0) + " did not finish within " + timeout.toMillis() + " ms");
                }
                reader.join(2000);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                return new Result(-1, command.get(0) + " was interrupted");
            }
            synchronized (out) {
                return new Result(process.exitValue(), out.toString(StandardCharsets.UTF_8));
            }
        };
    }

    private static void drain(InputStream in, ByteArrayOutputStream sink) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (sink) {
                    if (sink.size() < MAX_OUTPUT) {
                        sink.write(buf, 0, Math.min(n, MAX_OUTPUT - sink.size()));
                    }
                }
            }
        } catch (IOException e) {
            // killed: what was read is kept
        }
    }
}
