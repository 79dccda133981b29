package org.pistream.core.source.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.pistream.core.source.detect.DetectedCamera.Kind;
import org.pistream.core.source.detect.DetectedCamera.Sensor;

/**
 * Reads what {@code rpicam-hello --list-cameras} (and {@code libcamera-hello --list-cameras} on Bullseye) prints
 * on stdout. A pure function; stderr (libcamera's log lines) is not its business.
 *
 * <p>The format, from rpicam-apps' {@code core/options.cpp} (v1.13.0):
 * <pre>
 * Available cameras
 * -----------------
 * 0 : imx708_wide [4608x2592 10-bit RGGB] (/base/soc/i2c0mux/i2c@1/imx708@1a)
 *     Modes: 'SRGGB10_CSI2P' : 1536x864 [120.13 fps - (768, 432)/3072x1728 crop]
 *                              2304x1296 [56.03 fps - (0, 0)/4608x2592 crop]
 * </pre>
 * one block per camera, a blank line after each, or the single line {@code No cameras available!}. The model
 * may contain spaces ({@code Virtual Video Device}); the bracket holds the pixel array size and, since
 * 2023, the bit depth and colour filter. Releases from early 2022 print the sizes of a format on one line
 * without rates ({@code 'SRGGB12_CSI2P' : 2028x1080 2028x1520 4056x3040}); those modes have no fps. A rate
 * of {@code nan} (no FrameDurationLimits control) is read as no fps. With {@code -v} more lines follow
 * ({@code Available controls ...}); they are skipped.
 */
public final class RpicamListParser {
    private static final Pattern CAMERA = Pattern.compile("^(\\d+) : (.+?) \\[([^\\]]*)\\] \\((.*)\\)\\s*$");
    private static final Pattern FORMAT = Pattern.compile("^\\s+(?:Modes: )?'([^']+)' : (.*)$");
    private static final Pattern SIZE = Pattern.compile("(\\d+)x(\\d+)(?:\\s*\\[(\\S+) fps[^\\]]*\\])?");
    private static final Pattern CONTINUED = Pattern.compile("^\\s+(\\d+x\\d+.*)$");
    private static final Pattern SENSOR = Pattern.compile("^(?:(\\d+)x(\\d+))?\\s*(?:(\\d+)-bit)?\\s*(\\S+)?$");

    private RpicamListParser() {
    }

    /** The cameras listed in {@code stdout}, in its order; empty for "No cameras available!" or empty output. */
    public static List<DetectedCamera> parse(String stdout) {
        List<DetectedCamera> cameras = new ArrayList<>();
        String index = null;
        String model = null;
        String location = null;
        Sensor sensor = null;
        List<Mode> modes = new ArrayList<>();
        String format = null;
        boolean inModes = false;
        for (String line : stdout.split("\\R")) {
            Matcher camera = CAMERA.matcher(line);
            if (camera.matches()) {
                if (index != null) {
                    cameras.add(new DetectedCamera(Kind.RPICAM, index, null, model, location, sensor, modes));
                }
                index = camera.group(1);
                model = camera.group(2);
                sensor = sensor(camera.group(3));
                location = camera.group(4);
                modes = new ArrayList<>();
                format = null;
                inModes = false;
                continue;
            }
            if (index == null) {
                continue;
            }
            Matcher f = FORMAT.matcher(line);
            if (f.matches() && (line.trim().startsWith("Modes:") || inModes)) {
                inModes = true;
                format = f.group(1);
                addSizes(f.group(2), format, modes);
                continue;
            }
            Matcher more = CONTINUED.matcher(line);
            if (inModes && format != null && more.matches()) {
                addSizes(more.group(1), format, modes);
                continue;
            }
            inModes = false; // a blank line, or -v's "Available controls" section
        }
        if (index != null) {
            cameras.add(new DetectedCamera(Kind.RPICAM, index, null, model, location, sensor, modes));
        }
        return cameras;
    }

    private static void addSizes(String text, String format, List<Mode> modes) {
        Matcher size = SIZE.matcher(text);
        while (size.find()) {
            double fps = Double.NaN;
            if (size.group(3) != null) {
                try {
                    fps = Double.parseDouble(size.group(3));
                } catch (NumberFormatException notANumber) {
                    fps = Double.NaN; // "nan" or "inf"
                }
                if (Double.isInfinite(fps)) {
                    fps = Double.NaN;
                }
            }
            modes.add(new Mode(Integer.parseInt(size.group(1)), Integer.parseInt(size.group(2)), fps, format));
        }
    }

    private static Sensor sensor(String bracket) {
        Matcher m = SENSOR.matcher(bracket.trim());
        if (!m.matches()) {
            return new Sensor(0, 0, 0, bracket.trim().isEmpty() ? null : bracket.trim());
        }
        int w = m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
        int h = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        int bits = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        return new Sensor(w, h, bits, m.group(4));
    }
}
