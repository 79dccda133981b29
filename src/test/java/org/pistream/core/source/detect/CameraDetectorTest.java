package org.pistream.core.source.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pistream.core.jpeg.JpegInfo;
import org.pistream.core.source.detect.CameraDetector.Detection;
import org.pistream.core.source.detect.DetectedCamera.Kind;
import org.pistream.it.ExternalTools;

/**
 * The detector against the real rpicam-hello (rpicam-apps v1.13.0 on libcamera's virtual camera, from
 * found on PATH or in ../shared/camera/bin) and the strict v4l2-ctl stand-in with fake device sets of 0, 1 and 3 webcams.
 * Outside CI a missing rpicam-hello or ffmpeg skips its test; with CI=true it fails.
 */
class CameraDetectorTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    @BeforeEach
    void needsBash() {
        ExternalTools.require("bash");
    }

    private CameraDetector v4l2Only(V4l2StandIn standIn) {
        return new CameraDetector(List.of(V4l2StandIn.DIR), standIn.byId(), TIMEOUT)
                .withEnvironment(Map.of("V4L2_STANDIN_DIR", standIn.root().toString()));
    }

    /** One webcam with MJPG and YUYV (and a metadata node) on a Pi 5, with a stable by-id name. */
    private V4l2StandIn oneWebcam(Path root) throws IOException {
        return new V4l2StandIn(root).pi5Platform()
                .card("usb-0000:01:00.0-1.4", "Integrated_Webcam_HD: Integrate", "/dev/video0", "/dev/video1", "/dev/media3")
                .node("video0", "v4l2-formats-integrated-webcam.txt", "v4l2-ctrls-c920-like.txt")
                .node("video1", "v4l2-formats-metadata-node.txt", null)
                .byIdLink("usb-CN0J8NNP7248775TB7W6A00_Integrated_Webcam_HD-video-index0", "video0")
                .write();
    }

    private static Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(V4l2StandIn.DIR.resolve("v4l2-ctl").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        Process p = builder.start();
        p.getOutputStream().close();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread errReader = new Thread(() -> copy(p.getErrorStream(), err), "stand-in-stderr");
        errReader.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "stand-in finished");
        errReader.join();
        return new Result(p.exitValue(), out, err.toString(StandardCharsets.UTF_8));
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException e) {
            // the process is gone
        }
    }

    private record Result(int exitCode, byte[] stdout, String stderr) {
        String text() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    @Test
    void standInPrintsTheRealFormatsThroughTheParsers() throws Exception {
        V4l2StandIn standIn = oneWebcam(tmp.resolve("one"));
        Map<String, String> env = Map.of("V4L2_STANDIN_DIR", standIn.root().toString());

        Result list = run(env, "--list-devices");
        assertEquals(0, list.exitCode(), list.stderr());
        assertTrue(list.text().startsWith("pispbe (platform:1000880000.pisp_be):\n\t/dev/video20\n"), list.text());
        List<V4l2Device> devices = V4l2DeviceListParser.parse(list.text());
        assertEquals(List.of("pispbe", "rpivid", "Integrated_Webcam_HD: Integrate"), devices.stream().map(V4l2Device::card).toList());
        assertEquals(List.of("/dev/video0", "/dev/video1"), devices.get(2).videoNodes());

        Result formats = run(env, "-d", "0", "--list-formats-ext");
        assertEquals(V4l2FormatsParser.parse(Samples.read("v4l2-formats-integrated-webcam.txt")), V4l2FormatsParser.parse(formats.text()));
        Result ctrls = run(env, "--device=/dev/video0", "--list-ctrls-menus");
        assertEquals(8, V4l2ControlsParser.parse(ctrls.text()).size());
        assertEquals("power_line_frequency: 2 (60 Hz)\n", run(env, "-C", "power_line_frequency").text());
        assertEquals(0, run(env, "-c", "power_line_frequency=1").exitCode());
        assertEquals("power_line_frequency: 1 (50 Hz)\n", run(env, "--get-ctrl=power_line_frequency").text());
    }

    @Test
    void standInFailsLikeTheRealToolAndLoudlyOnWhatItDoesNotEmulate() throws Exception {
        V4l2StandIn standIn = oneWebcam(tmp.resolve("one"));
        Map<String, String> env = Map.of("V4L2_STANDIN_DIR", standIn.root().toString());

        Result missing = run(env, "-d", "/dev/video9", "--list-formats-ext");
        assertEquals(1, missing.exitCode());
        assertEquals("Cannot open device /dev/video9, exiting.\n", missing.stderr());
        Result unknown = run(env, "--bogus");
        assertEquals(1, unknown.exitCode());
        String argv0 = V4l2StandIn.DIR.resolve("v4l2-ctl").toString();
        assertEquals(argv0 + ": unrecognized option '--bogus'\n", unknown.stderr());
        Result noArgument = run(env, "-d");
        assertEquals(1, noArgument.exitCode());
        assertEquals(argv0 + ": option requires an argument -- 'd'\n", noArgument.stderr());
        Result stray = run(env, "foo");
        assertEquals(1, stray.exitCode());
        assertTrue(stray.text().startsWith("unknown arguments: foo \n"), stray.text());
        Result control = run(env, "-C", "focus_absolute");
        assertEquals(1, control.exitCode());
        assertEquals("unknown control 'focus_absolute'\n", control.stderr());
        Result notEmulated = run(env, "--info");
        assertEquals(2, notEmulated.exitCode());
        assertTrue(notEmulated.stderr().startsWith("STAND-IN v4l2-ctl: the real option '--info' is not emulated"), notEmulated.stderr());
        Result help = run(env, "--help");
        assertTrue(help.text().contains("STAND-IN: not the real v4l2-ctl."), help.text());
        assertTrue(Files.readString(V4l2StandIn.DIR.resolve("v4l2-ctl")).startsWith("#!/usr/bin/env bash\n# STAND-IN: not the real v4l2-ctl."));
    }

    @Test
    void standInStreamsMjpegAtTheSetSizeAndAdjustsSizesLikeUvcvideo() throws Exception {
        ExternalTools.require("ffmpeg");
        V4l2StandIn standIn = oneWebcam(tmp.resolve("one"));
        Map<String, String> env = Map.of("V4L2_STANDIN_DIR", standIn.root().toString());

        Result set = run(env, "-d", "/dev/v4l/by-id/usb-CN0J8NNP7248775TB7W6A00_Integrated_Webcam_HD-video-index0",
                "-v", "width=640,height=480,pixelformat=MJPG", "-p", "30");
        assertEquals("Frame rate set to 30.000 fps\n", set.text(), set.stderr());
        Result stream = run(env, "-d", "/dev/video0", "--stream-mmap=3", "--stream-to=-", "--stream-count", "3");
        assertEquals(0, stream.exitCode(), stream.stderr());
        assertEquals("", stream.stderr());
        List<int[]> frames = jpegSizes(stream.stdout());
        assertEquals(3, frames.size());
        for (int[] size : frames) {
            assertEquals(List.of(640, 480), List.of(size[0], size[1]));
        }

        // uvcvideo picks the frame size nearest by overlap: 1000x700 becomes 960x540.
        run(env, "--set-fmt-video=width=1000,height=700,pixelformat=MJPG");
        List<int[]> adjusted = jpegSizes(run(env, "--stream-mmap", "--stream-to", "-", "--stream-count=1").stdout());
        assertEquals(List.of(960, 540), List.of(adjusted.get(0)[0], adjusted.get(0)[1]));

        // YUYV: raw packed 4:2:2 frames of width*height*2 bytes each, back to back, as uvcvideo fills the buffers.
        run(env, "-v", "width=320,height=240,pixelformat=YUYV");
        Result yuyv = run(env, "--stream-mmap", "--stream-to=-", "--stream-count=2");
        assertEquals(0, yuyv.exitCode(), yuyv.stderr());
        assertEquals(2 * 320 * 240 * 2, yuyv.stdout().length);
        assertEquals(List.of(), jpegSizes(yuyv.stdout()), "no JPEG in raw frames");

        run(env, "-v", "width=320,height=240,pixelformat=NV12"); // not offered: uvcvideo falls back to the first format
        assertEquals(3, jpegSizes(run(env, "--stream-mmap", "--stream-to=-", "--stream-count=3").stdout()).size());
    }

    private static List<int[]> jpegSizes(byte[] data) {
        List<int[]> sizes = new ArrayList<>();
        int start = -1;
        for (int i = 0; i + 1 < data.length; i++) {
            if ((data[i] & 0xFF) == 0xFF && (data[i + 1] & 0xFF) == 0xD8 && start < 0) {
                start = i;
            } else if ((data[i] & 0xFF) == 0xFF && (data[i + 1] & 0xFF) == 0xD9 && start >= 0) {
                int[] size = JpegInfo.dimensions(data, start, i + 2 - start);
                assertNotNull(size, "a JPEG with a frame header");
                sizes.add(size);
                start = -1;
            }
        }
        return sizes;
    }

    @Test
    void standInListsDevicesExactlyAsTheRealToolDid() throws Exception {
        V4l2StandIn standIn = new V4l2StandIn(tmp.resolve("pi4")).pi4Platform().write();
        Result list = run(Map.of("V4L2_STANDIN_DIR", standIn.root().toString()), "--list-devices");
        assertEquals(Samples.read("v4l2-list-devices-pi4.txt"), list.text());
        // Pi 4 with a camera module: /dev/video0 is unicam's, so v4l2-ctl 1.22 opens it and exits 0.
        assertEquals(0, list.exitCode());
        assertEquals("", list.stderr());
    }

    @Test
    void noWebcamAmongThePi5sOwnNodes() throws Exception {
        V4l2StandIn standIn = new V4l2StandIn(tmp.resolve("zero")).pi5Platform().write();
        Result list = run(Map.of("V4L2_STANDIN_DIR", standIn.root().toString()), "--list-devices");
        assertEquals(1, list.exitCode());
        assertEquals("Cannot open device /dev/video0, exiting.\n", list.stderr());
        assertEquals(List.of("pispbe", "rpivid"), V4l2DeviceListParser.parse(list.text()).stream().map(V4l2Device::card).toList());
        Detection d = v4l2Only(standIn).detect();
        assertEquals(List.of(), d.cameras());
        assertTrue(d.automaticChoice().isEmpty());
        // v4l2-ctl 1.22 exits 1 after the list when there is no /dev/video0; that is not a problem worth a note.
        assertEquals(List.of("rpicam-hello and libcamera-hello not found on PATH: Pi camera modules not listed "
                + "(install rpicam-apps)"), d.notes());
    }

    @Test
    void oneWebcamWithItsStableName() throws Exception {
        Detection d = v4l2Only(oneWebcam(tmp.resolve("one"))).detect();
        assertEquals(1, d.cameras().size());
        DetectedCamera c = d.cameras().get(0);
        assertEquals(Kind.V4L2, c.kind());
        assertEquals("/dev/video0", c.id());
        assertEquals("Integrated_Webcam_HD: Integrate", c.name());
        assertEquals("usb-0000:01:00.0-1.4", c.location());
        assertEquals(11, c.modes().size());
        assertEquals("--camera v4l2:" + tmp.resolve("one/by-id/usb-CN0J8NNP7248775TB7W6A00_Integrated_Webcam_HD-video-index0"),
                c.configLine());
        assertEquals(c, d.automaticChoice().orElseThrow());
    }

    @Test
    void threeWebcamsMjpegFirstAndThePisOwnNodesLeftOut() throws Exception {
        V4l2StandIn standIn = new V4l2StandIn(tmp.resolve("three")).pi4Platform()
                .card("usb-0000:01:00.0-1.1", "USB 2.0 Camera: USB Camera", "/dev/video2", "/dev/video3", "/dev/media4")
                .node("video2", "v4l2-formats-yuyv-webcam.txt", "v4l2-ctrls-cheap-uvc-old-names.txt")
                .card("usb-0000:01:00.0-1.2", "C922 Pro Stream Webcam", "/dev/video4", "/dev/video5", "/dev/media5")
                .node("video4", "v4l2-formats-integrated-webcam.txt", "v4l2-ctrls-c920-like.txt")
                .node("video5", "v4l2-formats-metadata-node.txt", null)
                .card("usb-0000:01:00.0-1.3", "mmal-like stepwise camera", "/dev/video6", "/dev/media6")
                .node("video6", "v4l2-formats-stepwise-old-layout.txt", null)
                .node("video0", "v4l2-formats-unicam-stepwise.txt", null)
                .write();
        Detection d = v4l2Only(standIn).detect();
        assertEquals(List.of("/dev/video4", "/dev/video6", "/dev/video2"), d.cameras().stream().map(DetectedCamera::id).toList());
        assertEquals("C922 Pro Stream Webcam", d.automaticChoice().orElseThrow().name());
        String listing = CameraListing.format(d);
        assertTrue(listing.startsWith("v4l2:/dev/video4  C922 Pro Stream Webcam (usb-0000:01:00.0-1.2)\n"
                + "  MJPG: 1280x720@30 640x480@30 640x360@30 960x540@30 848x480@30\n"
                + "  YUYV: 640x480@30 640x360@30 424x240@30 320x240@30 320x180@30 160x120@30\n"
                + "  use: --camera v4l2:/dev/video4\n"), listing);
        assertTrue(listing.contains("With no camera configured, pi-stream uses v4l2:/dev/video4 (C922 Pro Stream Webcam).\n"), listing);
    }

    @Test
    void missingProgramsAreNotesNotErrors() {
        Detection d = new CameraDetector(List.of(tmp), tmp.resolve("none"), TIMEOUT).detect();
        assertEquals(List.of(), d.cameras());
        assertEquals(2, d.notes().size());
        assertTrue(d.notes().get(1).startsWith("v4l2-ctl not found on PATH"), d.notes().toString());
        assertTrue(CameraListing.format(d).startsWith("No camera found.\n\nWith no camera configured, pi-stream shows the"
                + " \"no camera found\" picture.\nnote: rpicam-hello and libcamera-hello not found"));
    }

    @Test
    void aHangingProgramIsKilledAfterTheTimeout() throws Exception {
        Path hello = tmp.resolve("libcamera-hello");
        Files.writeString(hello, "#!/bin/sh\nexec sleep 30\n");
        Files.setPosixFilePermissions(hello, PosixFilePermissions.fromString("rwxr-xr-x"));
        long start = System.nanoTime();
        Detection d = new CameraDetector(List.of(tmp), null, Duration.ofMillis(500)).detect();
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
        assertEquals("libcamera-hello --list-cameras did not finish within 500 ms and was killed", d.notes().get(0));
    }

    @Test
    void thePiCameraModuleComesFirstThenTheWebcam() throws Exception {
        Path rpicam = ExternalTools.require("rpicam-hello");
        V4l2StandIn standIn = oneWebcam(tmp.resolve("one"));
        Detection d = new CameraDetector(List.of(rpicam.getParent(), V4l2StandIn.DIR), standIn.byId(), TIMEOUT)
                .withEnvironment(Map.of("V4L2_STANDIN_DIR", standIn.root().toString())).detect();
        assertEquals(List.of("rpicam:0", "v4l2:/dev/video0"),
                d.cameras().stream().map(c -> c.kind().spelling() + ":" + c.id()).toList(), d.notes().toString());
        DetectedCamera module = d.cameras().get(0);
        assertEquals("Virtual Video Device", module.name());
        assertEquals(new Mode(1920, 1080, 30, "YUV420"), module.modes().get(2));
        assertEquals("--camera rpicam:0", d.automaticChoice().orElseThrow().configLine());
        assertEquals(List.of(), d.notes());
    }

    @Test
    void withoutACameraModuleTheWebcamIsChosen() throws Exception {
        Path rpicam = ExternalTools.require("rpicam-hello");
        Path emptyYaml = Files.writeString(tmp.resolve("empty.yaml"), "%YAML 1.1\n---\n");
        V4l2StandIn standIn = oneWebcam(tmp.resolve("one"));
        Detection d = new CameraDetector(List.of(rpicam.getParent(), V4l2StandIn.DIR), standIn.byId(), TIMEOUT)
                .withEnvironment(Map.of("V4L2_STANDIN_DIR", standIn.root().toString(), "LIBCAMERA_VIRTUAL_CONFIG_FILE",
                        emptyYaml.toString()))
                .detect();
        assertEquals(List.of(Kind.V4L2), d.cameras().stream().map(DetectedCamera::kind).toList());
        assertEquals(Kind.V4L2, d.automaticChoice().orElseThrow().kind());
    }

    @Test
    void usesLibcameraHelloWhereRpicamHelloIsAbsentAsOnBullseye() throws Exception {
        Path rpicam = ExternalTools.require("rpicam-hello");
        Path bullseye = Files.createDirectories(tmp.resolve("bullseye"));
        Path hello = bullseye.resolve("libcamera-hello");
        Files.writeString(hello, "#!/bin/sh\nexec '" + rpicam + "' \"$@\"\n");
        Files.setPosixFilePermissions(hello, PosixFilePermissions.fromString("rwxr-xr-x"));
        Detection d = new CameraDetector(List.of(bullseye), null, TIMEOUT).detect();
        assertEquals(List.of("--camera rpicam:0"), d.cameras().stream().map(DetectedCamera::configLine).toList());
        assertEquals(List.of("v4l2-ctl not found on PATH: USB webcams not listed (install v4l-utils)"), d.notes());
    }

    @Test
    void twoVirtualCameraModulesKeepTheirIndexes() throws Exception {
        Path rpicam = ExternalTools.require("rpicam-hello");
        Path yaml = Files.writeString(tmp.resolve("two.yaml"), "%YAML 1.1\n---\n"
                + "\"Virtual0\":\n  supported_formats:\n  - width: 640\n    height: 480\n    frame_rates:\n    - 1\n    - 60\n"
                + "  test_pattern: \"bars\"\n  location: \"CameraLocationFront\"\n  model: \"Virtual Video Device\"\n"
                + "\"Virtual1\":\n  supported_formats:\n  - width: 1280\n    height: 720\n    frame_rates:\n    - 1\n    - 30\n"
                + "  test_pattern: \"lines\"\n  location: \"CameraLocationBack\"\n  model: \"Second Device\"\n");
        Detection d = new CameraDetector(List.of(rpicam.getParent()), null, TIMEOUT)
                .withEnvironment(Map.of("LIBCAMERA_VIRTUAL_CONFIG_FILE", yaml.toString())).detect();
        assertEquals(List.of("--camera rpicam:0", "--camera rpicam:1"), d.cameras().stream().map(DetectedCamera::configLine).toList());
        assertEquals(2, d.cameras().stream().map(DetectedCamera::name).distinct().count());
    }
}
