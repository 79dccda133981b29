package org.pistream.core.source.detect;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.pistream.core.source.detect.CameraDetector.Detection;

/**
 * The text the {@code cameras} command prints: each camera with its modes and the exact config line to use it,
 * the automatic choice, and the notes on what could not be looked at. A pure function.
 *
 * <pre>
 * rpicam:0  imx708_wide [4608x2592 10-bit RGGB] (/base/soc/i2c0mux/i2c@1/imx708@1a)
 *   SRGGB10_CSI2P: 1536x864@120.13 2304x1296@56.03 4608x2592@14.35
 *   use: --camera rpicam:0
 * </pre>
 */
public final class CameraListing {
    private CameraListing() {
    }

    public static String format(Detection detection) {
        StringBuilder s = new StringBuilder();
        if (detection.cameras().isEmpty()) {
            s.append("No camera found.\n");
        }
        for (DetectedCamera c : detection.cameras()) {
            s.append(c.kind().spelling()).append(':').append(c.id()).append("  ").append(c.name());
            if (c.sensor() != null && !c.sensor().toString().isEmpty()) {
                s.append(" [").append(c.sensor()).append(']');
            }
            if (c.location() != null && !c.location().isEmpty()) {
                s.append(" (").append(c.location()).append(')');
            }
            s.append('\n');
            for (Map.Entry<String, List<Mode>> format : byFormat(c.modes()).entrySet()) {
                s.append("  ").append(format.getKey()).append(": ").append(format.getValue().stream()
                        .map(m -> m.width() + "x" + m.height() + (m.hasFps() ? "@" + Mode.fpsText(m.fps()) : ""))
                        .collect(Collectors.joining(" "))).append('\n');
            }
            s.append("  use: ").append(c.configLine()).append('\n');
        }
        Optional<DetectedCamera> auto = detection.automaticChoice();
        s.append('\n').append(auto.map(c -> "With no camera configured, pi-stream uses " + c.cameraValue() + " (" + c.name() + ").")
                .orElse("With no camera configured, pi-stream shows the \"no camera found\" picture.")).append('\n');
        for (String note : detection.notes()) {
            s.append("note: ").append(note).append('\n');
        }
        return s.toString();
    }

    private static Map<String, List<Mode>> byFormat(List<Mode> modes) {
        return modes.stream().collect(Collectors.groupingBy(Mode::pixelFormat, LinkedHashMap::new, Collectors.toList()));
    }
}
