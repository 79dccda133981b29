package org.pistream.core.jpeg;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.pistream.it.ExternalTools;

/**
 * libjpeg-turbo's {@code djpeg} (Debian's libjpeg-turbo-progs), the decoder browsers build on. Tests
 * that need it skip where it is not installed, and fail in CI ({@code CI=true}), which installs it.
 */
final class Djpeg {
    private Djpeg() {
    }

    /** The program, or null when it is not installed outside CI. */
    static Path find() {
        Path found = ExternalTools.find("djpeg");
        if (found != null) {
            return found;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("djpeg is required in CI but is not installed (see .ci/run)");
        }
        return null;
    }

    /**
     * djpeg's exit code for the frame: 0 decoded cleanly, 2 decoded with warnings (e.g. "Corrupt JPEG
     * data"), 1 failed.
     */
    static int exitCode(Path djpeg, byte[] jpeg) {
        try {
            Process p = new ProcessBuilder(djpeg.toString(), "-outfile", "/dev/null")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(jpeg);
            } catch (IOException e) {
                // djpeg gave up and closed its input before reading everything: its exit code says why
            }
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("djpeg did not finish");
            }
            return p.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
