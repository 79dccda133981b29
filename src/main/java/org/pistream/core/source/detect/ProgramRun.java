package org.pistream.core.source.detect;

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
 * Runs a short program (a camera listing, {@code v4l2-ctl -c}) to its end: exit code and output, each
 * stream kept to a bound, the program and its children killed after a timeout. Never a camera: those
 * run for good under a supervisor.
 */
public final class ProgramRun {

    /** How the program ended and what it printed (stdout holds stderr too when they were merged). */
    public record Output(int exitCode, String stdout, String stderr) {
    }

    /** The program did not run to its end; the message says why, to follow the program's name. */
    public static final class Failed extends Exception {
        private static final long serialVersionUID = 1L;

        Failed(String message) {
            super(message, null, false, false);
        }
    }

    private ProgramRun() {
    }

    /**
     * Runs {@code command} with standard input from /dev/null and {@code environment} added.
     *
     * @param maxOutput   bytes kept of each stream; the rest is read and dropped, so the program never blocks
     * @param mergeStderr stderr into stdout, in the order written
     */
    public static Output run(List<String> command, Map<String, String> environment, Duration timeout, int maxOutput,
            boolean mergeStderr) throws Failed {
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(mergeStderr)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new Failed("could not be started: " + e.getMessage());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread outReader = drain(process.getInputStream(), out, maxOutput, "program-stdout");
        Thread errReader = mergeStderr ? null : drain(process.getErrorStream(), err, maxOutput, "program-stderr");
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(2, TimeUnit.SECONDS);
                throw new Failed("did not finish within " + timeout.toMillis() + " ms and was killed");
            }
            outReader.join(2000);
            if (errReader != null) {
                errReader.join(2000);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new Failed("was interrupted");
        }
        synchronized (out) {
            synchronized (err) {
                return new Output(process.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
            }
        }
    }

    private static Thread drain(InputStream in, ByteArrayOutputStream sink, int max, String name) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    synchronized (sink) {
                        if (sink.size() < max) {
                            sink.write(buf, 0, Math.min(n, max - sink.size()));
                        }
                    }
                }
            } catch (IOException e) {
                // The process was killed; what was read so far is kept.
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
