package org.pistream.core.control;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.pistream.core.source.detect.ProgramRun;

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
            try {
                ProgramRun.Output run = ProgramRun.run(command, environment, timeout, MAX_OUTPUT, true);
                return new Result(run.exitCode(), run.stdout());
            } catch (ProgramRun.Failed e) {
                return new Result(-1, command.get(0) + " " + e.getMessage());
            }
        };
    }
}
