package org.pistream.core.stats;

import java.util.Locale;

import org.pistream.core.source.CameraState;

/**
 * Formats the periodic stats log line from the difference between two {@link CameraStats}
 * snapshots, so the line says what happened during the interval. Called by the pi-stream timer only.
 */
public final class StatsLogLine {
    /** The line, and whether it is worth INFO: something changed or somebody watches. */
    public record Line(String text, boolean quiet) {
    }

    private long lastFramesIn;
    private long lastFramesOut;
    private long lastBytesOut;
    private long lastDropped;
    private long lastSkipped;
    private long lastRejected;
    private long lastRestarts;
    private int lastClients;
    private CameraState lastState;
    private long lastNanos;

    public StatsLogLine(long nowNanos) {
        lastNanos = nowNanos;
    }

    /**
     * The line for the interval up to {@code nowNanos}. It is quiet when nobody was connected at
     * either end of the interval and nothing went wrong or changed state: no drops, skips,
     * rejections or restarts. A camera streaming to nobody is quiet; one that stopped is not.
     */
    public Line next(CameraStats stats, long nowNanos) {
        double seconds = Math.max(1e-3, (nowNanos - lastNanos) / 1e9);
        FanoutStats fanout = stats.fanout();
        SourceStats source = stats.source();
        long framesIn = fanout.framesIn();
        long framesOut = fanout.framesOut();
        long bytesOut = fanout.bytesOut();
        long skipped = fanout.framesSkipped();
        long rejected = fanout.rejected();
        long dropped = source.droppedTotal();
        int clients = fanout.clients();
        boolean quiet = clients == 0 && lastClients == 0 && dropped == lastDropped && skipped == lastSkipped
                && rejected == lastRejected && source.restarts() == lastRestarts && source.state() == lastState;
        String text = String.format(Locale.ROOT,
                "Stats: camera %s, %.1f fps in, %.1f fps out, %d/%d clients, %d dropped, %d restarts, %.1f MB out"
                        + " (%.2f MB/s), %d skipped, %d rejected",
                source.stateKey(), (framesIn - lastFramesIn) / seconds, (framesOut - lastFramesOut) / seconds,
                clients, fanout.maxClients(), dropped - lastDropped, source.restarts(),
                bytesOut / 1e6, (bytesOut - lastBytesOut) / seconds / 1e6, skipped - lastSkipped, rejected - lastRejected);
        lastFramesIn = framesIn;
        lastFramesOut = framesOut;
        lastBytesOut = bytesOut;
        lastDropped = dropped;
        lastSkipped = skipped;
        lastRejected = rejected;
        lastRestarts = source.restarts();
        lastClients = clients;
        lastState = source.state();
        lastNanos = nowNanos;
        return new Line(text, quiet);
    }
}
