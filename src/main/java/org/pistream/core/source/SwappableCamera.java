package org.pistream.core.source;

import org.pistream.core.jpeg.SplitterCounters;

/**
 * A camera that can be replaced by another while viewers stay connected: a change of settings that
 * the program takes at start only stops the running camera and starts one built with the new
 * settings, feeding the same sink. Until the new one streams (or {@link #APPLY_LIMIT_NANOS} passed,
 * after which its own state shows, a failure included) its status is {@link CameraState#APPLYING}:
 * viewers see "applying settings", and health does not count it as a fault.
 */
public final class SwappableCamera implements Camera {
    /** How long a restart for new settings may take before the new camera's own state shows. */
    static final long APPLY_LIMIT_NANOS = 20_000_000_000L;

    private volatile Camera current;
    /** When the running swap began (System.nanoTime), or -1 when none is running. */
    private volatile long applyingSince = -1;
    private volatile boolean started;
    /** The camera the running swap starts: "applying" ends when this one streams, not the old one. */
    private volatile Camera replacement;

    public SwappableCamera(Camera first) {
        this.current = first;
    }

    /**
     * Stops the camera and starts {@code next} in its place (when this one was started). Blocks
     * while the old camera stops; call on a thread that may wait, never the timer.
     */
    public synchronized void swap(Camera next) {
        replacement = next;
        applyingSince = System.nanoTime();
        Camera old = current;
        old.stop();
        current = next;
        if (started) {
            next.start();
        }
    }

    /** The camera running now. */
    public Camera current() {
        return current;
    }

    @Override
    public synchronized void start() {
        started = true;
        current.start();
    }

    @Override
    public synchronized void stop() {
        started = false;
        current.stop();
    }

    @Override
    public CameraStatus status() {
        Camera now = current;
        CameraStatus status = now.status();
        long since = applyingSince;
        if (since < 0) {
            return status;
        }
        if ((now == replacement && status.state() == CameraState.STREAMING) || System.nanoTime() - since > APPLY_LIMIT_NANOS) {
            applyingSince = -1;
            return status;
        }
        return status.withState(CameraState.APPLYING);
    }

    @Override
    public SplitterCounters splitterCounters() {
        return current.splitterCounters();
    }

    @Override
    public void poll(long nanoTime) {
        current.poll(nanoTime);
    }

    @Override
    public void sleep() {
        current.sleep();
    }

    @Override
    public void wake() {
        current.wake();
    }
}
