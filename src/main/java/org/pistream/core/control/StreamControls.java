package org.pistream.core.control;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.pistream.core.settings.CameraSettings;
import org.pistream.core.settings.CameraSource;
import org.pistream.core.settings.Key;
import org.pistream.core.settings.KeyTable;
import org.pistream.core.settings.Values;

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
     * URL; a V4L2 webcam for now: its mode is chosen from the camera's list at start, so a new size or rate
     * would need that choice again).
     */
    public static List<Control> of(CameraSettings camera) {
        CameraSource source = effective(camera.source());
        boolean rpicam = source instanceof CameraSource.RpicamSource;
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

    /** {@code camera} with the checked values of stream controls (by name) in place of its own. */
    public static CameraSettings with(CameraSettings camera, Map<String, Object> changes) {
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
