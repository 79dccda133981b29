package org.pistream.core.source;

import org.pistream.core.jpeg.SplitterCounters;

/**
 * The camera of a server that found none ({@code camera=auto} on a machine without a camera): it never
 * delivers a frame, and its status says why, so that the no-signal picture, {@code /stats} and {@code /healthz}
 * tell the viewer which command lists the cameras. Holds no thread or process.
 */
public final class NoCamera implements Camera {
    private final CameraStatus status;

    /** @param description what {@code /stats} calls the source; @param reason the sentence viewers see */
    public NoCamera(String description, String reason) {
        this.status = new CameraStatus(CameraStatus.NONE, description, CameraState.STOPPED, -1, 0, 0, null, reason, -1, 0, 0, 0);
    }

    @Override
    public void start() {
    }

    @Override
    public void stop() {
    }

    @Override
    public CameraStatus status() {
        return status;
    }

    @Override
    public SplitterCounters splitterCounters() {
        return null;
    }

    @Override
    public void poll(long nanoTime) {
    }

    @Override
    public void sleep() {
    }

    @Override
    public void wake() {
    }
}
