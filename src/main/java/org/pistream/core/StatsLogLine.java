package org.pistream.core;

import java.util.Locale;

/**
 * Formats the periodic stats log line from the difference between two readings, so the line says
 * what happened during the interval.
 */
final class StatsLogLine {
    private long lastFramesIn;
    private long lastFramesOut;
    private long lastBytesOut;
    private long lastDropped;
    private long lastRestarts;
    private long lastNanos = System.nanoTime();

    /** Returns the line, or null when nothing happened and nobody is connected. */
    String next(FrameBroadcaster broadcaster, Camera camera) {
        long now = System.nanoTime();
        double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
        long framesIn = broadcaster.framesIn();
        long framesOut = broadcaster.framesOut();
        long bytesOut = broadcaster.bytesOut();
        SplitterCounters counters = camera.splitterCounters();
        long dropped = counters == null ? 0 : counters.droppedTotal();
        CameraStatus status = camera.status();
        int clients = broadcaster.subscriberCount();
        boolean quiet = framesIn == lastFramesIn && framesOut == lastFramesOut && clients == 0
                && dropped == lastDropped && status.restarts() == lastRestarts;
        String line = String.format(Locale.ROOT,
                "Stats: camera %s, %.1f fps in, %.1f fps out, %d/%d clients, %d dropped, %d restarts, %.1f MB out (%.2f MB/s)",
                status.state().key(), (framesIn - lastFramesIn) / seconds, (framesOut - lastFramesOut) / seconds,
                clients, broadcaster.maxSubscribers(), dropped - lastDropped, status.restarts(),
                bytesOut / 1e6, (bytesOut - lastBytesOut) / seconds / 1e6);
        lastFramesIn = framesIn;
        lastFramesOut = framesOut;
        lastBytesOut = bytesOut;
        lastDropped = dropped;
        lastRestarts = status.restarts();
        lastNanos = now;
        return quiet ? null : line;
    }
}
