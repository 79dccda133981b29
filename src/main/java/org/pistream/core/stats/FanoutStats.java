package org.pistream.core.stats;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fan-out of one camera at one moment: frames in, clients, frames out. Counters count from the
 * start.
 *
 * @param framesIn          camera frames published (not placeholders or repeats)
 * @param bytesIn           their JPEG bytes
 * @param fps1s             camera frames per second over the last second
 * @param fps10s            the same over the last 10 seconds
 * @param width             width of the newest camera frame, from its JPEG header; null before the first
 * @param height            its height, or null
 * @param frameSizes        camera frame sizes, in bytes
 * @param clients           stream clients holding a slot
 * @param maxClients        {@code max-clients}
 * @param accepted          stream clients let in
 * @param rejectedByReason  stream clients turned away, by reason key ({@code max_clients}, {@code shutting_down}), in a fixed order
 * @param list              the connected clients, in the order they came
 * @param framesOut         frames written to clients (every client counts)
 * @param bytesOut          bytes written to clients, part headers included
 * @param framesSkipped     frames slow clients skipped to catch up with the newest
 * @param placeholderFrames no-signal pictures published while the camera was down
 * @param keepAliveFrames   frames re-sent to keep connections open while frames paused
 * @param deliveryLatency   per client and frame, nanoseconds from publish to the last byte handed to the connection
 */
public record FanoutStats(long framesIn, long bytesIn, double fps1s, double fps10s, Integer width, Integer height,
                          Histogram.Snapshot frameSizes, int clients, int maxClients, long accepted,
                          Map<String, Long> rejectedByReason, List<ClientStats> list, long framesOut, long bytesOut,
                          long framesSkipped, long placeholderFrames, long keepAliveFrames,
                          Histogram.Snapshot deliveryLatency) {

    public FanoutStats {
        rejectedByReason = Collections.unmodifiableMap(new LinkedHashMap<>(rejectedByReason));
        list = List.copyOf(list);
    }

    /** Stream clients turned away, for any reason. */
    public long rejected() {
        long sum = 0;
        for (long n : rejectedByReason.values()) {
            sum += n;
        }
        return sum;
    }

    /** Lag of the furthest-behind client, in frames; 0 without clients. */
    public long maxLagFrames() {
        long max = 0;
        for (ClientStats c : list) {
            max = Math.max(max, c.lagFrames());
        }
        return max;
    }
}
