package org.pistream.core.source.detect;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.pistream.core.source.detect.DetectedCamera.Kind;

/**
 * Finds the cameras of this machine by running the programs a Pi owner would run: {@code rpicam-hello
 * --list-cameras} (or {@code libcamera-hello --list-cameras} where rpicam-hello is absent, as on Bullseye
 * images), {@code v4l2-ctl --list-devices}, and {@code v4l2-ctl -d NODE --list-formats-ext} for each video node
 * of each device that is not one of the Pi's own codec/ISP/CSI nodes.
 *
 * <p>A missing program is not an error: it means that kind of camera is not listed, and {@link Detection#notes()}
 * says so. Each program gets {@code timeout}; one that takes longer is killed and noted. Exit codes are read
 * the way the programs use them: {@code v4l2-ctl} 1.22 (Debian 12, Raspberry Pi OS Bookworm) prints the list
 * and then exits 1 with "Cannot open device /dev/video0, exiting." when there is no {@code /dev/video0}, so its
 * output is read whatever the exit code.
 *
 * <p>The order of {@link Detection#cameras()} is the order of issue 15's automatic choice: Pi camera modules
 * (libcamera cameras not on USB) by index, then V4L2 USB webcams that offer MJPEG, then other V4L2 capture
 * devices, then the USB webcams libcamera lists as well (the same webcam may appear twice, once per kind).
 *
 * <p>Threading: {@link #detect()} runs on the caller's thread and blocks for at most a few times
 * {@code timeout}; each program's stdout and stderr are drained by two short-lived threads
 * ({@code camera-detect-stdout}, {@code camera-detect-stderr}). Instances are immutable and may be shared.
 */
public final class CameraDetector {
    /** Where udev puts the stable names of V4L2 devices. */
    public static final Path BY_ID = Path.of("/dev/v4l/by-id");
    private static final int MAX_OUTPUT = 1 << 20;

    private final List<Path> searchPath;
    private final Path byIdDir;
    private final Duration timeout;
    private final Map<String, String> environment;

    /**
     * @param searchPath directories to find the programs in, in order (the {@code PATH})
     * @param byIdDir    the {@code /dev/v4l/by-id} directory, or another one in tests
     * @param timeout    how long each program may run
     */
    public CameraDetector(List<Path> searchPath, Path byIdDir, Duration timeout) {
        this(searchPath, byIdDir, timeout, Map.of());
    }

    private CameraDetector(List<Path> searchPath, Path byIdDir, Duration timeout, Map<String, String> environment) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("detection timeout must be > 0, was: " + timeout);
        }
        this.searchPath = List.copyOf(searchPath);
        this.byIdDir = byIdDir;
        this.timeout = timeout;
        this.environment = Map.copyOf(environment);
    }

    /**
     * A detector whose programs get these variables on top of pi-stream's own environment (for instance
     * {@code LIBCAMERA_LOG_LEVELS}, or a test's camera description).
     */
    public CameraDetector withEnvironment(Map<String, String> variables) {
        return new CameraDetector(searchPath, byIdDir, timeout, variables);
    }

    /** A detector for this machine: the {@code PATH} of the environment, {@code /dev/v4l/by-id}, 10 s per program. */
    public static CameraDetector forThisMachine() {
        return forThisMachine(Duration.ofSeconds(10));
    }

    /** The same with {@code timeout} per program (start-up uses a shorter one than the {@code cameras} command). */
    public static CameraDetector forThisMachine(Duration timeout) {
        String path = System.getenv("PATH");
        List<Path> dirs = new ArrayList<>();
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    dirs.add(Path.of(dir));
                }
            }
        }
        return new CameraDetector(dirs, BY_ID, timeout);
    }

    /**
     * What was found, and notes on what could not be looked at.
     *
     * @param cameras in the order of the automatic choice
     * @param notes   one sentence each: a missing program, a timeout, a program's own error
     */
    public record Detection(List<DetectedCamera> cameras, List<String> notes) {
        public Detection {
            cameras = List.copyOf(cameras);
            notes = List.copyOf(notes);
        }

        /**
         * The camera pi-stream uses when none is configured: the first Pi camera module, else the first USB
         * webcam that delivers MJPEG; empty when there is neither.
         */
        public Optional<DetectedCamera> automaticChoice() {
            return cameras.stream()
                    .filter(c -> c.kind() == Kind.RPICAM ? !c.isUsb() : c.isUsb() && c.offersJpeg())
                    .findFirst();
        }
    }

    public Detection detect() {
        List<String> notes = new ArrayList<>();
        List<DetectedCamera> rpicam = listRpicam(notes);
        List<DetectedCamera> v4l2 = listV4l2(notes);
        List<DetectedCamera> all = new ArrayList<>();
        rpicam.stream().filter(c -> !c.isUsb()).forEach(all::add);
        v4l2.stream().sorted(Comparator.comparingInt(CameraDetector::v4l2Rank)).forEach(all::add);
        rpicam.stream().filter(DetectedCamera::isUsb).forEach(all::add);
        return new Detection(all, notes);
    }

    /**
     * What {@code v4l2-ctl -d DEVICE --list-formats-ext} says one V4L2 device offers, for a camera configured as
     * {@code v4l2:DEVICE}.
     *
     * @param modes its modes in the listing's order; empty when it could not be asked
     * @param error why not, in one line (v4l2-ctl's own last line, e.g. {@code Cannot open device /dev/video9,
     *              exiting.}), or null when it answered
     */
    public record DeviceModes(List<Mode> modes, String error) {
        public DeviceModes {
            modes = List.copyOf(modes);
        }
    }

    /** Asks v4l2-ctl for {@code device}'s modes; see {@link DeviceModes}. Blocks for at most about {@code timeout}. */
    public DeviceModes v4l2Modes(String device) {
        Optional<Path> program = find("v4l2-ctl");
        if (program.isEmpty()) {
            return new DeviceModes(List.of(), "v4l2-ctl not found on PATH (install v4l-utils)");
        }
        List<String> notes = new ArrayList<>();
        Optional<ProgramRun.Output> out = run(notes, program.get().toString(), "-d", device, "--list-formats-ext");
        if (out.isEmpty()) {
            return new DeviceModes(List.of(), notes.isEmpty() ? "v4l2-ctl did not answer" : notes.get(0));
        }
        List<Mode> modes = V4l2FormatsParser.modes(out.get().stdout());
        if (out.get().exitCode() != 0 || modes.isEmpty()) {
            String why = lastLine(out.get().stderr());
            return new DeviceModes(List.of(), why.isEmpty() ? (out.get().exitCode() != 0 ? "v4l2-ctl exited with "
                    + out.get().exitCode() : "it lists no capture format with discrete sizes") : why.substring(2));
        }
        return new DeviceModes(modes, null);
    }

    private static int v4l2Rank(DetectedCamera c) {
        if (c.isUsb() && c.offersJpeg()) {
            return 0;
        }
        return c.isUsb() ? 1 : 2;
    }

    private List<DetectedCamera> listRpicam(List<String> notes) {
        Optional<Path> program = find("rpicam-hello").or(() -> find("libcamera-hello"));
        if (program.isEmpty()) {
            notes.add("rpicam-hello and libcamera-hello not found on PATH: Pi camera modules not listed "
                    + "(install rpicam-apps)");
            return List.of();
        }
        Optional<ProgramRun.Output> out = run(notes, program.get().toString(), "--list-cameras");
        if (out.isEmpty()) {
            return List.of();
        }
        if (out.get().exitCode() != 0) {
            notes.add(program.get().getFileName() + " --list-cameras exited with " + out.get().exitCode()
                    + lastLine(out.get().stderr()));
        }
        return RpicamListParser.parse(out.get().stdout());
    }

    private List<DetectedCamera> listV4l2(List<String> notes) {
        Optional<Path> program = find("v4l2-ctl");
        if (program.isEmpty()) {
            notes.add("v4l2-ctl not found on PATH: USB webcams not listed (install v4l-utils)");
            return List.of();
        }
        String ctl = program.get().toString();
        Optional<ProgramRun.Output> list = run(notes, ctl, "--list-devices");
        if (list.isEmpty()) {
            return List.of();
        }
        List<V4l2Device> devices = V4l2DeviceListParser.parse(list.get().stdout());
        if (list.get().exitCode() != 0 && devices.isEmpty() && !list.get().stderr().contains("Cannot open device /dev/video0")) {
            notes.add("v4l2-ctl --list-devices exited with " + list.get().exitCode() + lastLine(list.get().stderr()));
        }
        Map<String, String> byId = stableNames();
        List<DetectedCamera> cameras = new ArrayList<>();
        for (V4l2Device device : devices) {
            if (device.isPiInternal()) {
                continue;
            }
            for (String node : device.videoNodes()) {
                Optional<ProgramRun.Output> formats = run(notes, ctl, "-d", node, "--list-formats-ext");
                if (formats.isEmpty()) {
                    continue;
                }
                List<Mode> modes = V4l2FormatsParser.modes(formats.get().stdout());
                if (formats.get().exitCode() != 0) {
                    notes.add("v4l2-ctl -d " + node + " --list-formats-ext exited with " + formats.get().exitCode()
                            + lastLine(formats.get().stderr()));
                }
                if (!modes.isEmpty()) {
                    String name = Path.of(node).getFileName().toString();
                    cameras.add(new DetectedCamera(Kind.V4L2, node, byId.get(name), device.card(), device.bus(), null, modes));
                    break; // a UVC webcam's second node carries metadata, not pictures
                }
            }
        }
        return cameras;
    }

    /**
     * Node name ({@code video0}) to its stable name under {@link #byIdDir}: the symlink whose target
     * ({@code ../../video0}) ends in that node. Links are read, not followed, so this works on a copy.
     */
    private Map<String, String> stableNames() {
        Map<String, String> names = new TreeMap<>();
        if (byIdDir == null || !Files.isDirectory(byIdDir)) {
            return names;
        }
        try (Stream<Path> links = Files.list(byIdDir)) {
            for (Path link : links.sorted().toList()) {
                if (!Files.isSymbolicLink(link)) {
                    continue;
                }
                Path target = Files.readSymbolicLink(link);
                Path node = target.getFileName();
                if (node != null) {
                    names.putIfAbsent(node.toString(), link.toString());
                }
            }
        } catch (IOException e) {
            return names;
        }
        return names;
    }

    private Optional<Path> find(String program) {
        for (Path dir : searchPath) {
            Path candidate = dir.resolve(program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static String lastLine(String stderr) {
        String[] lines = stderr.strip().split("\\R");
        String last = lines[lines.length - 1].strip();
        return last.isEmpty() ? "" : ": " + last;
    }

    private Optional<ProgramRun.Output> run(List<String> notes, String... command) {
        String shown = Path.of(command[0]).getFileName() + " " + String.join(" ", List.of(command).subList(1, command.length));
        try {
            return Optional.of(ProgramRun.run(List.of(command), environment, timeout, MAX_OUTPUT, false));
        } catch (ProgramRun.Failed e) {
            notes.add(shown + " " + e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "CameraDetector{path=" + searchPath.size() + " dirs, byId=" + byIdDir + ", timeout=" + timeout + "}";
    }
}
