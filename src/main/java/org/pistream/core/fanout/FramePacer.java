package org.pistream.core.fanout;

/**
 * One client's frame-rate cap ({@code /stream?fps=N}): decides when the next frame may go. Frames
 * are due every {@code 1/N} s on a fixed schedule, not {@code 1/N} s after the last send, so the
 * client gets N frames a second on average however late each send was; after a pause longer than
 * one interval the schedule starts over instead of catching up with a burst.
 *
 * <p>Not thread-safe: confined to the client's drain loop, like {@link StreamEncoder}.
 */
public final class FramePacer {
    /** Slowest and fastest caps a client may ask for. */
    public static final double MIN_FPS = 0.1;
    public static final double MAX_FPS = 120;

    private final long intervalNanos;
    private boolean started;
    private long dueNanos;

    public FramePacer(double maxFps) {
        if (!(maxFps >= MIN_FPS && maxFps <= MAX_FPS)) {
            throw new IllegalArgumentException("fps must be from " + MIN_FPS + " to " + MAX_FPS + ", was: " + maxFps);
        }
        this.intervalNanos = Math.round(1e9 / maxFps);
    }

    public long intervalNanos() {
        return intervalNanos;
    }

    /** How long before a frame may go at {@code now}; 0 when it may go now. */
    public long waitNanos(long now) {
        return started ? Math.max(0, dueNanos - now) : 0;
    }

    /** Records that a frame went at {@code now} (which must not be before it was due). */
    public void sent(long now) {
        if (!started || now - dueNanos >= intervalNanos) {
            dueNanos = now; // first frame, or a pause of more than an interval: no burst to catch up
        }
        started = true;
        dueNanos += intervalNanos;
    }
}
