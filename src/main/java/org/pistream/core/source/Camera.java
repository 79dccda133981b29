package org.pistream.core.source;

import org.pistream.core.jpeg.SplitterCounters;

/**
 * A source of JPEG frames that hands each frame to a {@link FrameSink} (in pi-stream the
 * {@code core.jpeg.FrameIntake}, which fixes it and passes it on to be published): a supervised
 * child process, another MJPEG server or the built-in test pattern. Started and stopped by its
 * owner ({@code PiStream}).
 */
public interface Camera {
    void start();

    /** Ends the camera's threads and processes, waiting a bounded time. */
    void stop();

    CameraStatus status();

    /** Counters of the frame splitter, or null when the camera produces whole frames itself. */
    SplitterCounters splitterCounters();

    /**
     * Called a few times a second by the pi-stream timer: the place for the watchdog and for
     * escalating a termination. Must not block.
     */
    void poll(long nanoTime);

    /** Stops capturing until {@link #wake()}; must not block. */
    void sleep();

    /** Resumes capturing after {@link #sleep()}; does nothing otherwise. Must not block. */
    void wake();
}
