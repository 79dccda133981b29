package org.pistream.core.source.detect;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The mode a camera really offers nearest to what was asked, and a sentence saying which, for the log and for
 * {@code /stats}. Immutable.
 *
 * <p>The order of preference: a JPEG format when {@code preferJpeg} (a USB webcam's own MJPEG is passed through
 * without re-encoding, the cheapest stream there is); then the size (an exact size first, else the nearest
 * by the sum of the width and height ratios' logarithms, so 1280x720 is nearer to 1280x960 than 640x480 is);
 * then the rate (a mode reaching the asked rate first, else the fastest); then the listing's order.
 *
 * @param mode      the chosen mode
 * @param exactSize whether its size is the asked one
 * @param fps       the rate to ask the camera for: the asked rate, or the mode's maximum when that is lower
 * @param reason    e.g. {@code asked 1000x700@30, using 1280x720@30 MJPG (nearest size the camera offers)}
 */
public record ModeChoice(Mode mode, boolean exactSize, double fps, String reason) {

    /**
     * The nearest of {@code modes} to {@code width x height @ fps}; empty only when {@code modes} is.
     *
     * @param preferJpeg prefer MJPG/JPEG modes over any other format (for V4L2 webcams)
     */
    public static Optional<ModeChoice> nearest(List<Mode> modes, int width, int height, double fps, boolean preferJpeg) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("asked size must be > 0, was: " + width + "x" + height);
        }
        if (!(fps > 0)) {
            throw new IllegalArgumentException("asked fps must be > 0, was: " + fps);
        }
        Comparator<Mode> order = Comparator.comparingInt((Mode m) -> preferJpeg && !m.isJpeg() ? 1 : 0)
                .thenComparingDouble(m -> sizeDistance(m, width, height))
                .thenComparingInt(m -> m.hasFps() && m.fps() + 0.005 >= fps ? 0 : 1)
                .thenComparingDouble(m -> m.hasFps() ? -Math.min(m.fps(), fps) : 0);
        // min() keeps the first of equals, so the listing's order breaks ties.
        return modes.stream().min(order).map(m -> describe(m, width, height, fps));
    }

    private static double sizeDistance(Mode m, int width, int height) {
        return Math.abs(Math.log((double) m.width() / width)) + Math.abs(Math.log((double) m.height() / height));
    }

    private static ModeChoice describe(Mode m, int width, int height, double fps) {
        boolean exact = m.width() == width && m.height() == height;
        double rate = m.hasFps() ? Math.min(fps, m.fps()) : fps;
        String asked = width + "x" + height + "@" + Mode.fpsText(fps);
        String why;
        if (exact && (!m.hasFps() || m.fps() + 0.005 >= fps)) {
            why = "exactly as asked";
        } else if (exact) {
            why = "the camera's highest rate at this size is " + Mode.fpsText(m.fps()) + " fps";
        } else {
            why = "nearest size the camera offers";
        }
        String used = m.width() + "x" + m.height() + "@" + Mode.fpsText(rate) + " " + m.pixelFormat();
        return new ModeChoice(m, exact, rate, "asked " + asked + ", using " + used + " (" + why + ")");
    }
}
