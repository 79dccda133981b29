package org.pistream.web;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.pistream.core.source.detect.CameraDetector;
import org.pistream.core.source.detect.CameraDetector.DeviceModes;
import org.pistream.core.source.detect.Mode;

/**
 * What the settings loader asks the machine about its cameras while it builds the settings: the automatic
 * choice ({@code camera=auto}) and the modes of each {@code v4l2:DEVICE}. Each question is asked at most once
 * per load, and only when a camera needs it: a server with a test pattern or a command runs no program here.
 * Not thread-safe; lives for one {@link SettingsLoader#load} call.
 */
final class CameraLookup {
    /** Each detection program gets this long at start-up; rpicam-hello takes about 0.8 s on the virtual camera. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(5);

    private final CameraDetector detector;
    private final Map<String, DeviceModes> modes = new HashMap<>();
    private CameraDetector.Detection detection;

    CameraLookup(CameraDetector detector) {
        this.detector = detector;
    }

    /** This machine's programs on {@code PATH}, {@link #START_TIMEOUT} each. */
    static CameraLookup forThisMachine() {
        return new CameraLookup(CameraDetector.forThisMachine(START_TIMEOUT));
    }

    /** Every camera found, in the order of the automatic choice (detected once). */
    CameraDetector.Detection detection() {
        if (detection == null) {
            detection = detector.detect();
        }
        return detection;
    }

    /** {@code device}'s modes as v4l2-ctl lists them, or why they could not be read. */
    DeviceModes v4l2Modes(String device) {
        return modes.computeIfAbsent(device, detector::v4l2Modes);
    }

    /** Remembers modes already listed (by the detection), so that the chosen camera is not asked twice. */
    void knownModes(String device, List<Mode> listed) {
        modes.putIfAbsent(device, new DeviceModes(listed, null));
    }
}
