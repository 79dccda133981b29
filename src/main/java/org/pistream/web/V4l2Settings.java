package org.pistream.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.eclipse.microprofile.config.Config;
import org.pistream.core.settings.CameraSettings;
import org.pistream.core.settings.CameraSource;
import org.pistream.core.settings.Key;
import org.pistream.core.settings.KeyTable;
import org.pistream.core.settings.Settings;
import org.pistream.core.settings.Values;
import org.pistream.core.source.detect.CameraDetector.DeviceModes;
import org.pistream.core.source.detect.Mode;
import org.pistream.core.source.detect.ModeChoice;

/**
 * A {@code v4l2:DEVICE} camera's settings: the mode the camera really offers nearest to the asked
 * {@code resolution} and {@code fps} (1280x720 at 30 fps when not asked), MJPEG first, and what that mode
 * cannot do refused, naming key, value and kind.
 *
 * <p>An MJPEG mode is passed through as the camera makes it, so {@code quality}, {@code rotation} 180,
 * {@code hflip} and {@code vflip} are refused for it: pi-stream would have to decode and encode every frame,
 * which costs a small board more than the camera delivers, and a Pi owner who wants that can say so with
 * {@code camera=command} and ffmpeg. A camera without MJPEG (YUYV) is encoded by ffmpeg anyway, so there
 * {@code quality} is ffmpeg's {@code -q:v} and rotation 180 and the flips are its filters. Rotation 90 and 270
 * are refused for both.
 *
 * <p>A device that cannot be asked for its modes (unplugged, busy, no v4l2-ctl) is refused at start with
 * v4l2-ctl's own words: the Debian package's service then tries again every 5 s (Restart=on-failure), so a
 * webcam plugged in later is picked up then.
 */
final class V4l2Settings {
    private static final String DEFAULT_RESOLUTION = "1280x720";
    private static final int DEFAULT_FPS = 30;
    private static final int DEFAULT_QUALITY = 80;

    private V4l2Settings() {
    }

    static CameraSettings choose(Config config, CameraSettings camera, CameraSource.V4l2Source source, CameraLookup lookup) {
        String name = camera.name();
        String device = source.device();
        String sourceKey = name.equals(Settings.UNNAMED) ? KeyTable.CAMERA.configKey() : KeyTable.cameraKey(name);
        Map<Key<?>, Object> values = new LinkedHashMap<>(camera.values().asMap());
        int rotation = (Integer) values.get(KeyTable.ROTATION);
        if (rotation != 0 && rotation != 180) {
            throw refused(config, name, KeyTable.ROTATION, rotation, "the v4l2 camera rotates by 0 or 180 degrees only");
        }
        String resolution = values.get(KeyTable.RESOLUTION) != null ? (String) values.get(KeyTable.RESOLUTION) : DEFAULT_RESOLUTION;
        int x = resolution.indexOf('x');
        int width = Integer.parseInt(resolution.substring(0, x));
        int height = Integer.parseInt(resolution.substring(x + 1));
        if (width < 1 || height < 1) {
            throw refused(config, name, KeyTable.RESOLUTION, resolution, "the v4l2 camera needs a size of at least 1x1");
        }
        int fps = values.get(KeyTable.FPS) != null ? (Integer) values.get(KeyTable.FPS) : DEFAULT_FPS;

        DeviceModes listed = lookup.v4l2Modes(device);
        if (listed.error() != null) {
            throw new InvalidSettingException(sourceKey, CameraSource.V4l2Source.KIND + ":" + device,
                    "the v4l2 camera cannot be used (" + listed.error() + "); 'pi-stream cameras' lists the cameras found");
        }
        List<Mode> usable = listed.modes().stream()
                .filter(m -> m.isJpeg() || CameraSource.V4l2Source.rawPixelFormat(m.pixelFormat()) != null).toList();
        if (usable.isEmpty()) {
            throw new InvalidSettingException(sourceKey, CameraSource.V4l2Source.KIND + ":" + device,
                    "the v4l2 camera offers neither MJPG nor YUYV (it lists " + listed.modes().stream().map(Mode::pixelFormat).distinct()
                            .collect(Collectors.joining(", ")) + "): run a program that converts it with " + KeyTable.CAMERA.configKey()
                            + "=command");
        }
        ModeChoice choice = ModeChoice.nearest(usable, width, height, fps, true).orElseThrow();
        Mode mode = choice.mode();
        CameraSource.V4l2Source chosen = new CameraSource.V4l2Source(device, mode.pixelFormat(), mode.width(), mode.height(),
                choice.fps(), choice.reason() + (mode.isJpeg() ? ", passed through" : ", encoded by ffmpeg"));
        if (chosen.passesJpegThrough()) {
            String passed = "the v4l2 camera " + device + " sends its own JPEG frames (" + mode.pixelFormat() + " " + mode.width() + "x"
                    + mode.height() + "), passed through without re-encoding: ";
            if (values.get(KeyTable.QUALITY) != null) {
                throw refused(config, name, KeyTable.QUALITY, values.get(KeyTable.QUALITY), passed + "their quality is the camera's");
            }
            if (rotation != 0) {
                throw refused(config, name, KeyTable.ROTATION, rotation, passed + "they cannot be rotated");
            }
            for (Key<?> flip : List.of(KeyTable.HFLIP, KeyTable.VFLIP)) {
                if (Boolean.TRUE.equals(values.get(flip))) {
                    throw refused(config, name, flip, true, passed + "they cannot be flipped");
                }
            }
        } else if (values.get(KeyTable.QUALITY) == null) {
            values.put(KeyTable.QUALITY, DEFAULT_QUALITY);
        }
        values.put(KeyTable.RESOLUTION, mode.width() + "x" + mode.height());
        values.put(KeyTable.FPS, (int) Math.max(1, Math.min(120, Math.round(choice.fps()))));
        return new CameraSettings(name, chosen, new Values(values));
    }

    private static InvalidSettingException refused(Config config, String camera, Key<?> key, Object value, String why) {
        return new InvalidSettingException(SettingsLoader.shownKey(config, camera, key), String.valueOf(value), why);
    }
}
