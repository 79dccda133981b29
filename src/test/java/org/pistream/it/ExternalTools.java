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

    /**
     * The program on PATH, else in the shared camera folder beside the project
     * ({@code ../shared/camera/bin}: the real rpicam-apps on libcamera's virtual camera), or null.
     */
    public static Path find(String program) {
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "" : path).split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        Path shared = SHARED_CAMERA_BIN.resolve(program);
        return Files.isExecutable(shared) ? shared.toAbsolutePath() : null;
    }

    /** Where the shared camera programs are: {@code ../shared/camera/bin} from the project. */
    public static final Path SHARED_CAMERA_BIN = Path.of("..", "shared", "camera", "bin");

    /** The command line that runs {@link org.pistream.testcam.MjpegTestCamera} as a separate program. */
    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String testCameraArgs(String extra) {
        return "-Xshare:auto -XX:TieredStopAtLevel=1 -cp " + Path.of("target", "test-classes").toAbsolutePath()
                + " org.pistream.testcam.MjpegTestCamera " + extra;
    }
}
