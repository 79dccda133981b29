package org.pistream.core.source;

import java.util.Locale;

/** What a camera is doing, as shown in stats. */
public enum CameraState {
    /** Not started yet, or stopped. */
    STOPPED,
    /** The process was started and no frame has arrived yet (or it is warming up). */
    STARTING,
    /** Frames are arriving. */
    STREAMING,
    /** The process ended (or could not start) and waits for its next start. */
    RESTARTING,
    /**
     * The program failed the same way several times in a row without a frame (same exit code, same
     * last words): a setting is wrong. Retried at the longest backoff until a frame comes.
     */
    MISCONFIGURED,
    /** Stopped on purpose because nobody watches ({@code idle-stop}); starts on the next request. */
    IDLE,
    /** Restarting on purpose with new settings (a control changed); not a fault. */
    APPLYING;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
