package org.pistream.core.control;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.pistream.core.settings.CameraSettings;
import org.pistream.core.settings.CameraSource;
import org.pistream.core.settings.Key;
import org.pistream.core.settings.KeyTable;
import org.pistream.core.settings.Values;
import org.pistream.core.source.detect.CameraDetector;
import org.pistream.core.source.detect.CameraDetector.DeviceModes;
import org.pistream.core.source.detect.V4l2Fit;

/**
 * The stream settings as controls, under their settings keys' names ({@code resolution}, {@code fps},
 * {@code quality}, {@code rotation}, {@code hflip}, {@code vflip}), for the kinds that take them
 * (rpicam, the test pattern): the same ranges the settings loader checks at start. Each change
 * restarts the camera with settings that differ in that key only.
 */
public final class StreamControls {
    public static final String GROUP = "stream";
    /** The settings keys that are stream controls, by control name. */
    public static final Map<String, Key<?>> KEYS;

    static {
        Map<String, Key<?>> keys = new LinkedHashMap<>();
        for (Key<?> key : List.of(KeyTable.RESOLUTION, KeyTable.FPS, KeyTable.QUALITY, KeyTable.ROTATION, KeyTable.HFLIP,
                KeyTable.VFLIP)) {
            keys.put(key.name(), key);
        }
        KEYS = java.util.Collections.unmodifiableMap(keys);
    }

    private StreamControls() {
    }

    /** The source that makes the frames: for {@code auto}, the camera it chose. */
    static CameraSource effective(CameraSource source) {
        return source instanceof CameraSource.AutoSource auto && auto.chosen() != null ? auto.chosen() : source;
    }

    /**
     * The stream controls of {@code camera} with its values; empty for a kind that has none (a command, a
     * URL). A V4L2 webcam has them all: a change of size or rate chooses the camera's mode again
     * ({@link #with}); one whose MJPEG is passed through shows quality, rotation and flips read-only.
     */
    public static List<Control> of(CameraSettings camera) {
        CameraSource source = effective(camera.source());
        boolean rpicam = source instanceof CameraSource.RpicamSource;
        if (source instanceof CameraSource.V4l2Source v4l2 && v4l2.pixelFormat() != null) {
            return v4l2(camera, v4l2);
        }
        if (!rpicam && !(source instanceof CameraSource.TestPatternSource)) {
            return List.of();
        }
        if (!KEYS.values().stream().allMatch(camera.values()::has)) {
            return List.of();
        }
        List<MenuEntry> rotations = List.of(new MenuEntry(0L, "0°"), new MenuEntry(180L, "180°"));
        Integer quality = camera.get(KeyTable.QUALITY);
        Integer fps = camera.get(KeyTable.FPS);
        return List.of(
                rpicam ? Control.size("resolution", GROUP, "16x16", "9152x6944", "1280x720", camera.get(KeyTable.RESOLUTION), true)
                        : Control.size("resolution", GROUP, "16x16", "7680x4320", "640x480", camera.get(KeyTable.RESOLUTION), true),
                Control.integer("fps", GROUP, 1, 120, 1, 30L, fps == null ? null : fps.longValue(), true),
                Control.integer("quality", GROUP, 1, 100, 1, rpicam ? 50L : 80L, quality == null ? null : quality.longValue(), true),
                Control.menu("rotation", GROUP, rotations, 0L, (long) (int) camera.get(KeyTable.ROTATION), true),
                Control.bool("hflip", GROUP, false, camera.get(KeyTable.HFLIP), true),
                Control.bool("vflip", GROUP, false, camera.get(KeyTable.VFLIP), true));
    }

    private static List<Control> v4l2(CameraSettings camera, CameraSource.V4l2Source v4l2) {
        if (!KEYS.values().stream().allMatch(camera.values()::has)) {
            return List.of();
        }
        Integer quality = camera.get(KeyTable.QUALITY);
        Integer fps = camera.get(KeyTable.FPS);
        List<Control> picture = List.of(
                Control.integer("quality", GROUP, 1, 100, 1, (long) V4l2Fit.DEFAULT_QUALITY, quality == null ? null : quality.longValue(),
                        true),
                Control.menu("rotation", GROUP, List.of(new MenuEntry(0L, "0°"), new MenuEntry(180L, "180°")), 0L,
                        (long) (int) camera.get(KeyTable.ROTATION), true),
                Control.bool("hflip", GROUP, false, camera.get(KeyTable.HFLIP), true),
                Control.bool("vflip", GROUP, false, camera.get(KeyTable.VFLIP), true));
        List<Control> all = new ArrayList<>();
        // Any size may be asked: the camera's nearest mode is used (the choice is logged and in /stats).
        all.add(Control.size("resolution", GROUP, "1x1", "7680x4320", "1280x720", camera.get(KeyTable.RESOLUTION), true));
        all.add(Control.integer("fps", GROUP, 1, 120, 1, 30L, fps == null ? null : fps.longValue(), true));
        for (Control c : picture) {
            all.add(v4l2.passesJpegThrough() ? c.readOnly(V4l2Fit.passedThrough(v4l2)) : c);
        }
        return List.copyOf(all);
    }

    /**
     * The device's modes, asked again for each change: a webcam may have been replaced by another on the
     * same port since start. Replaced in tests.
     */
    static volatile Function<String, DeviceModes> modes =
            device -> CameraDetector.forThisMachine(Duration.ofSeconds(5)).v4l2Modes(device);

    /**
     * {@code camera} with the checked values of stream controls (by name) in place of its own; a V4L2
     * camera's mode is chosen again for them the way the settings loader chose it at start. Throws when
     * the camera cannot take them (unplugged, or a passed-through camera asked to re-encode).
     */
    public static CameraSettings with(CameraSettings camera, Map<String, Object> changes) throws ControlException {
        CameraSettings next = replaced(camera, changes);
        CameraSource source = effective(next.source());
        if (!(source instanceof CameraSource.V4l2Source v4l2)) {
            return next;
        }
        String first = changes.keySet().iterator().next();
        CameraSettings fitted;
        try {
            fitted = V4l2Fit.choose(new CameraSettings(next.name(), v4l2, next.values(), next.explicit()), v4l2, modes);
        } catch (V4l2Fit.Refused e) {
            String control = e.key() == null ? first : e.key().name();
            throw new ControlException(e.key() == null ? ControlException.Reason.FAILED : ControlException.Reason.INVALID, control,
                    (e.key() == null ? "" : control + ": " + ControlException.shown(String.valueOf(e.value())) + " is not allowed; ")
                            + e.getMessage());
        }
        CameraSource.V4l2Source chosen = (CameraSource.V4l2Source) fitted.source();
        if (next.source() instanceof CameraSource.AutoSource auto) {
            return new CameraSettings(next.name(), new CameraSource.AutoSource(chosen, auto.reason(), auto.notes()), fitted.values(),
                    next.explicit());
        }
        return fitted;
    }

    /** {@code camera} with the checked values of stream controls (by name) in place of its own. */
    private static CameraSettings replaced(CameraSettings camera, Map<String, Object> changes) {
        Map<Key<?>, Object> values = new LinkedHashMap<>(camera.values().asMap());
        changes.forEach((name, value) -> {
            Key<?> key = KEYS.get(name);
            values.put(key, value instanceof Long n ? Integer.valueOf(n.intValue()) : value);
        });
        CameraSource source = camera.source();
        if (source instanceof CameraSource.TestPatternSource) {
            String size = (String) values.get(KeyTable.RESOLUTION);
            int x = size.indexOf('x');
            source = new CameraSource.TestPatternSource(Integer.parseInt(size.substring(0, x)),
                    Integer.parseInt(size.substring(x + 1)), (Integer) values.get(KeyTable.FPS));
        }
        return new CameraSettings(camera.name(), source, new Values(values), camera.explicit());
    }
}
