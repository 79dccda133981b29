package org.pistream.core.source.detect;

import java.util.Locale;

/**
 * One way a camera can deliver pictures: a frame size, the highest frame rate it offers at that size, and the
 * pixel format as the listing program names it ({@code MJPG}, {@code YUYV}, {@code H264} from {@code v4l2-ctl};
 * {@code SRGGB10_CSI2P}, {@code YUV420} from {@code rpicam-hello}). Immutable.
 *
 * @param width  pixels, > 0
 * @param height pixels, > 0
 * @param fps    the highest frame rate at this size; {@code NaN} when the listing gave none (old
 *               {@code libcamera-hello} and sizes without intervals)
 * @param pixelFormat the listing's name of the pixel format, never empty
 */
public record Mode(int width, int height, double fps, String pixelFormat) {
    public Mode {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("mode size must be > 0, was: " + width + "x" + height);
        }
        if (pixelFormat == null || pixelFormat.isEmpty()) {
            throw new IllegalArgumentException("mode pixel format must not be empty, was: " + pixelFormat);
        }
    }

    /** True for formats that already carry JPEG frames, which pi-stream passes through without re-encoding. */
    public boolean isJpeg() {
        return pixelFormat.equals("MJPG") || pixelFormat.equals("JPEG") || pixelFormat.equals("MJPEG");
    }

    public boolean hasFps() {
        return !Double.isNaN(fps);
    }

    /** {@code 1280x720@30 MJPG}; a fractional rate keeps two decimals ({@code 1536x864@120.13 SRGGB10_CSI2P}). */
    @Override
    public String toString() {
        return width + "x" + height + (hasFps() ? "@" + fpsText(fps) : "") + " " + pixelFormat;
    }

    static String fpsText(double fps) {
        return fps == Math.rint(fps) ? Long.toString((long) fps) : String.format(Locale.ROOT, "%.2f", fps);
    }
}
