package org.pistream.core.stats;

import java.util.Locale;

import org.pistream.core.fanout.FrameBroadcaster;
import org.pistream.core.jpeg.SplitterCounters;
import org.pistream.core.source.Camera;
import org.pistream.core.source.CameraState;
import org.pistream.core.source.CameraStatus;

/**
 * Formats the periodic stats log line from the difference between two readings, so the line says
 * what happened during the interval. Called by the pi-stream timer only.
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
    public Line next(FrameBroadcaster broadcaster, Camera camera, long nowNanos) {
        double seconds = Math.max(1e-3, (nowNanos - lastNanos) / 1e9);
        long framesIn = broadcaster.framesIn();
        long framesOut = broadcaster.framesOut();
        long bytesOut = broadcaster.bytesOut();
        long skipped = broadcaster.framesSkipped();
        long rejected = broadcaster.rejected();
        SplitterCounters counters = camera.splitterCounters();
        long dropped = counters == null ? 0 : counters.droppedTotal();
        CameraStatus status = camera.status();
        int clients = broadcaster.subscriberCount();
        boolean quiet = clients == 0 && lastClients == 0 && dropped == lastDropped && skipped == lastSkipped
                && rejected == lastRejected && status.restarts() == lastRestarts && status.state() == lastState;
        String text = String.format(Locale.ROOT,
                "Stats: camera %s, %.1f fps in, %.1f fps out, %d/%d clients, %d dropped, %d restarts, %.1f MB out"
                        + " (%.2f MB/s), %d skipped, %d rejected",
                status.state().key(), (framesIn - lastFramesIn) / seconds, (framesOut - lastFramesOut) / seconds,
                clients, broadcaster.maxSubscribers(), dropped - lastDropped, status.restarts(),
                bytesOut / 1e6, (bytesOut - lastBytesOut) / seconds / 1e6, skipped - lastSkipped, rejected - lastRejected);
        lastFramesIn = framesIn;
        lastFramesOut = framesOut;
        lastBytesOut = bytesOut;
        lastDropped = dropped;
        lastSkipped = skipped;
        lastRejected = rejected;
        lastRestarts = status.restarts();
        lastClients = clients;
        lastState = status.state();
        lastNanos = nowNanos;
        return new Line(text, quiet);
    }
}
