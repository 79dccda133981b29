package org.pistream.core.source.detect;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.pistream.core.settings.CameraSettings;
import org.pistream.core.settings.CameraSource;
import org.pistream.core.settings.Key;
import org.pistream.core.settings.KeyTable;
import org.pistream.core.settings.Values;
import org.pistream.core.source.detect.CameraDetector.DeviceModes;

/**
 * A {@code v4l2:DEVICE} camera's settings: the mode the camera really offers nearest to the asked
 * {@code resolution} and {@code fps} (1280x720 at 30 fps when not asked), MJPEG first, and what that mode
 * cannot do refused, naming key, value and why. Used at start (the settings loader) and again for each
 * change of {@code resolution} or {@code fps} through the controls, so both build the source the same way.
 *
 * <p>An MJPEG mode is passed through as the camera makes it, so {@code quality}, {@code rotation} 180,
 * {@code hflip} and {@code vflip} are refused for it: pi-stream would have to decode and encode every frame,
 * which costs a small board more than the camera delivers, and a Pi owner who wants that can say so with
 * {@code camera=command} and ffmpeg. A camera without MJPEG (YUYV) is encoded by ffmpeg anyway, so there
 * {@code quality} is ffmpeg's {@code -q:v} and rotation 180 and the flips are its filters. Rotation 90 and 270
 * are refused for both.
 */
public final class V4l2Fit {
    private static final String DEFAULT_RESOLUTION = "1280x720";
    private static final int DEFAULT_FPS = 30;
    public static final int DEFAULT_QUALITY = 80;

    /** What the camera cannot do: {@code key} null means the device itself (unusable, or no format we take). */
    public static final class Refused extends RuntimeException {
        private final transient Key<?> key;
        private final transient Object value;

        Refused(Key<?> key, Object value, String why) {
            super(why);
            this.key = key;
            this.value = value;
        }

        public Key<?> key() {
            return key;
        }

        public Object value() {
            return value;
        }
    }

    private V4l2Fit() {
    }

    /**
     * {@code camera} with {@code source}'s mode chosen for its asked size and rate from what {@code modes} lists
     * for the device (asked only when the settings themselves are possible), and its {@code resolution},
     * {@code fps} (and {@code quality} for an encoded format) set to what is used.
     */
    public static CameraSettings choose(CameraSettings camera, CameraSource.V4l2Source source,
                                        Function<String, DeviceModes> modes) {
        String device = source.device();
        Map<Key<?>, Object> values = new LinkedHashMap<>(camera.values().asMap());
        int rotation = (Integer) values.get(KeyTable.ROTATION);
        if (rotation != 0 && rotation != 180) {
            throw new Refused(KeyTable.ROTATION, rotation, "the v4l2 camera rotates by 0 or 180 degrees only");
        }
        String resolution = values.get(KeyTable.RESOLUTION) != null ? (String) values.get(KeyTable.RESOLUTION) : DEFAULT_RESOLUTION;
        int x = resolution.indexOf('x');
        int width = Integer.parseInt(resolution.substring(0, x));
        int height = Integer.parseInt(resolution.substring(x + 1));
        if (width < 1 || height < 1) {
            throw new Refused(KeyTable.RESOLUTION, resolution, "the v4l2 camera needs a size of at least 1x1");
        }
        int fps = values.get(KeyTable.FPS) != null ? (Integer) values.get(KeyTable.FPS) : DEFAULT_FPS;

        DeviceModes listed = modes.apply(device);
        if (listed.error() != null) {
            throw new Refused(null, CameraSource.V4l2Source.KIND + ":" + device,
                    "the v4l2 camera cannot be used (" + listed.error() + "); 'pi-stream cameras' lists the cameras found");
        }
        List<Mode> usable = usable(listed);
        if (usable.isEmpty()) {
            throw new Refused(null, CameraSource.V4l2Source.KIND + ":" + device,
                    "the v4l2 camera offers neither MJPG nor YUYV (it lists " + listed.modes().stream().map(Mode::pixelFormat).distinct()
                            .collect(Collectors.joining(", ")) + "): run a program that converts it with " + KeyTable.CAMERA.configKey()
                            + "=command");
        }
        ModeChoice choice = ModeChoice.nearest(usable, width, height, fps, true).orElseThrow();
        Mode mode = choice.mode();
        CameraSource.V4l2Source chosen = new CameraSource.V4l2Source(device, mode.pixelFormat(), mode.width(), mode.height(),
                choice.fps(), choice.reason() + (mode.isJpeg() ? ", passed through" : ", encoded by ffmpeg"));
        if (chosen.passesJpegThrough()) {
            String passed = passedThrough(chosen) + ": ";
            if (values.get(KeyTable.QUALITY) != null) {
                throw new Refused(KeyTable.QUALITY, values.get(KeyTable.QUALITY), passed + "their quality is the camera's");
            }
            if (rotation != 0) {
                throw new Refused(KeyTable.ROTATION, rotation, passed + "they cannot be rotated");
            }
            for (Key<?> flip : List.of(KeyTable.HFLIP, KeyTable.VFLIP)) {
                if (Boolean.TRUE.equals(values.get(flip))) {
                    throw new Refused(flip, true, passed + "they cannot be flipped");
                }
            }
        } else if (values.get(KeyTable.QUALITY) == null) {
            values.put(KeyTable.QUALITY, DEFAULT_QUALITY);
        }
        values.put(KeyTable.RESOLUTION, mode.width() + "x" + mode.height());
        values.put(KeyTable.FPS, (int) Math.max(1, Math.min(120, Math.round(choice.fps()))));
        return new CameraSettings(camera.name(), chosen, new Values(values), camera.explicit());
    }

    /** The modes pi-stream can stream: a JPEG format (passed through) or a raw one ffmpeg encodes. */
    public static List<Mode> usable(DeviceModes listed) {
        return listed.modes().stream()
                .filter(m -> m.isJpeg() || CameraSource.V4l2Source.rawPixelFormat(m.pixelFormat()) != null).toList();
    }

    /** Why a passed-through camera's frames keep the camera's quality and orientation. */
    public static String passedThrough(CameraSource.V4l2Source chosen) {
        return "the v4l2 camera " + chosen.device() + " sends its own JPEG frames (" + chosen.pixelFormat() + " " + chosen.width()
                + "x" + chosen.height() + "), passed through without re-encoding";
    }
}
