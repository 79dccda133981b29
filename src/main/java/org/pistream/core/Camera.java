package org.pistream.core;

/**
 * A source of JPEG frames that publishes into a {@link FrameBroadcaster}: a supervised child
 * process or the built-in test pattern. Started and stopped by its owner (the context listener).
 */
public interface Camera {
    void start();

    /** Ends the camera's threads and processes, waiting a bounded time. */
    void stop();

    CameraStatus status();

    /** Counters of the frame splitter, or null when the camera produces whole frames itself. */
    SplitterCounters splitterCounters();
}
