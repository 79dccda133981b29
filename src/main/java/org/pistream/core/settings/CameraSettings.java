package org.pistream.core.settings;

import java.util.Objects;

/**
 * One camera's settings: its name, its source and its values of the {@link Key#isPerCamera} keys
 * (the server's, unless a named camera sets its own as {@code camera.NAME.KEY}). Immutable; built
 * once with the server's {@link Settings} and handed to the camera's constructors.
 *
 * @param name   the name in stats, metrics and URLs ({@value Settings#UNNAMED} for the unnamed camera)
 * @param source where its frames come from
 * @param values   its per-camera keys' values
 * @param explicit the names of the camera settings ({@code resolution}, {@code fps}, ...) the configuration
 *                 gives explicitly (a flag, a key, the test pattern's own {@code :WxH@FPS}): saved control
 *                 values do not replace them
 */
public record CameraSettings(String name, CameraSource source, Values values, java.util.Set<String> explicit) {
    public CameraSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(values, "values");
        explicit = java.util.Set.copyOf(explicit);
    }

    /** Settings with nothing given explicitly. */
    public CameraSettings(String name, CameraSource source, Values values) {
        this(name, source, values, java.util.Set.of());
    }

    /** This camera's value of a per-camera key. */
    public <T> T get(Key<T> key) {
        return values.get(key);
    }

    public int maxClients() {
        return get(KeyTable.MAX_CLIENTS);
    }

    public int bufferSize() {
        return get(KeyTable.BUFFER_SIZE);
    }

    public int maxFrameBytes() {
        return get(KeyTable.MAX_FRAME_SIZE);
    }

    /** End a camera that sends no complete frame for this long; 0: never. */
    public int cameraTimeoutSeconds() {
        return get(KeyTable.CAMERA_TIMEOUT);
    }

    /** Stop the camera after this long without viewers; 0: never. */
    public int idleStopSeconds() {
        return get(KeyTable.IDLE_STOP);
    }

    /** Frames discarded after each camera start. */
    public int warmupFrames() {
        return get(KeyTable.WARMUP_FRAMES);
    }

    /** How closely each frame is checked before viewers get it: {@code full} or {@code headers}. */
    public String verifyFrames() {
        return get(KeyTable.VERIFY_FRAMES);
    }

    @Override
    public String toString() {
        return name + "=" + source.description() + " " + values;
    }
}
