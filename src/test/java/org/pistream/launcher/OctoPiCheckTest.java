package org.pistream.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OctoPi's webcam service found in a folder laid out like its root file system, and what pi-stream then says. */
class OctoPiCheckTest {
    @TempDir
    Path root;

    private void write(String path, String text) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void aPlainMachineHasNone() throws Exception {
        write("proc/1/comm", "systemd\n");
        write("proc/812/comm", "java\n");
        write("proc/self/comm", "webcamd\n"); // not a process number
        write("etc/systemd/system/multi-user.target.wants/ssh.service", "");
        assertNull(new OctoPiCheck(root).find());
    }

    @Test
    void oldOctoPiWithWebcamdAndMjpgStreamer() throws Exception {
        write(OctoPiCheck.VERSION_FILE, "0.18.0\n");
        write("etc/systemd/system/multi-user.target.wants/webcamd.service", "");
        write("proc/517/comm", "webcamd\n");
        write("proc/540/comm", "mjpg_streamer\n");
        OctoPiCheck.Found found = new OctoPiCheck(root).find();
        assertEquals("OctoPi 0.18.0", found.os());
        assertEquals(Set.of("webcamd.service enabled", "webcamd (mjpg-streamer) running", "mjpg-streamer running"), found.services());
        assertEquals("webcamd", found.unit());
        assertEquals("sudo systemctl disable --now webcamd", found.stopAdvice());
        assertTrue(found.describe().startsWith("OctoPi 0.18.0 (webcamd.service enabled, "), found.describe());
    }

    @Test
    void newCameraStackOrJustTheVersionFile() throws Exception {
        write("etc/systemd/system/multi-user.target.wants/camera-streamer-libcamera.service", "");
        write("proc/99/comm", "camera-streamer\n");
        OctoPiCheck.Found found = new OctoPiCheck(root).find();
        assertNull(found.os(), "no version file: some other image running OctoPi's stack");
        assertEquals("camera-streamer-libcamera", found.unit());
        assertEquals("an OctoPi-style webcam service (camera-streamer-libcamera.service enabled, camera-streamer running)",
                found.describe());

        Files.delete(root.resolve("proc/99/comm"));
        Files.delete(root.resolve("etc/systemd/system/multi-user.target.wants/camera-streamer-libcamera.service"));
        write(OctoPiCheck.VERSION_FILE, "1.0.0");
        found = new OctoPiCheck(root).find();
        assertEquals("OctoPi 1.0.0", found.describe());
        assertEquals("stop OctoPi's webcam service", found.stopAdvice());
    }

    @Test
    void portInUseSaysWhoAndSuggestsTheNextPort() throws Exception {
        write(OctoPiCheck.VERSION_FILE, "1.0.0\n");
        write("etc/systemd/system/multi-user.target.wants/camera-streamer-libcamera.service", "");
        OctoPiCheck.Found octoPi = new OctoPiCheck(root).find();
        BindException inUse = new BindException("Address already in use");
        assertEquals("Port 8080 already in use on 0.0.0.0: OctoPi 1.0.0 (camera-streamer-libcamera.service enabled) serves"
                + " OctoPi's webcam there; start pi-stream with --port 8081, or free the port"
                + " (sudo systemctl disable --now camera-streamer-libcamera)",
                Launcher.bindFailure(8080, "0.0.0.0", "--port", inUse, octoPi));
        assertEquals("Port 8080 already in use on 0.0.0.0: is another pi-stream or webcam server running? Stop it, or start"
                + " pi-stream with --port 8081", Launcher.bindFailure(8080, "0.0.0.0", "--port", inUse, null));
        assertEquals("Port 8443 already in use on 127.0.0.1: is another pi-stream or webcam server running? Stop it, or start"
                + " pi-stream with --tls-port 8444", Launcher.bindFailure(8443, "127.0.0.1", "--tls-port", inUse, octoPi),
                "OctoPi's webcam is on 8080 only");
        assertEquals("cannot listen on 0.0.0.0 port 80: Permission denied (ports below 1024 need root)",
                Launcher.bindFailure(80, "0.0.0.0", "--port", new BindException("Permission denied"), null));
        assertEquals("Port 8080 already in use on 0.0.0.0: is another pi-stream or webcam server running? Stop it, or start"
                + " pi-stream with --port 8081", Launcher.bindFailure(8080, "0.0.0.0", "--port",
                new IOException("Failed to bind to /0.0.0.0:8080", inUse), null), "as Jetty wraps it");
        assertEquals("cannot listen on 192.0.2.99 port 8080: Cannot assign requested address",
                Launcher.bindFailure(8080, "192.0.2.99", "--port", new BindException("Cannot assign requested address"), null));
    }

    @Test
    void warningAtStartNamesTheFlagAndTheService() throws Exception {
        write(OctoPiCheck.VERSION_FILE, "0.18.0\n");
        write("etc/systemd/system/multi-user.target.wants/webcamd.service", "");
        OctoPiCheck.Found octoPi = new OctoPiCheck(root).find();
        var settings = org.pistream.web.SettingsLoader.load(org.pistream.web.SettingsLoader.config(
                java.util.Map.of("pistream.camera", "test-pattern"), "test", List.of(), getClass().getClassLoader()));
        String warning = Launcher.octoPiWarning(octoPi, settings);
        assertTrue(warning.startsWith("This looks like OctoPi 0.18.0 (webcamd.service enabled): OctoPi's webcam service uses port 8080"),
                warning);
        assertTrue(warning.endsWith("Start pi-stream with --port 8081, or free the port (sudo systemctl disable --now webcamd)"), warning);
    }
}
