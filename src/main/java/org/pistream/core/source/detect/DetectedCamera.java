package org.pistream.core.source.detect;

import java.util.List;
import java.util.Optional;

/**
 * A camera found on this machine, as the {@code cameras} command lists it and as the automatic choice
 * picks it. Immutable.
 *
 * @param kind     which source kind can use it
 * @param id       for {@link Kind#RPICAM} the camera index rpicam-apps' {@code --camera} takes ({@code 0},
 *                 {@code 1}); for {@link Kind#V4L2} the capture node ({@code /dev/video0})
 * @param stableId for {@link Kind#V4L2} the {@code /dev/v4l/by-id/...} name that points at {@link #id()}, which
 *                 survives re-plugging and reboots; {@code null} when there is none (Pi camera modules, and
 *                 USB devices without a serial-number link)
 * @param name     the sensor ({@code imx708_wide}) or the USB product ({@code HD Pro Webcam C920})
 * @param location where the camera hangs: the libcamera id ({@code /base/soc/i2c0mux/i2c@1/imx708@1a}) or the
 *                 V4L2 bus info ({@code usb-0000:01:00.0-1.4})
 * @param sensor   the sensor line of {@code --list-cameras} ({@code 4608x2592 10-bit RGGB}), or {@code null}
 * @param modes    what the camera offers, in the listing's order
 */
public record DetectedCamera(Kind kind, String id, String stableId, String name, String location, Sensor sensor,
        List<Mode> modes) {

    /** The source kinds that can drive a camera, as they are spelt in {@code --camera KIND:ID}. */
    public enum Kind {
        RPICAM("rpicam"), V4L2("v4l2");

        private final String spelling;

        Kind(String spelling) {
            this.spelling = spelling;
        }

        public String spelling() {
            return spelling;
        }
    }

    /**
     * The sensor as {@code rpicam-hello --list-cameras} describes it: {@code [4608x2592 10-bit RGGB]}. Newer
     * rpicam-apps print the bit depth and colour filter, older ones only the size.
     *
     * @param width        pixel array width, 0 when not given
     * @param height       pixel array height, 0 when not given
     * @param bitDepth     the deepest Bayer format, 0 when not given (or not a Bayer sensor)
     * @param colourFilter {@code RGGB}, {@code MONO}, ...; {@code null} when not given
     */
    public record Sensor(int width, int height, int bitDepth, String colourFilter) {
        @Override
        public String toString() {
            StringBuilder s = new StringBuilder();
            if (width > 0) {
                s.append(width).append('x').append(height);
            }
            if (bitDepth > 0) {
                s.append(s.isEmpty() ? "" : " ").append(bitDepth).append("-bit");
            }
            if (colourFilter != null) {
                s.append(s.isEmpty() ? "" : " ").append(colourFilter);
            }
            return s.toString();
        }
    }

    public DetectedCamera {
        if (kind == null || id == null || id.isEmpty() || name == null) {
            throw new IllegalArgumentException("a detected camera needs a kind, an id and a name, was: " + kind + " " + id
                    + " " + name);
        }
        modes = List.copyOf(modes);
    }

    /** True for a camera on a USB bus, whichever kind lists it (libcamera also lists UVC webcams). */
    public boolean isUsb() {
        return location != null && (location.startsWith("usb-") || location.contains("usb@"));
    }

    /** True when the camera delivers JPEG frames itself, so they can be passed through without re-encoding. */
    public boolean offersJpeg() {
        return modes.stream().anyMatch(Mode::isJpeg);
    }

    /**
     * The value of {@code --camera} (and of {@code pistream.camera.NAME}) that selects this camera:
     * {@code rpicam:0}, or {@code v4l2:} with the stable by-id name when there is one, else the device node.
     */
    public String cameraValue() {
        return kind.spelling() + ":" + (stableId != null ? stableId : id);
    }

    /** The exact config line to use this camera, as the {@code cameras} command prints it. */
    public String configLine() {
        return "--camera " + cameraValue();
    }

    /** The mode this camera really offers nearest to {@code width x height @ fps}; see {@link ModeChoice}. */
    public Optional<ModeChoice> nearestMode(int width, int height, double fps) {
        return ModeChoice.nearest(modes, width, height, fps, kind == Kind.V4L2);
    }
}
