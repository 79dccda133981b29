package org.pistream.core.stats;

import org.pistream.core.source.CameraState;

/**
 * The answer to "does the camera work?", for health probes ({@code /healthz}) and metrics.
 *
 * @param up                 true when frames are fresh or the camera is idle on purpose
 * @param state              what the camera is doing
 * @param lastFrameAgeMillis age of the newest camera frame, or null before the first
 * @param problem            why viewers see no picture, or null while frames flow
 * @param lastError          why the camera's last run ended, in the program's own words where it gave
 *                           some ({@code rpicam-vid exited with code 255: ERROR: *** no cameras available ***}), or null
 */
public record Health(boolean up, CameraState state, Long lastFrameAgeMillis, String problem, String lastError) {

    /** Health without a last error. */
    public Health(boolean up, CameraState state, Long lastFrameAgeMillis, String problem) {
        this(up, state, lastFrameAgeMillis, problem, null);
    }
}
