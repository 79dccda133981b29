package org.pistream.core;

/**
 * A camera's state at one moment, for stats and logs.
 *
 * @param pid          the child process id, or -1 when none runs (or the camera is built in)
 * @param lastExitCode exit code of the last run, or null when none has ended
 * @param lastError    why the last run ended or could not start, or null
 */
public record CameraStatus(String kind, String description, CameraState state, long pid, long starts,
                           long restarts, Integer lastExitCode, String lastError) {
}
