package org.pistream.core.source.detect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a fake device set for the {@code v4l2-ctl} stand-in ({@code src/test/standins/v4l2-ctl}): the cards
 * and nodes {@code --list-devices} shows, and per capture node the real outputs of the samples.
 */
public final class V4l2StandIn {
    public static final Path DIR = Path.of("src", "test", "standins").toAbsolutePath();

    private final Path root;
    private final List<String> devices = new ArrayList<>();

    public V4l2StandIn(Path root) throws IOException {
        this.root = Files.createDirectories(root);
        Files.createDirectories(root.resolve("by-id"));
    }

    public Path root() {
        return root;
    }

    public Path byId() {
        return root.resolve("by-id");
    }

    /** A card with nodes, e.g. {@code card("usb-1", "Cam", "/dev/video0", "/dev/video1", "/dev/media0")}. */
    public V4l2StandIn card(String bus, String card, String... nodes) {
        devices.add(bus + "|" + card + "|" + String.join(" ", nodes));
        return this;
    }

    /** The node's {@code --list-formats-ext} and (optionally) {@code --list-ctrls-menus} outputs, from samples. */
    public V4l2StandIn node(String videoNode, String formatsSample, String ctrlsSample) throws IOException {
        Files.writeString(root.resolve(videoNode + ".formats"), Samples.read(formatsSample));
        if (ctrlsSample != null) {
            Files.writeString(root.resolve(videoNode + ".ctrls"), Samples.read(ctrlsSample));
        }
        return this;
    }

    public V4l2StandIn byIdLink(String name, String videoNode) throws IOException {
        Files.createSymbolicLink(byId().resolve(name), Path.of("..", videoNode));
        return this;
    }

    public V4l2StandIn write() throws IOException {
        Files.writeString(root.resolve("devices"), String.join("\n", devices) + (devices.isEmpty() ? "" : "\n"));
        return this;
    }

    /** Pi 5 platform nodes (rpicam-apps#922): no webcam among them. */
    public V4l2StandIn pi5Platform() {
        StringBuilder pisp = new StringBuilder();
        for (int n = 20; n <= 37; n++) {
            pisp.append("/dev/video").append(n).append(' ');
        }
        return card("platform:1000880000.pisp_be", "pispbe", (pisp + "/dev/media0 /dev/media1").split(" "))
                .card("platform:rpivid", "rpivid", "/dev/video19", "/dev/media2");
    }

    /** Pi 4 platform nodes with a camera module on unicam (camera-streamer#3). */
    public V4l2StandIn pi4Platform() {
        return card("platform:bcm2835-codec", "bcm2835-codec-decode", "/dev/video10", "/dev/video11", "/dev/video12",
                "/dev/video18", "/dev/video31", "/dev/media0")
                .card("platform:bcm2835-isp", "bcm2835-isp", "/dev/video13", "/dev/video14", "/dev/video15", "/dev/video16",
                        "/dev/video20", "/dev/video21", "/dev/video22", "/dev/video23", "/dev/media1", "/dev/media2")
                .card("platform:fe801000.csi", "unicam", "/dev/video0", "/dev/video1", "/dev/media3");
    }
}
