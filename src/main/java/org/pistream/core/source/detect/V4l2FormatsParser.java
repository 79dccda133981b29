package org.pistream.core.source.detect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.pistream.core.source.detect.V4l2Format.FrameSize;

/**
 * Reads what {@code v4l2-ctl -d DEV --list-formats-ext} prints on stdout. A pure function.
 *
 * <p>The format, from v4l-utils' {@code utils/v4l2-ctl/v4l2-ctl.cpp} ({@code print_video_formats_ext},
 * {@code print_frmsize}, {@code print_frmival}) since v4l-utils 1.14:
 * <pre>
 * ioctl: VIDIOC_ENUM_FMT
 * 	Type: Video Capture
 *
 * 	[0]: 'MJPG' (Motion-JPEG, compressed)
 * 		Size: Discrete 1280x720
 * 			Interval: Discrete 0.033s (30.000 fps)
 * 		Size: Stepwise 16x16 - 16376x16376 with step 1/1
 * 		Size: Continuous 16x16 - 1920x1080
 * 			Interval: Stepwise 0.033s - 1.000s with step 0.033s (1.000-30.000 fps)
 * 			Interval: Continuous 0.033s - 1.000s (1.000-30.000 fps)
 * </pre>
 * and the older layout (v4l-utils before 1.14, still in many bug reports):
 * <pre>
 * 	Index       : 1
 * 	Type        : Video Capture
 * 	Pixel Format: 'MJPG' (compressed)
 * 	Name        : Motion-JPEG
 * </pre>
 * Indentation (tabs, or the spaces bug reports turn them into) is not relied upon. A metadata node of a UVC
 * webcam ({@code /dev/video1}) lists the header and no format: the result is empty.
 */
public final class V4l2FormatsParser {
    private static final Pattern NEW_FORMAT = Pattern.compile("^\\[(\\d+)\\]: '(.{1,4}?)' \\((.*)\\)$");
    private static final Pattern OLD_INDEX = Pattern.compile("^Index\\s*: (\\d+)$");
    private static final Pattern OLD_PIXEL = Pattern.compile("^Pixel Format\\s*: '(.{1,4}?)'(?: \\((.*)\\))?$");
    private static final Pattern OLD_NAME = Pattern.compile("^Name\\s*: (.*)$");
    private static final Pattern DISCRETE = Pattern.compile("^Size: Discrete (\\d+)x(\\d+)$");
    private static final Pattern STEPWISE = Pattern.compile("^Size: Stepwise (\\d+)x(\\d+) - (\\d+)x(\\d+) with step (\\d+)/(\\d+)$");
    private static final Pattern CONTINUOUS = Pattern.compile("^Size: Continuous (\\d+)x(\\d+) - (\\d+)x(\\d+)$");
    private static final Pattern INTERVAL_DISCRETE = Pattern.compile("^Interval: Discrete \\S+s \\(([\\d.]+) fps\\)$");
    private static final Pattern INTERVAL_RANGE = Pattern.compile("^Interval: (?:Stepwise|Continuous) .*\\(([\\d.]+)-([\\d.]+) fps\\)$");
    /** The flag words of fmtdesc2s in v4l-utils' v4l2-info.cpp that can end a description. */
    private static final Set<String> FLAG_WORDS = Set.of("compressed", "emulated", "continuous-bytestream",
            "dyn-resolution", "enc-cap-frame-interval", "csc-colorspace", "csc-xfer-func", "csc-ycbcr-enc",
            "csc-hsv-enc", "csc-quantization", "meta-line-based");

    private V4l2FormatsParser() {
    }

    public static List<V4l2Format> parse(String stdout) {
        List<V4l2Format> formats = new ArrayList<>();
        Builder current = null;
        int pendingIndex = -1;
        for (String raw : stdout.split("\\R")) {
            String line = raw.trim();
            Matcher m;
            if ((m = NEW_FORMAT.matcher(line)).matches()) {
                current = finish(current, formats);
                current = new Builder(Integer.parseInt(m.group(1)), m.group(2).trim());
                splitDescription(m.group(3), current);
            } else if ((m = OLD_INDEX.matcher(line)).matches()) {
                current = finish(current, formats);
                pendingIndex = Integer.parseInt(m.group(1));
            } else if ((m = OLD_PIXEL.matcher(line)).matches()) {
                current = finish(current, formats);
                current = new Builder(pendingIndex < 0 ? formats.size() : pendingIndex, m.group(1).trim());
                if (m.group(2) != null) {
                    current.flags.addAll(Arrays.asList(m.group(2).split(", ")));
                }
            } else if ((m = OLD_NAME.matcher(line)).matches() && current != null && current.description.isEmpty()) {
                current.description = m.group(1);
            } else if (current == null) {
                continue;
            } else if ((m = DISCRETE.matcher(line)).matches()) {
                int w = Integer.parseInt(m.group(1));
                int h = Integer.parseInt(m.group(2));
                current.size("Discrete", w, h, w, h, 0, 0);
            } else if ((m = STEPWISE.matcher(line)).matches()) {
                current.size("Stepwise", i(m, 1), i(m, 2), i(m, 3), i(m, 4), i(m, 5), i(m, 6));
            } else if ((m = CONTINUOUS.matcher(line)).matches()) {
                current.size("Continuous", i(m, 1), i(m, 2), i(m, 3), i(m, 4), 1, 1);
            } else if ((m = INTERVAL_DISCRETE.matcher(line)).matches() && current.lastSize != null) {
                current.lastSize.fps().add(Double.parseDouble(m.group(1)));
            } else if ((m = INTERVAL_RANGE.matcher(line)).matches() && current.lastSize != null) {
                current.lastSize.fps().add(Double.parseDouble(m.group(1)));
                current.lastSize.fps().add(Double.parseDouble(m.group(2)));
            }
        }
        finish(current, formats);
        return formats;
    }

    /** All modes of all formats of {@code stdout}, in the listing's order. */
    public static List<Mode> modes(String stdout) {
        return parse(stdout).stream().flatMap(f -> f.modes().stream()).toList();
    }

    private static int i(Matcher m, int group) {
        return Integer.parseInt(m.group(group));
    }

    private static void splitDescription(String text, Builder b) {
        List<String> parts = new ArrayList<>(Arrays.asList(text.split(", ")));
        while (parts.size() > 1 && FLAG_WORDS.contains(parts.get(parts.size() - 1))) {
            b.flags.add(0, parts.remove(parts.size() - 1));
        }
        b.description = String.join(", ", parts);
    }

    private static Builder finish(Builder b, List<V4l2Format> formats) {
        if (b != null) {
            formats.add(b.build());
        }
        return null;
    }

    private static final class Builder {
        final int index;
        final String fourcc;
        String description = "";
        final List<String> flags = new ArrayList<>();
        final List<SizeBuilder> sizes = new ArrayList<>();
        SizeBuilder lastSize;

        Builder(int index, String fourcc) {
            this.index = index;
            this.fourcc = fourcc;
        }

        void size(String type, int w, int h, int maxW, int maxH, int stepW, int stepH) {
            lastSize = new SizeBuilder(type, w, h, maxW, maxH, stepW, stepH);
            sizes.add(lastSize);
        }

        V4l2Format build() {
            return new V4l2Format(index, fourcc, description, flags, sizes.stream().map(SizeBuilder::build).toList());
        }
    }

    private record SizeBuilder(String type, int w, int h, int maxW, int maxH, int stepW, int stepH, List<Double> fps) {
        SizeBuilder(String type, int w, int h, int maxW, int maxH, int stepW, int stepH) {
            this(type, w, h, maxW, maxH, stepW, stepH, new ArrayList<>());
        }

        FrameSize build() {
            return new FrameSize(type, w, h, maxW, maxH, stepW, stepH, fps);
        }
    }
}
