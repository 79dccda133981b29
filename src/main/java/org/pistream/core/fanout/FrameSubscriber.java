package org.pistream.core.fanout;

import org.pistream.core.stats.ClientStats;

/**
 * A stream client as the broadcaster sees it.
 *
 * <p>The broadcaster never calls these methods concurrently for one subscriber: every call runs
 * inside its {@link Subscription}'s drain loop, on a fan-out thread or on whatever thread called
 * {@link Subscription#drainNow()}.
 */
public interface FrameSubscriber {

    /**
     * Writes frames from {@link Subscription#poll()} while the client's connection can take them,
     * and returns when it cannot, or when there is no new frame. Must not block.
     */
    void deliver(Subscription subscription);

    /** The broadcaster is shutting down: end the stream and release the connection. */
    void broadcasterClosed(Subscription subscription);

    /** Who is watching, for {@code /stats}; null (the default) for a client that is not a web viewer. */
    default ClientStats.Viewer viewer() {
        return null;
    }
}
