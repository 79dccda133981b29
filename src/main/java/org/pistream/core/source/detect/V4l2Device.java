package org.pistream.core.source.detect;

import java.util.List;
import java.util.Set;

/**
 * One block of {@code v4l2-ctl --list-devices}: a card, its bus, and its device nodes. Immutable.
 *
 * @param card       the card name ({@code HD Pro Webcam C920}, {@code bcm2835-isp})
 * @param bus        the bus info ({@code usb-0000:01:00.0-1.4}, {@code platform:bcm2835-isp})
 * @param videoNodes the {@code /dev/video*} nodes, in the listing's order
 * @param mediaNodes the {@code /dev/media*} nodes
 * @param otherNodes other nodes ({@code /dev/v4l-subdev*}, {@code /dev/swradio*}, ...)
 */
public record V4l2Device(String card, String bus, List<String> videoNodes, List<String> mediaNodes, List<String> otherNodes) {

    /**
     * Raspberry Pi drivers that show up in {@code --list-devices} but are not cameras a viewer wants: the
     * video codecs, ISPs, the HEVC decoder, and the CSI receivers whose sensors libcamera (the {@code rpicam}
     * kind) drives. Names are from Raspberry Pi OS kernels (Pi 4: bcm2835-*, unicam, rpivid; Pi 5: pispbe,
     * rp1-cfe, rpi-hevc-dec).
     */
    private static final Set<String> PI_INTERNAL = Set.of("bcm2835-codec", "bcm2835-codec-decode", "bcm2835-isp",
            "unicam", "rpivid", "rpi-hevc-dec", "pispbe", "rp1-cfe", "bcm2835-v4l2", "hevc-decoder");

    public V4l2Device {
        videoNodes = List.copyOf(videoNodes);
        mediaNodes = List.copyOf(mediaNodes);
        otherNodes = List.copyOf(otherNodes);
    }

    /** True for a USB (UVC) device, the only kind pi-stream's {@code v4l2} source is meant for. */
    public boolean isUsb() {
        return bus.startsWith("usb-");
    }

    /** True for one of the Pi's own codec/ISP/CSI nodes, which must never be taken for a webcam. */
    public boolean isPiInternal() {
        return PI_INTERNAL.contains(card) || bus.startsWith("platform:bcm2835") || bus.startsWith("platform:rpivid")
                || bus.contains("pisp_be") || bus.contains(".csi") || bus.startsWith("platform:rp1-cfe")
                || bus.contains("rpi-hevc-dec");
    }
}
