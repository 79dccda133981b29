package org.pistream.web.stream;

import java.util.concurrent.TimeUnit;

import org.pistream.core.fanout.FrameBroadcaster;
import org.pistream.core.fanout.Subscription;
import org.pistream.web.security.SecurityCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops stream clients whose connection has accepted no bytes for {@code client-timeout} seconds
 * (a viewer that stopped reading, a dead peer whose TCP connection is not yet known to be gone), so
 * they give back their slot. Runs on the pi-stream timer a few times per timeout: one scan over
 * the subscriptions, no thread per client. Works the same in a container, where the connector's
 * own idle timeout is not ours to set.
 */
public final class StallWatch implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(StallWatch.class);

    private final FrameBroadcaster broadcaster;
    private final long timeoutNanos;
    private final SecurityCounters counters;

    public StallWatch(FrameBroadcaster broadcaster, int timeoutSeconds, SecurityCounters counters) {
        this.broadcaster = broadcaster;
        this.timeoutNanos = TimeUnit.SECONDS.toNanos(timeoutSeconds);
        this.counters = counters;
    }

    /** How often to scan: a quarter of the timeout, at most once a second. */
    public long periodMillis() {
        return Math.max(100, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(timeoutNanos) / 4));
    }

    @Override
    public void run() {
        try {
            long now = System.nanoTime();
            for (Subscription s : broadcaster.subscriptions()) {
                if (s.subscriber() instanceof StreamClient client) {
                    long since = client.blockedSinceNanos();
                    if (since != 0 && now - since >= timeoutNanos && !s.isClosed()) {
                        counters.clientTimeouts.increment();
                        client.finish("stalled: accepted no bytes for " + TimeUnit.NANOSECONDS.toSeconds(now - since) + " s");
                    }
                }
            }
        } catch (RuntimeException e) {
            log.warn("Stall watch failed", e); // the next run tries again
        }
    }
}
