package org.pistream.core.stats;

/**
 * One stream client at one moment, for the {@code clients.list} of {@code /stats}.
 *
 * @param viewer            who is watching, or null for a client that is not a web viewer
 * @param connectedAtMillis when it connected, in milliseconds since the epoch
 * @param framesSkipped     frames it skipped because it fell more than {@code buffer-size} behind
 * @param framesPassedOver  frames its frame-rate cap passed over for newer ones
 * @param lagFrames         frames published that it has not been sent yet
 */
public record ClientStats(long id, Viewer viewer, long connectedAtMillis, long framesSent, long framesSkipped,
                          long framesPassedOver, long bytesSent, long lagFrames) {

    /**
     * The request behind a stream client.
     *
     * @param path   path and query as requested, cut short, secrets masked
     * @param maxFps the client's frame-rate cap ({@code ?fps=N}), or 0 for none
     */
    public record Viewer(String remote, String userAgent, String path, double maxFps) {
    }
}
