package org.pistream.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * External programs the integration tests use. Outside CI a missing tool skips its test; with
 * {@code CI=true} the test fails instead, so CI cannot pass without running it.
 */
public final class ExternalTools {
    private ExternalTools() {
    }

    public static Path require(String program) {
        Path found = find(program);
        if (found == null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(program + " is required in CI but is not installed (see .ci/run)");
            }
            assumeTrue(false, program + " is not installed; skipping");
        }
        return found;
    }

    public static Path find(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(":")) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** The command line that runs {@link org.pistream.testcam.MjpegTestCamera} as a separate program. */
    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String testCameraArgs(String extra) {
        return "-Xshare:auto -XX:TieredStopAtLevel=1 -cp " + Path.of("target", "test-classes").toAbsolutePath()
                + " org.pistream.testcam.MjpegTestCamera " + extra;
    }
}
