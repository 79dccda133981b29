package org.pistream.core.source.detect;

import java.util.ArrayList;
import java.util.List;

/**
 * One pixel format of {@code v4l2-ctl --list-formats-ext}, with its frame sizes and intervals. Immutable.
 *
 * @param index       the format's index ({@code [0]})
 * @param fourcc      {@code MJPG}, {@code YUYV}, {@code H264}, ...
 * @param description {@code Motion-JPEG}, {@code YUYV 4:2:2}, ...
 * @param flags       {@code compressed}, {@code emulated}, ...; empty when none
 * @param sizes       the frame sizes in the listing's order
 */
public record V4l2Format(int index, String fourcc, String description, List<String> flags, List<FrameSize> sizes) {

    /** The sizes offered as modes when a format gives a range of sizes (Stepwise, Continuous) rather than a list. */
    private static final int[][] COMMON_SIZES = { { 640, 480 }, { 800, 600 }, { 1024, 768 }, { 1280, 720 },
            { 1280, 960 }, { 1920, 1080 }, { 2592, 1944 } };

    public V4l2Format {
        flags = List.copyOf(flags);
        sizes = List.copyOf(sizes);
    }

    /**
     * One {@code Size:} line and its {@code Interval:} lines.
     *
     * @param type      {@code Discrete}, {@code Stepwise} or {@code Continuous}
     * @param width     the discrete width, or the minimum
     * @param height    the discrete height, or the minimum
     * @param maxWidth  equal to {@code width} for a discrete size
     * @param maxHeight equal to {@code height} for a discrete size
     * @param stepWidth 0 for a discrete size, 1 for a continuous one
     * @param stepHeight like {@code stepWidth}
     * @param fps       the rates the intervals give: each discrete rate, or both ends of a range
     */
    public record FrameSize(String type, int width, int height, int maxWidth, int maxHeight, int stepWidth, int stepHeight,
            List<Double> fps) {
        public FrameSize {
            fps = List.copyOf(fps);
        }

        public boolean isDiscrete() {
            return type.equals("Discrete");
        }

        /** The highest rate listed, {@code NaN} when no interval was. */
        public double maxFps() {
            return fps.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        }
    }

    /**
     * This format's sizes as {@link Mode}s: one per discrete size with its highest rate; for a stepwise or
     * continuous range, the common sizes inside it that the step allows, and the maximum size, without a rate
     * (v4l2-ctl lists no intervals for a range of sizes).
     */
    public List<Mode> modes() {
        List<Mode> modes = new ArrayList<>();
        for (FrameSize s : sizes) {
            if (s.isDiscrete()) {
                modes.add(new Mode(s.width(), s.height(), s.maxFps(), fourcc));
                continue;
            }
            for (int[] c : COMMON_SIZES) {
                if (fits(s, c[0], c[1]) && !(c[0] == s.maxWidth() && c[1] == s.maxHeight())) {
                    modes.add(new Mode(c[0], c[1], s.maxFps(), fourcc));
                }
            }
            modes.add(new Mode(s.maxWidth(), s.maxHeight(), s.maxFps(), fourcc));
        }
        return modes;
    }

    private static boolean fits(FrameSize s, int w, int h) {
        int sw = Math.max(1, s.stepWidth());
        int sh = Math.max(1, s.stepHeight());
        return w >= s.width() && w <= s.maxWidth() && h >= s.height() && h <= s.maxHeight()
                && (w - s.width()) % sw == 0 && (h - s.height()) % sh == 0;
    }
}
