package org.pistream.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Whether OctoPi's own webcam service is on this machine: it serves port 8080, pi-stream's default.
 * OctoPi up to 0.18 runs {@code webcamd.service}, a script that starts {@code mjpg_streamer} on
 * 127.0.0.1:8080 (its HAProxy serves it as {@code /webcam/}); OctoPi 1.0 and later run
 * {@code camera-streamer} from {@code camera-streamer-libcamera.service} or
 * {@code camera-streamer-usb@.service}, also on 8080. Every OctoPi image has
 * {@code /etc/octopi_version}.
 *
 * <p>Cheap enough for every start: a few file checks and one pass over the names in {@code /proc}.
 * The root is given, so tests point it at a folder of their own.
 */
final class OctoPiCheck {
    /** The port OctoPi's webcam service listens on. */
    static final int WEBCAM_PORT = 8080;
    static final String VERSION_FILE = "etc/octopi_version";
    private static final String ENABLED_UNITS = "etc/systemd/system/multi-user.target.wants";
    /** A process name (as in /proc/PID/comm) and what it is. */
    private static final Map<String, String> PROGRAMS = Map.of(
            "webcamd", "webcamd (mjpg-streamer)",
            "mjpg_streamer", "mjpg-streamer",
            "camera-streamer", "camera-streamer");

    /** What was found: {@code os} ("OctoPi 1.0.0") or null, the webcam services enabled or running, and a unit to stop or null. */
    record Found(String os, Set<String> services, String unit) {
        /** "OctoPi 1.0.0 with webcamd (mjpg-streamer) running" and the like. */
        String describe() {
            String what = os != null ? os : "an OctoPi-style webcam service";
            return services.isEmpty() ? what : what + " (" + String.join(", ", services) + ")";
        }

        /** How to free the port: the unit to stop when one was found. */
        String stopAdvice() {
            return unit != null ? "sudo systemctl disable --now " + unit : "stop OctoPi's webcam service";
        }
    }

    private final Path root;

    /** @param root the file system's root: {@code /}, or a test's folder laid out like it */
    OctoPiCheck(Path root) {
        this.root = root;
    }

    static OctoPiCheck forThisMachine() {
        return new OctoPiCheck(Path.of("/"));
    }

    /** What of OctoPi's webcam service is here, or null when nothing is. */
    Found find() {
        String os = null;
        Path version = root.resolve(VERSION_FILE);
        if (Files.isRegularFile(version)) {
            os = "OctoPi " + firstLine(version);
        }
        Set<String> services = new LinkedHashSet<>();
        String unit = null;
        try (DirectoryStream<Path> units = Files.newDirectoryStream(root.resolve(ENABLED_UNITS),
                "{webcamd.service,camera-streamer*.service}")) {
            for (Path u : units) {
                String name = u.getFileName().toString();
                services.add(name + " enabled");
                unit = unit == null ? name.substring(0, name.length() - ".service".length()) : unit;
            }
        } catch (IOException e) {
            // No systemd units folder: nothing enabled.
        }
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(root.resolve("proc"), "[0-9]*")) {
            for (Path p : processes) {
                String program = PROGRAMS.get(firstLine(p.resolve("comm")));
                if (program != null) {
                    services.add(program + " running");
                }
            }
        } catch (IOException e) {
            // No /proc (not Linux): nothing known to run.
        }
        return os == null && services.isEmpty() ? null : new Found(os, services, unit);
    }

    private static String firstLine(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            int nl = text.indexOf('\n');
            return nl < 0 ? text : text.substring(0, nl);
        } catch (IOException | RuntimeException e) {
            return ""; // a process that ended meanwhile, or a file we may not read
        }
    }
}
