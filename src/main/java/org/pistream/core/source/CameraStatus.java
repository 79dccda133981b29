package org.pistream.core.source;

import java.util.List;

/**
 * A camera's state at one moment, for stats, logs and the no-signal picture.
 *
 * @param pid              the child process id, or -1 when none runs (or the camera is built in)
 * @param lastExitCode     exit code of the last run, or null when none has ended
 * @param lastError        why the last run ended or could not start, or null
 * @param restartInMillis  time until the next start while restarting, else -1
 * @param watchdogKills    runs ended because no frame came for {@code camera-timeout}
 * @param warmupDiscarded  frames discarded after starts ({@code warmup-frames})
 * @param frameBufferBytes memory the frame splitter holds for the frame being assembled
 * @param lastStderr       the last lines the camera program wrote on stderr (bounded, escaped), oldest first
 */
public record CameraStatus(String kind, String description, CameraState state, long pid, long starts,
                           long restarts, Integer lastExitCode, String lastError, long restartInMillis,
                           long watchdogKills, long warmupDiscarded, int frameBufferBytes, List<String> lastStderr) {

    public CameraStatus {
        lastStderr = lastStderr == null ? List.of() : List.copyOf(lastStderr);
    }

    /** A camera with no program output to show. */
    public CameraStatus(String kind, String description, CameraState state, long pid, long starts, long restarts,
                        Integer lastExitCode, String lastError, long restartInMillis, long watchdogKills,
                        long warmupDiscarded, int frameBufferBytes) {
        this(kind, description, state, pid, starts, restarts, lastExitCode, lastError, restartInMillis, watchdogKills,
                warmupDiscarded, frameBufferBytes, List.of());
    }

    /** The problem text while the camera restarts with new settings. */
    public static final String APPLYING_SETTINGS = "applying settings";

    /** The same status in another state (a restart for new settings shows as {@link CameraState#APPLYING}). */
    public CameraStatus withState(CameraState newState) {
        return new CameraStatus(kind, description, newState, pid, starts, restarts, lastExitCode, lastError, restartInMillis,
                watchdogKills, warmupDiscarded, frameBufferBytes, lastStderr);
    }

    /** The kind of a server without a camera ({@link NoCamera}): its {@code lastError} is the whole story. */
    public static final String NONE = "none";

    /** Why viewers see no picture, in a few words, or null while frames flow. */
    public String problem() {
        if (NONE.equals(kind) && lastError != null) {
            return lastError;
        }
        switch (state) {
            case STARTING:
            case IDLE:
                return "camera starting";
            case RESTARTING:
                String why = lastError == null ? "camera stopped" : "camera " + lastError;
                return restartInMillis >= 0 ? why + ", restarting in " + (restartInMillis + 999) / 1000 + " s" : why;
            case MISCONFIGURED:
                String wrong = "camera misconfigured: " + (lastError == null ? "it keeps failing" : lastError);
                return restartInMillis >= 0 ? wrong + ", retrying in " + (restartInMillis + 999) / 1000 + " s" : wrong;
            case STOPPED:
                return "camera stopped";
            case APPLYING:
                return APPLYING_SETTINGS;
            default:
                return null;
        }
    }
}
