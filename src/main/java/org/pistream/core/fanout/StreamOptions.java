package org.pistream.core.fanout;

import java.util.Locale;

/**
 * How one client wants its stream: WIRE.md's parts or one of the two browser workarounds the field
 * uses, and optionally a frame-rate cap, chosen per request.
 *
 * @param advanceHeaders  send the next part's headers right after each frame's boundary, so
 *                        Chromium (bug 527446), which shows a part only once it has parsed the next
 *                        part's headers, shows every frame at once; such parts carry no
 *                        {@code Content-Length} and no {@code X-Timestamp}, which cannot be known
 *                        before the next frame exists
 * @param dualFinalFrames send the last frame again once the client has caught up, so a browser
 *                        that shows a part only when the next one arrives (WebKit) shows the newest
 *                        frame at once; costs up to twice the bytes for a client that keeps up
 * @param maxFps          at most this many frames a second, always the newest (dashboards, thin
 *                        links); 0: every frame
 */
public record StreamOptions(boolean advanceHeaders, boolean dualFinalFrames, double maxFps) {
    /** WIRE.md's standard parts, with {@code Content-Length} and {@code X-Timestamp} on every part. */
    public static final StreamOptions STANDARD = new StreamOptions(false, false);

    public StreamOptions {
        if (maxFps != 0 && !(maxFps >= FramePacer.MIN_FPS && maxFps <= FramePacer.MAX_FPS)) {
            throw new IllegalArgumentException("maxFps must be 0 or from " + FramePacer.MIN_FPS + " to "
                    + FramePacer.MAX_FPS + ", was: " + maxFps);
        }
    }

    /** A layout at the camera's full rate. */
    public StreamOptions(boolean advanceHeaders, boolean dualFinalFrames) {
        this(advanceHeaders, dualFinalFrames, 0);
    }

    /** The options as query parameters, for logs; empty for the standard layout at full rate. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        if (advanceHeaders) {
            sb.append("advance_headers");
        }
        if (dualFinalFrames) {
            sb.append(sb.length() > 0 ? "," : "").append("dual_final_frames");
        }
        if (maxFps > 0) {
            sb.append(sb.length() > 0 ? "," : "").append("fps=")
                    .append(maxFps == Math.rint(maxFps) ? Long.toString((long) maxFps) : String.format(Locale.ROOT, "%s", maxFps));
        }
        return sb.toString();
    }
}
