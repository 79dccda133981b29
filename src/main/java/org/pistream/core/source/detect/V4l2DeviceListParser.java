package org.pistream.core.source.detect;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads what {@code v4l2-ctl --list-devices} prints on stdout. A pure function.
 *
 * <p>The format, from v4l-utils' {@code utils/v4l2-ctl/v4l2-ctl-common.cpp} ({@code list_devices}): per card
 * a line {@code CARD (BUS):}, then one line per node, each starting with a tab ({@code \t/dev/video0}); a
 * node that other nodes link to is followed by {@code  <- /dev/link1, /dev/link2}; a blank line separates
 * cards. Copies pasted into bug reports often have the tab turned into spaces; both are read. Cards are
 * sorted by bus info, so a USB webcam may come before or after the Pi's platform devices.
 *
 * <p>The card name itself may contain {@code " ("} ({@code USB 2.0 Camera: USB Camera (usb-...)}), so the bus
 * is taken from the last parenthesis of the line.
 */
public final class V4l2DeviceListParser {
    private V4l2DeviceListParser() {
    }

    public static List<V4l2Device> parse(String stdout) {
        List<V4l2Device> devices = new ArrayList<>();
        String card = null;
        String bus = null;
        List<String> video = new ArrayList<>();
        List<String> media = new ArrayList<>();
        List<String> other = new ArrayList<>();
        for (String line : stdout.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            boolean indented = Character.isWhitespace(line.charAt(0));
            String trimmed = line.trim();
            if (!indented && trimmed.endsWith("):")) {
                if (card != null) {
                    devices.add(new V4l2Device(card, bus, video, media, other));
                }
                int open = trimmed.lastIndexOf(" (");
                card = open < 0 ? trimmed.substring(0, trimmed.length() - 1) : trimmed.substring(0, open);
                bus = open < 0 ? "" : trimmed.substring(open + 2, trimmed.length() - 2);
                video = new ArrayList<>();
                media = new ArrayList<>();
                other = new ArrayList<>();
                continue;
            }
            if (card == null || !trimmed.startsWith("/dev/")) {
                continue; // "Cannot open device ..." and the like go to stderr, but be lenient with merged output
            }
            String node = trimmed;
            int link = node.indexOf(" <- ");
            if (link >= 0) {
                node = node.substring(0, link);
            }
            int extra = node.indexOf(" (");
            if (extra >= 0) {
                node = node.substring(0, extra); // --verbose adds " (input: Camera 1)"
            }
            if (node.startsWith("/dev/video")) {
                video.add(node);
            } else if (node.startsWith("/dev/media")) {
                media.add(node);
            } else {
                other.add(node);
            }
        }
        if (card != null) {
            devices.add(new V4l2Device(card, bus, video, media, other));
        }
        return devices;
    }
}
