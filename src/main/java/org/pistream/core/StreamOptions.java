package org.pistream.core;

/**
 * How one client wants its stream laid out: WIRE.md's parts, or one of the two browser
 * workarounds the field uses, chosen per request.
 *
 * @param advanceHeaders  send the next part's headers right after each frame's boundary, so
 *                        Chromium (bug 527446), which shows a part only once it has parsed the next
 *                        part's headers, shows every frame at once; such parts carry no
 *                        {@code Content-Length} and no {@code X-Timestamp}, which cannot be known
 *                        before the next frame exists
 * @param dualFinalFrames send the last frame again once the client has caught up, so a browser
 *                        that shows a part only when the next one arrives (WebKit) shows the newest
 *                        frame at once; costs up to twice the bytes for a client that keeps up
 */
public record StreamOptions(boolean advanceHeaders, boolean dualFinalFrames) {
    /** WIRE.md's standard parts, with {@code Content-Length} and {@code X-Timestamp} on every part. */
    public static final StreamOptions STANDARD = new StreamOptions(false, false);

    /** The options as query parameters, for logs; empty for the standard layout. */
    public String describe() {
        if (advanceHeaders && dualFinalFrames) {
            return "advance_headers,dual_final_frames";
        }
        return advanceHeaders ? "advance_headers" : dualFinalFrames ? "dual_final_frames" : "";
    }
}
