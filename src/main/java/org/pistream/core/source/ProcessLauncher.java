package org.pistream.core.source;

import java.io.File;
import java.io.IOException;
import java.util.List;

/**
 * Starts the camera program for {@link CameraSupervisor}: the seam that lets tests hand it a fake
 * {@link Process}. Called on the supervisor's reader thread.
 */
@FunctionalInterface
interface ProcessLauncher {
    /**
     * The real one: {@link ProcessBuilder}, standard input from {@code /dev/null}; ending the program ends
     * what it started too ({@link ProcessTree}), so a pipeline leaves no process behind.
     */
    ProcessLauncher SYSTEM = command -> new ProcessTree(new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start());

    /** Starts {@code command}; throws when it cannot (not found, not executable). */
    Process launch(List<String> command) throws IOException;
}
