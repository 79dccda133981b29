package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
/**
 * The Debian package for real: its metadata and file list as {@code dpkg-deb} reads them; then
 * installed on this machine with {@code dpkg -i}, the installed {@code /usr/bin/pi-stream} run
 * exactly as the unit's {@code ExecStart} line says, as the unit's user, removed and purged, and
 * the machine checked for anything left behind.
 *
 * <p>Also: the DEP-5 copyright file against the WAR's jars, the compressed documents, lintian (no tag
 * but those packaging/lintian/pi-stream overrides with a reason), and the unit's device, /proc and
 * system-call sandbox around the real rpicam-vid, applied by hand since systemd is not PID 1 here
 * (see {@code runWithACameraInTheUnitsSandbox}).
 *
 * <p>Installing needs root (CI runs as root). The test refuses to run where a pi-stream package,
 * user or configuration already exists, so it never touches what it did not install, and purges
 * what it installed even when it fails. A file lock keeps two builds on one machine from
 * installing at the same time.
 */
class DebPackageIT {
    private static final String PACKAGE = "pi-stream";
    private static final Duration DPKG = Duration.ofSeconds(120);
    private static final Path UNIT = Path.of("/usr/lib/systemd/system/pi-stream.service");
    private static final Path CONFIG = Path.of("/etc/pi-stream/pi-stream.properties");
    /** What the package may create outside its file list; none may be left after a purge. */
    private static final List<Path> STATE = List.of(Path.of("/etc/pi-stream"), Path.of("/var/cache/pi-stream"),
            Path.of("/var/lib/pi-stream"),
            Path.of("/usr/share/pi-stream"), Path.of("/usr/share/doc/pi-stream"), Path.of("/usr/bin/pi-stream"), UNIT,
            Path.of("/etc/systemd/system/pi-stream.service"),
            Path.of("/etc/systemd/system/multi-user.target.wants/pi-stream.service"));
    private static final List<Path> SYSTEMD_STATE = List.of(Path.of("/etc/systemd"),
            Path.of("/var/lib/systemd/deb-systemd-helper-enabled"), Path.of("/var/lib/systemd/deb-systemd-helper-masked"));
    private static final long MIB = 1024 * 1024;
    /** The unit's TimeoutStopSec: a stop that writes the class-data archive may take a busy machine a while. */
    private static final Duration STOP_WRITING_ARCHIVE = Duration.ofSeconds(60);

    static String version() {
        return System.getProperty("pistream.version", "0.1.0-SNAPSHOT");
    }

    /**
     * The package version the build computed (pom.xml, deb.version): Maven's 1.0-SNAPSHOT is Debian's
     * 1.0~SNAPSHOT, which sorts before the release as a snapshot should; a -Drelease build is 1.0.
     */
    static String debianVersion() {
        return System.getProperty("pistream.deb.version", version().replace("-SNAPSHOT", "~SNAPSHOT"));
    }

    static Path deb() {
        Path dir = Path.of(System.getProperty("pistream.build.dir", "target"));
        Path deb = dir.resolve(PACKAGE + "_" + debianVersion() + "_all.deb");
        assertTrue(Files.isRegularFile(deb), "mvn package builds " + deb);
        return deb;
    }

    @Test
    void metadataNamesPackageArchitectureJavaDependencyAndConffiles() throws Exception {
        String dpkgDeb = ExternalTools.require("dpkg-deb").toString();
        Map<String, String> fields = new TreeMap<>();
        for (String line : Commands.run(DPKG, dpkgDeb, "--field", deb().toString()).ok().lines().toList()) {
            int colon = line.indexOf(": ");
            if (!line.startsWith(" ") && colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 2));
            }
        }
        assertEquals(PACKAGE, fields.get("Package"), fields.toString());
        assertEquals("all", fields.get("Architecture"));
        assertEquals(debianVersion(), fields.get("Version"));
        // A headless Java 17 or newer: Debian's default one where it is 17+, or any that provides 17.
        assertEquals("default-jre-headless (>= 2:1.17) | java17-runtime-headless, adduser", fields.get("Depends"));
        assertTrue(fields.get("Description").startsWith("MJPEG streaming server"), fields.toString());
        assertTrue(fields.containsKey("Installed-Size"), fields.toString());
        // The build property deb.maintainer: a name and a deliverable address, never the old .invalid one.
        String maintainer = System.getProperty("pistream.deb.maintainer", "pi-stream maintainers <maintainers@pi-stream.org>");
        assertEquals(maintainer, fields.get("Maintainer"));
        assertTrue(maintainer.matches("[^<>]+ <[^@<>\\s]+@[^@<>\\s]+\\.[a-z]+>") && !maintainer.contains(".invalid"), maintainer);
        // A release build (-Drelease, or a version without -SNAPSHOT) is the release's version; a snapshot's
        // sorts before the release it leads to.
        String release = version().replace("-SNAPSHOT", "");
        assertTrue(debianVersion().equals(release) || debianVersion().startsWith(release + "~")
                && Commands.run(DPKG, "dpkg", "--compare-versions", debianVersion(), "lt", release).exitCode() == 0,
                debianVersion() + " for " + version());

        assertEquals(List.of(CONFIG.toString(), "/etc/pi-stream/jvm.options"),
                Commands.run(DPKG, dpkgDeb, "--info", deb().toString(), "conffiles").ok().lines().toList());

        Path control = Files.createTempDirectory("pi-stream-control");
        try {
            Commands.run(DPKG, dpkgDeb, "--control", deb().toString(), control.toString()).ok();
            for (String script : List.of("postinst", "prerm", "postrm")) {
                Path file = control.resolve(script);
                assertTrue(Files.isExecutable(file), script + " must be executable");
                Commands.run(DPKG, "sh", "-n", file.toString()).ok();
            }
        } finally {
            deleteTree(control);
        }
    }

    @Test
    void fileListIsWhatThePackageShipsOwnedByRoot() throws Exception {
        String dpkgDeb = ExternalTools.require("dpkg-deb").toString();
        Map<String, String> files = new TreeMap<>();
        long warSize = -1;
        for (String line : Commands.run(DPKG, dpkgDeb, "--contents", deb().toString()).ok().lines().toList()) {
            // -rw-r--r-- root/root   7369015 2026-11-24 00:26 ./usr/share/pi-stream/pi-stream.war
            String[] f = line.trim().split("\\s+", 6);
            assertEquals("root/root", f[1], line);
            if (f[0].startsWith("d")) {
                assertEquals("drwxr-xr-x", f[0], line);
                continue;
            }
            files.put(f[5], f[0]);
            if (f[5].endsWith("/pi-stream.war")) {
                warSize = Long.parseLong(f[2]);
            }
        }
        Map<String, String> expected = new TreeMap<>();
        String plain = "-rw-r--r--";
        expected.put("./usr/bin/pi-stream", "-rwxr-xr-x");
        expected.put("./usr/share/pi-stream/pi-stream.war", plain);
        expected.put("./etc/pi-stream/pi-stream.properties", plain);
        expected.put("./etc/pi-stream/jvm.options", plain);
        expected.put("./usr/lib/systemd/system/pi-stream.service", plain);
        expected.put("./usr/share/doc/pi-stream/README.md.gz", plain);
        expected.put("./usr/share/doc/pi-stream/changelog.gz", plain);
        expected.put("./usr/share/doc/pi-stream/copyright", plain);
        expected.put("./usr/share/man/man1/pi-stream.1.gz", plain);
        expected.put("./usr/share/lintian/overrides/pi-stream", plain);
        expected.put("./usr/share/doc/pi-stream/examples/nginx/conf.d/pi-stream-upstream.conf", plain);
        expected.put("./usr/share/doc/pi-stream/examples/nginx/snippets/pi-stream.conf", plain);
        expected.put("./usr/share/doc/pi-stream/examples/haproxy/pi-stream.cfg", plain);
        expected.put("./usr/share/doc/pi-stream/examples/relay/nginx.conf", plain);
        expected.put("./usr/share/doc/pi-stream/examples/relay/haproxy.cfg", plain);
        expected.put("./usr/share/doc/pi-stream/examples/relay/relay.properties", plain);
        assertEquals(expected, files);
        assertEquals(Files.size(ServerProcess.war()), warSize, "the package carries the WAR this build made");
    }

    /**
     * The DEP-5 copyright file: a Files paragraph with a licence for every jar in the WAR (pi-stream's
     * own launcher jar falls under "Files: *"), and a stand-alone paragraph for every licence named.
     */
    @Test
    void copyrightNamesEveryJarInTheWarWithItsLicence() throws Exception {
        String copyright = new String(packagedFile("./usr/share/doc/pi-stream/copyright"), StandardCharsets.UTF_8);
        List<Map<String, String>> paragraphs = dep5(copyright);
        assertEquals("https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/", paragraphs.get(0).get("Format"));
        Map<String, String> licenceOf = new TreeMap<>();
        TreeSet<String> standAlone = new TreeSet<>();
        for (Map<String, String> p : paragraphs.subList(1, paragraphs.size())) {
            String licence = p.get("License").lines().findFirst().orElse("").trim();
            if (p.containsKey("Files")) {
                assertFalse(p.getOrDefault("Copyright", "").isBlank(), "a Files paragraph needs a Copyright: " + p);
                licenceOf.put(p.get("Files").trim(), licence);
            } else {
                assertTrue(p.get("License").contains("\n"), "a stand-alone licence paragraph has the text: " + licence);
                standAlone.add(licence);
            }
        }
        assertEquals("MIT", licenceOf.get("*"), "pi-stream itself");
        TreeSet<String> jars = new TreeSet<>();
        try (java.util.zip.ZipFile war = new java.util.zip.ZipFile(ServerProcess.war().toFile())) {
            war.stream().map(java.util.zip.ZipEntry::getName).filter(n -> n.endsWith(".jar")).forEach(jars::add);
        }
        assertTrue(jars.size() > 20, jars.toString());
        jars.remove("WEB-INF/launcher/pi-stream-launcher.jar");
        TreeSet<String> listed = new TreeSet<>(licenceOf.keySet());
        listed.remove("*");
        assertEquals(jars, listed, "every bundled jar, and only those, has a Files paragraph");
        for (Map.Entry<String, String> e : licenceOf.entrySet()) {
            for (String alternative : e.getValue().split(" or ")) {
                assertTrue(standAlone.contains(alternative), e.getKey() + ": no stand-alone paragraph for " + alternative);
            }
        }
    }

    /** changelog.gz, README.md.gz and the manual page: gzip -9 without a time stamp; the changelog parses. */
    @Test
    void documentsAreCompressedAndTheChangelogParses() throws Exception {
        for (String gz : List.of("./usr/share/doc/pi-stream/changelog.gz", "./usr/share/doc/pi-stream/README.md.gz",
                "./usr/share/man/man1/pi-stream.1.gz")) {
            byte[] bytes = packagedFile(gz);
            assertEquals(List.of(0x1f, 0x8b), List.of(bytes[0] & 0xff, bytes[1] & 0xff), gz + " is gzip");
            assertEquals(0, bytes[4] | bytes[5] | bytes[6] | bytes[7], gz + " has no time stamp (gzip -n)");
            assertEquals(2, bytes[8], gz + " has maximum compression (gzip -9)");
        }
        byte[] readme = gunzip(packagedFile("./usr/share/doc/pi-stream/README.md.gz"));
        assertEquals(Files.size(Path.of(System.getProperty("pistream.basedir", "."), "README.md")), readme.length);
        Path changelog = Files.createTempFile("pi-stream-changelog", "");
        try {
            Files.write(changelog, gunzip(packagedFile("./usr/share/doc/pi-stream/changelog.gz")));
            ExternalTools.require("dpkg-parsechangelog");
            String parsed = Commands.run(DPKG, "dpkg-parsechangelog", "-l", changelog.toString()).ok();
            assertTrue(parsed.contains("\nSource: pi-stream\n") || parsed.startsWith("Source: pi-stream\n"), parsed);
            assertTrue(parsed.contains("\nVersion: " + version().replace("-SNAPSHOT", "") + "\n"),
                    "the changelog's newest entry is this version's release:\n" + parsed);
        } finally {
            Files.deleteIfExists(changelog);
        }
    }

    /**
     * lintian, as Debian checks its packages: no tag at any level, pedantic included, except those
     * packaging/lintian/pi-stream overrides (each with its reason); an override that no longer matches
     * shows as a tag too. Outside CI a machine without lintian skips this.
     */
    @Test
    void lintianHasNothingToSay() throws Exception {
        String lintian = ExternalTools.require("lintian").toString();
        Commands.Result result = Commands.run(Duration.ofSeconds(300), lintian, "--display-info", "--pedantic",
                "--display-experimental", "--fail-on", "error,warning,info,pedantic,experimental", deb().toString());
        String said = (result.stdout() + result.stderr()).lines()
                .filter(line -> !line.equals("running with root privileges is not recommended!"))
                .reduce("", (a, b) -> a + b + "\n");
        assertEquals("", said, "lintian " + deb());
        assertEquals(0, result.exitCode(), result.toString());
    }

    /** A file of the package's data, as dpkg-deb unpacks it. */
    private static byte[] packagedFile(String path) throws Exception {
        String dpkgDeb = ExternalTools.require("dpkg-deb").toString();
        Process p = new ProcessBuilder("sh", "-c", "\"$0\" --fsys-tarfile \"$1\" | tar -xOf - \"$2\"", dpkgDeb,
                deb().toString(), path).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        byte[] bytes = p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor(), "dpkg-deb | tar -x " + path);
        return bytes;
    }

    private static byte[] gunzip(byte[] gz) throws IOException {
        try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    /** DEP-5 paragraphs: fields by name, continuation lines joined with newlines. */
    private static List<Map<String, String>> dep5(String text) {
        List<Map<String, String>> paragraphs = new ArrayList<>();
        Map<String, String> current = new TreeMap<>();
        String field = null;
        for (String line : text.split("\n", -1)) {
            if (line.isBlank()) {
                if (!current.isEmpty()) {
                    paragraphs.add(current);
                }
                current = new TreeMap<>();
                field = null;
            } else if (line.startsWith(" ") || line.startsWith("\t")) {
                assertTrue(field != null, "a continuation line needs a field: " + line);
                current.put(field, current.get(field) + "\n" + line.substring(1));
            } else {
                int colon = line.indexOf(':');
                assertTrue(colon > 0, "not a field: " + line);
                field = line.substring(0, colon);
                assertFalse(current.containsKey(field), "field twice: " + field);
                current.put(field, line.substring(colon + 1).trim());
            }
        }
        if (!current.isEmpty()) {
            paragraphs.add(current);
        }
        return paragraphs;
    }

    @Test
    void installsRunsAsTheServiceWouldThenRemovesAndPurgesLeavingNothing() throws Exception {
        ExternalTools.require("dpkg");
        ExternalTools.require("setpriv");
        Path deb = deb();
        try (FileChannel lockFile = FileChannel.open(Path.of("/tmp/pi-stream-deb-it.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
            refuseToTouchSomeoneElsesPiStream();
            TreeSet<String> before = machineState();
            Path cache = null;
            try {
                Commands.Result install = Commands.run(DPKG, "dpkg", "-i", deb.toString());
                assertEquals(0, install.exitCode(), install.toString());
                assertEquals("install ok installed " + debianVersion(), status());
                checkUserAndEnabledUnit();
                checkUnitWithSystemd();
                assertEquals("pi-stream " + version() + "\n", Commands.run(DPKG, "/usr/bin/pi-stream", "--version").ok());

                cache = serviceCacheDirectory();
                runAsTheServiceThreeTimes(cache);
                runWithACameraInTheUnitsSandbox();

                Commands.run(DPKG, "dpkg", "--remove", PACKAGE).ok();
                assertEquals("deinstall ok config-files " + debianVersion(), status());
                assertFalse(Files.exists(Path.of("/usr/bin/pi-stream")) || Files.exists(UNIT)
                        || Files.exists(Path.of("/usr/share/pi-stream")), "remove takes the program away");
                assertTrue(Files.exists(CONFIG), "remove keeps the configuration");

                Commands.run(DPKG, "dpkg", "--purge", PACKAGE).ok();
                assertEquals("", status(), "purged: dpkg no longer knows the package");
                assertEquals(before, machineState(), "purge leaves nothing behind");
            } finally {
                cleanUp(cache);
            }
        }
    }

    /**
     * Runs the unit's ExecStart as its user: the first stop writes the class-data archive (as .new), the
     * second start checks it, keeps it and maps it; a third start meets an archive cut short (as power
     * lost while it was written leaves it), which would make the JVM die of SIGBUS: it is dropped, the
     * server starts without it and writes a new one when it stops.
     */
    private void runAsTheServiceThreeTimes(Path cache) throws Exception {
        int port = ServerProcess.freePort();
        // The operator's configuration: this test's port and the built-in camera.
        Files.writeString(CONFIG, "\npistream.port=" + port + "\npistream.address=127.0.0.1\n"
                + "pistream.camera=test-pattern:160x120@10\npistream.stats-interval=0\n", StandardOpenOption.APPEND);
        List<String> command = serviceCommand();
        String uid = Commands.run(DPKG, "id", "-u", PACKAGE).ok().trim();
        String videoGid = Commands.run(DPKG, "getent", "group", "video").ok().split(":")[2];

        try (ServerProcess server = ServerProcess.startCommand(command, Map.of("CACHE_DIRECTORY", cache.toString(), "JAVA_OPTS", ""))) {
            assertEquals(port, server.port(), "the port comes from " + CONFIG + "\n" + server.output());
            assertSnapshotIs160x120(server);
            long heapMax = Http.stats(server.uri()).at("/server/heapMaxBytes").asLong();
            assertTrue(heapMax > 56 * MIB && heapMax <= 64 * MIB, "-Xmx64m from /etc/pi-stream/jvm.options: " + heapMax);
            String status = Files.readString(Path.of("/proc", Long.toString(server.pid()), "status"));
            assertTrue(status.matches("(?s).*\nUid:\\s+" + uid + "\\s+" + uid + "\\s.*"), "runs as pi-stream:\n" + status);
            assertTrue(status.matches("(?s).*\nGroups:[^\n]*\\b" + videoGid + "\\b.*"), "in the video group:\n" + status);
            // The unit's SuccessExitStatus=143: what the JVM ends with after SIGTERM. This stop writes the
            // class-data archive, which may take a busy machine a while: the unit's TimeoutStopSec.
            assertEquals(143, server.stop(STOP_WRITING_ARCHIVE), server.output());
        }
        List<Path> written = archives(cache);
        assertEquals(1, written.size(), "the first stop writes the class-data archive: " + written);
        List<Path> unpacked = unpackedFolders(cache);
        assertEquals(1, unpacked.size(), "the first start unpacks the WAR's jars once into the cache: " + unpacked);
        assertTrue(written.get(0).toString().endsWith(".jsa.new"), "written as .new until a start checks it: " + written);
        Path archive = Path.of(written.get(0).toString().replaceFirst("\\.new$", ""));

        try (ServerProcess server = ServerProcess.startCommand(command, Map.of("CACHE_DIRECTORY", cache.toString(),
                "JAVA_OPTS", "-Xmx48m"))) {
            String maps = Files.readString(Path.of("/proc", Long.toString(server.pid()), "maps"));
            assertTrue(maps.contains(archive.toString()), "the second start maps the checked archive");
            String cmdline = Files.readString(Path.of("/proc", Long.toString(server.pid()), "cmdline")).replace('\0', ' ');
            assertTrue(cmdline.contains("@" + unpacked.get(0).resolve("java.args") + " ") && cmdline.contains(" org.pistream.launcher.Launcher"),
                    "runs on the unpacked jars as its class path: " + cmdline);
            long heapMax = Http.stats(server.uri()).at("/server/heapMaxBytes").asLong();
            assertTrue(heapMax > 40 * MIB && heapMax <= 48 * MIB, "JAVA_OPTS=-Xmx48m wins over jvm.options: " + heapMax);
            assertSnapshotIs160x120(server);
            assertEquals(143, server.stop(), server.output());
            assertFalse(server.output().contains("[warning][cds]"), server.output());
        }
        assertEquals(List.of(archive), archives(cache));
        assertEquals(unpacked, unpackedFolders(cache), "unpacked once, not at every start");

        // An archive cut short: its header is whole, the classes past it are missing.
        Path damaged = Path.of(archive + ".new");
        long whole = Files.size(archive);
        try (FileChannel in = FileChannel.open(archive); FileChannel out = FileChannel.open(damaged, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            in.transferTo(0, 128 * 1024, out);
        }
        Files.delete(archive);
        Commands.run(DPKG, "chown", PACKAGE + ":" + PACKAGE, damaged.toString()).ok();
        try (ServerProcess server = ServerProcess.startCommand(command, Map.of("CACHE_DIRECTORY", cache.toString(), "JAVA_OPTS", ""))) {
            assertSnapshotIs160x120(server);
            assertTrue(server.output().contains("class-data archive " + damaged + " is damaged; removed"), server.output());
            String maps = Files.readString(Path.of("/proc", Long.toString(server.pid()), "maps"));
            // (The unpacked jars of the cache may be mapped: they are the class path.)
            assertTrue(maps.lines().noneMatch(l -> l.contains(cache.toString()) && l.contains(".jsa")),
                    "no archive of the cache mapped after a damaged one:\n" + maps);
            assertEquals(143, server.stop(STOP_WRITING_ARCHIVE), server.output());
        }
        written = archives(cache);
        assertEquals(List.of(damaged), written, "the stop writes a new archive in the damaged one's place");
        assertTrue(Files.size(damaged) > whole / 2, "a whole archive again: " + Files.size(damaged) + " bytes, the first " + whole);
    }

    /**
     * The unit's device, /proc and system-call sandbox with a real camera program as pi-stream's child.
     * systemd is not PID 1 here (nor in CI), so {@code systemd-run} cannot apply the unit; the test applies
     * the same settings by hand instead, reading them from the installed unit:
     * <ul>
     * <li>SystemCallFilter: the allow list the unit's lines name, expanded from {@code systemd-analyze
     * syscall-filter}, loaded as a seccomp filter that answers EPERM (SystemCallErrorNumber) to the rest,
     * with no_new_privs, by python3-seccomp just before exec; the camera program inherits it.
     * <li>ProcSubset=pid and ProtectProc=invisible: a /proc of its own mounted with subset=pid,hidepid=invisible.
     * <li>DevicePolicy=closed with DeviceAllow: a /dev of its own holding only the pseudo devices closed
     * allows and the camera device classes the unit names, where this machine has them (it has none). This is
     * stricter than systemd's device filter (a hidden node rather than EPERM on open), not the same thing.
     * <li>User, Group, the video group and CapabilityBoundingSet= (empty) by setpriv.
     * </ul>
     * The camera is the real rpicam-vid with libcamera's virtual camera from ../shared/camera (ffmpeg's test
     * source where that is missing). Not covered: ProtectSystem, PrivateTmp and the rest that systemd does
     * through its own mount namespace, and the cgroup device filter itself on a real Pi's devices.
     */
    private void runWithACameraInTheUnitsSandbox() throws Exception {
        ExternalTools.require("unshare");
        // Debian's python3, which python3-seccomp serves (a pyenv python3 earlier in PATH does not have it).
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3"
                : ExternalTools.require("python3").toString();
        if (Commands.run(DPKG, python, "-c", "import seccomp").exitCode() != 0) {
            refuse("python3 has no seccomp module (apt-get install python3-seccomp)");
        }
        Path analyze = ExternalTools.require("systemd-analyze");
        Map<String, List<String>> unit = unitSettings();
        assertEquals(List.of("closed"), unit.get("DevicePolicy"));
        assertEquals(List.of("pid"), unit.get("ProcSubset"));
        assertEquals(List.of("invisible"), unit.get("ProtectProc"));
        assertEquals(List.of("EPERM"), unit.get("SystemCallErrorNumber"));
        TreeSet<String> allowed = allowedSystemCalls(analyze, unit.get("SystemCallFilter"));
        assertTrue(allowed.contains("execve") && allowed.contains("clone3") && !allowed.contains("setuid")
                && !allowed.contains("setpriority") && !allowed.contains("chown"), allowed.toString());

        // The device classes DeviceAllow= names, as /dev nodes: video4linux is /dev/video* and /dev/v4l-subdev*.
        List<String> cameraDevices = new ArrayList<>();
        for (String allow : unit.get("DeviceAllow")) {
            String what = allow.split(" ")[0];
            switch (what) {
            case "char-video4linux" -> cameraDevices.addAll(List.of("/dev/video*", "/dev/v4l-subdev*"));
            case "char-media" -> cameraDevices.add("/dev/media*");
            case "char-dma_heap" -> cameraDevices.add("/dev/dma_heap");
            default -> {
                assertTrue(what.startsWith("/dev/"), "a device class this test does not know: " + allow);
                cameraDevices.add(what);
            }
            }
        }

        Path loader = Files.createTempFile(Path.of("/tmp"), "pi-stream-seccomp", ".py");
        Path newDev = Files.createTempDirectory(Path.of("/tmp"), "pi-stream-dev");
        Path cameraCopy = Files.createTempDirectory(Path.of("/tmp"), "pi-stream-camera");
        try {
            Files.writeString(loader, """
                    import errno, os, sys, seccomp
                    # argv: allowed system calls (comma-separated), then the command to exec under the filter.
                    f = seccomp.SyscallFilter(defaction=seccomp.ERRNO(errno.EPERM))
                    for name in sys.argv[1].split(","):
                        try:
                            f.add_rule(seccomp.ALLOW, name)
                        except Exception:
                            pass  # not a system call of this architecture, or one libseccomp does not know
                    f.load()
                    os.execv(sys.argv[2], sys.argv[2:])
                    """);
            Files.setPosixFilePermissions(loader, PosixFilePermissions.fromString("rwxr-xr-x"));

            Path rpicam = ExternalTools.SHARED_CAMERA_BIN.resolve("rpicam-vid").toAbsolutePath().normalize();
            String cameraCmd;
            String cameraArgs;
            String cameraName;
            if (Files.isExecutable(rpicam)) {
                // A copy the service user can reach, wherever the checkout lies (the wrappers are relocatable).
                Files.setPosixFilePermissions(cameraCopy, PosixFilePermissions.fromString("rwxr-xr-x"));
                Commands.run(DPKG, "cp", "-a", rpicam.getParent().getParent().toString(), cameraCopy.toString()).ok();
                cameraCmd = cameraCopy.resolve(rpicam.getParent().getParent().getFileName()).resolve("bin/rpicam-vid").toString();
                cameraArgs = "-t 0 -n --codec mjpeg --width 640 --height 480 --framerate 10 -o -";
                cameraName = "rpicam-vid";
                System.out.println("DebPackageIT: the sandboxed camera is " + cameraCmd);
            } else {
                cameraCmd = ExternalTools.require("ffmpeg").toString();
                cameraArgs = "-nostdin -loglevel error -re -f lavfi -i testsrc=size=640x480:rate=10 -c:v mjpeg -q:v 5 -f mjpeg -";
                cameraName = "ffmpeg";
            }
            String config = Files.readString(CONFIG).lines().filter(l -> !l.startsWith("pistream.camera="))
                    .reduce("", (a, b) -> a + b + "\n");
            Files.writeString(CONFIG, config + "pistream.camera=command\npistream.camera-cmd=" + cameraCmd
                    + "\npistream.camera-args=" + cameraArgs + "\n");

            String devices = String.join(" ", cameraDevices);
            String script = String.join("\n",
                    "set -e",
                    "mount -t proc -o subset=pid,hidepid=invisible proc /proc",
                    "mount -t tmpfs -o mode=0755,nosuid tmpfs \"$NEWDEV\"",
                    "cp -a /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty \"$NEWDEV\"/",
                    "set +f; for d in " + devices + "; do if [ -e \"$d\" ]; then cp -a \"$d\" \"$NEWDEV\"/; fi; done; set -f",
                    "ln -s /proc/self/fd \"$NEWDEV\"/fd",
                    "mkdir \"$NEWDEV\"/shm && mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs \"$NEWDEV\"/shm",
                    "ls -A \"$NEWDEV\" >&2",
                    "mount --move \"$NEWDEV\" /dev",
                    "ulimit -S -n 1024", // systemd's default soft limit for a service; the JVM raises it itself
                    "exec \"$@\"");
            List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--",
                    "sh", "-c", script, "sandbox"));
            command.addAll(List.of("setpriv", "--reuid=" + PACKAGE, "--regid=" + PACKAGE, "--init-groups",
                    "--no-new-privs", "--bounding-set=-all", "--inh-caps=-all", "--", python, loader.toString(),
                    String.join(",", allowed)));
            command.addAll(List.of(unitValue(unit, "ExecStart").split(" ")));

            try (ServerProcess server = ServerProcess.startCommand(command, Map.of("JAVA_OPTS", "", "NEWDEV",
                    newDev.toString()))) {
                HttpResponse<byte[]> snapshot = null;
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < deadline) {
                    snapshot = Http.get(server.uri("snapshot"));
                    if (snapshot.statusCode() == 200) {
                        break;
                    }
                    Thread.sleep(250);
                }
                assertEquals(200, snapshot.statusCode(), cameraName + " in the sandbox:\n" + server.output());
                MjpegClient.checkJpeg(snapshot.body());
                BufferedImage image = ImageIO.read(new ByteArrayInputStream(snapshot.body()));
                assertEquals(List.of(640, 480), List.of(image.getWidth(), image.getHeight()), "from " + cameraName);

                // The JVM and its camera child (and the child's own children): filtered, unprivileged, same /proc.
                List<ProcessHandle> sandboxed = new ArrayList<>();
                sandboxed.add(ProcessHandle.of(server.pid()).orElseThrow());
                ProcessHandle.of(server.pid()).orElseThrow().descendants().forEach(sandboxed::add);
                assertTrue(sandboxed.stream().anyMatch(h -> h.info().command().orElse("").contains("rpicam-vid")
                        || h.info().command().orElse("").contains("ffmpeg")), "a camera child runs: " + sandboxed);
                for (ProcessHandle h : sandboxed) {
                    String status = Files.readString(Path.of("/proc", Long.toString(h.pid()), "status"));
                    String what = h.pid() + " " + h.info().command().orElse("?") + ":\n" + status;
                    assertTrue(status.matches("(?s).*\nSeccomp:\\s+2\n.*"), "seccomp filter on " + what);
                    assertTrue(status.matches("(?s).*\nNoNewPrivs:\\s+1\n.*"), "no new privileges for " + what);
                    assertTrue(status.matches("(?s).*\nCapBnd:\\s+0+\n.*"), "no capabilities for " + what);
                    String mounts = Files.readString(Path.of("/proc", Long.toString(h.pid()), "mountinfo"));
                    assertTrue(mounts.lines().anyMatch(l -> l.contains(" /proc ") && l.contains("subset=pid")),
                            "/proc subset=pid for " + what);
                }
                // The JVM still raises its open-files limit to the hard limit (prlimit64 stays allowed): many viewers.
                String limits = Files.readString(Path.of("/proc", Long.toString(server.pid()), "limits"));
                String[] nofile = limits.lines().filter(l -> l.startsWith("Max open files")).findFirst().orElseThrow()
                        .substring("Max open files".length()).trim().split("\\s+");
                assertEquals(nofile[1], nofile[0], "soft open-files limit raised to the hard one:\n" + limits);

                try (MjpegClient stream = MjpegClient.open(server.uri(), "/stream")) {
                    for (int i = 0; i < 5; i++) {
                        MjpegClient.checkJpeg(stream.readPart().jpeg());
                    }
                }
                assertEquals(143, server.stop(), server.output());
                assertFalse(server.output().contains("Operation not permitted"), server.output());
            }
            // The filter is not a no-op: setpriority (@resources) is refused with EPERM, while nice itself runs.
            List<String> nice = new ArrayList<>(command.subList(0, command.indexOf(loader.toString()) + 2));
            nice.addAll(List.of("/usr/bin/nice", "-n", "1", "true"));
            Commands.Result refused = Commands.run(DPKG, Map.of("NEWDEV", newDev.toString()), nice);
            assertTrue(refused.stderr().contains("cannot set niceness: Operation not permitted"), refused.toString());
        } finally {
            Files.deleteIfExists(loader);
            Files.deleteIfExists(newDev);
            Commands.run(DPKG, "rm", "-rf", cameraCopy.toString());
        }
    }

    /** The installed unit's [Service] settings, each with all its values in order. */
    private static Map<String, List<String>> unitSettings() throws IOException {
        Map<String, List<String>> unit = new TreeMap<>();
        for (String line : Files.readAllLines(UNIT)) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                unit.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(line.substring(eq + 1));
            }
        }
        return unit;
    }

    private static String unitValue(Map<String, List<String>> unit, String key) {
        List<String> values = unit.getOrDefault(key, List.of());
        assertEquals(1, values.size(), key + " " + values);
        return values.get(0);
    }

    /**
     * The system calls SystemCallFilter= lines allow, systemd's way: the first line is an allow list, each
     * later "~" line takes its groups and calls away again. Groups come from {@code systemd-analyze syscall-filter}.
     */
    private static TreeSet<String> allowedSystemCalls(Path analyze, List<String> filterLines) throws Exception {
        Map<String, List<String>> groups = new TreeMap<>();
        String group = null;
        for (String line : Commands.run(DPKG, analyze.toString(), "syscall-filter", "--no-pager").stdout().lines().toList()) {
            if (line.startsWith("@")) {
                group = line.trim();
                groups.put(group, new ArrayList<>());
            } else if (line.isBlank() || line.startsWith("#")) {
                group = null;
            } else if (group != null && !line.trim().startsWith("#")) {
                groups.get(group).add(line.trim());
            }
        }
        assertTrue(groups.containsKey("@system-service") && groups.containsKey("@privileged"), groups.keySet().toString());
        assertFalse(filterLines.get(0).startsWith("~"), "the first SystemCallFilter= line is an allow list: " + filterLines);
        TreeSet<String> allowed = new TreeSet<>();
        for (String line : filterLines) {
            boolean deny = line.startsWith("~");
            for (String item : (deny ? line.substring(1) : line).trim().split("\\s+")) {
                TreeSet<String> calls = new TreeSet<>();
                expand(item, groups, calls);
                if (deny) {
                    allowed.removeAll(calls);
                } else {
                    allowed.addAll(calls);
                }
            }
        }
        return allowed;
    }

    private static void expand(String item, Map<String, List<String>> groups, TreeSet<String> into) {
        if (!item.startsWith("@")) {
            into.add(item);
            return;
        }
        List<String> members = groups.get(item);
        assertTrue(members != null, "unknown system call group " + item);
        for (String member : members) {
            expand(member, groups, into);
        }
    }

    private static void assertSnapshotIs160x120(ServerProcess server) throws Exception {
        HttpResponse<byte[]> snapshot = Http.get(server.uri("snapshot"));
        assertEquals(200, snapshot.statusCode());
        assertEquals("image/jpeg", snapshot.headers().firstValue("content-type").orElse(""));
        MjpegClient.checkJpeg(snapshot.body());
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(snapshot.body()));
        assertEquals(List.of(160, 120), List.of(image.getWidth(), image.getHeight()));
    }

    /** {@code setpriv} as the unit's User and Group with the user's groups, then the unit's ExecStart words. */
    private static List<String> serviceCommand() throws IOException {
        Map<String, String> unit = new TreeMap<>();
        for (String line : Files.readAllLines(UNIT)) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                unit.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        assertEquals(PACKAGE, unit.get("User"));
        assertEquals(PACKAGE, unit.get("Group"));
        assertEquals("video", unit.get("SupplementaryGroups"));
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + unit.get("User"),
                "--regid=" + unit.get("Group"), "--init-groups", "--"));
        command.addAll(List.of(unit.get("ExecStart").split(" ")));
        assertEquals(List.of("/usr/bin/pi-stream", "--config", CONFIG.toString()), command.subList(5, command.size()));
        return command;
    }

    private static void checkUserAndEnabledUnit() throws Exception {
        String[] passwd = Commands.run(DPKG, "getent", "passwd", PACKAGE).ok().trim().split(":");
        assertTrue(Integer.parseInt(passwd[2]) < 1000, "a system user: " + String.join(":", passwd));
        assertEquals("/nonexistent", passwd[5]);
        assertEquals("/usr/sbin/nologin", passwd[6]);
        List<String> groups = List.of(Commands.run(DPKG, "id", "-nG", PACKAGE).ok().trim().split(" "));
        assertTrue(groups.contains("video") && groups.contains(PACKAGE), groups.toString());
        Path wants = Path.of("/etc/systemd/system/multi-user.target.wants/pi-stream.service");
        assertTrue(Files.isSymbolicLink(wants), "enabled at boot");
        assertEquals(UNIT.toRealPath(), wants.toRealPath());
    }

    /** systemd's own checks of the installed unit, where systemd is installed (required in CI). */
    private static void checkUnitWithSystemd() throws Exception {
        Path analyze = ExternalTools.find("systemd-analyze");
        if (analyze == null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError("systemd-analyze is required in CI (package systemd, see .ci/run)");
            }
            return;
        }
        // verify exits 0 on unknown keys and bad values, but says so on standard error.
        Commands.Result verify = Commands.run(DPKG, analyze.toString(), "verify", UNIT.toString());
        assertEquals(0, verify.exitCode(), verify.toString());
        assertEquals("", verify.stderr() + verify.stdout(), "systemd-analyze verify has no complaint");
        // Exposure 0 (locked down) to 100 (none); the unit scores 15 (20 before DevicePolicy, ProcSubset, PrivateMounts and the tighter SystemCallFilter). Losing a hardening line shows.
        Commands.Result security = Commands.run(DPKG, analyze.toString(), "security", "--offline=yes", "--threshold=17",
                UNIT.toString());
        assertEquals(0, security.exitCode(), security.toString());
    }

    /** A cache directory as systemd makes one for CacheDirectory=: the service user's, not shared. */
    private static Path serviceCacheDirectory() throws IOException {
        Path cache = Files.createTempDirectory(Path.of("/tmp"), "pi-stream-cache");
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxr-xr-x"));
        UserPrincipalLookupService users = cache.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(cache, users.lookupPrincipalByName(PACKAGE));
        return cache;
    }

    private static List<Path> unpackedFolders(Path cache) throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            return files.filter(p -> p.getFileName().toString().matches("war-\\d+") && Files.isRegularFile(p.resolve("java.args"))).sorted().toList();
        }
    }

    private static List<Path> archives(Path cache) throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            return files.filter(p -> p.getFileName().toString().matches("pi-stream-\\d+\\.jsa(\\.new)?")).sorted().toList();
        }
    }

    /** The package's status and version as dpkg records them; empty once dpkg has forgotten it. */
    private static String status() throws Exception {
        Commands.Result r = Commands.run(DPKG, "dpkg-query", "--show", "--showformat=${Status} ${Version}", PACKAGE);
        return r.exitCode() == 0 && !r.stdout().startsWith("unknown ok not-installed") ? r.stdout() : "";
    }

    private static void refuseToTouchSomeoneElsesPiStream() throws Exception {
        if (!Commands.run(DPKG, "id", "-u").ok().trim().equals("0")) {
            refuse("installing a package needs root");
        }
        String status = status();
        if (!status.isEmpty()) {
            refuse("a pi-stream package is on this machine already (" + status + "): this test installs and purges"
                    + " its own, so it leaves that one alone");
        }
        if (!javaFromDebian()) {
            refuse("no installed Debian package provides java17-runtime-headless, so dpkg -i would fail on the"
                    + " package's Depends (apt-get install openjdk-17-jre-headless)");
        }
        if (Commands.run(DPKG, "getent", "passwd", PACKAGE).exitCode() == 0
                || Commands.run(DPKG, "getent", "group", PACKAGE).exitCode() == 0) {
            refuse("a user or group pi-stream exists already, which the purge would delete");
        }
        for (Path p : STATE) {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                refuse(p + " exists already, which the purge would delete");
            }
        }
    }

    /** Whether the package's Java dependency holds: a Java 17+ from Debian's packages, not just any java. */
    private static boolean javaFromDebian() throws Exception {
        String installed = Commands.run(DPKG, "dpkg-query", "--show",
                "--showformat=${Package}|${Status}|${Provides}\n").ok();
        return installed.lines().map(line -> line.split("\\|", -1))
                .filter(f -> f.length == 3 && f[1].equals("install ok installed"))
                .anyMatch(f -> List.of(f[2].split(",\\s*")).contains("java17-runtime-headless"));
    }

    private static void refuse(String why) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("cannot test the Debian package: " + why);
        }
        org.junit.jupiter.api.Assumptions.abort("skipping the Debian package test: " + why);
    }

    /** Everything of pi-stream's that the package or its scripts may leave on the machine. */
    private static TreeSet<String> machineState() throws Exception {
        TreeSet<String> state = new TreeSet<>();
        for (Path p : STATE) {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                state.add("exists: " + p);
            }
        }
        // Only entries that name pi-stream: another build on this machine may install other packages meanwhile.
        for (Path root : SYSTEMD_STATE) {
            if (Files.isDirectory(root)) {
                try (Stream<Path> walk = Files.walk(root)) {
                    walk.filter(p -> p.toString().contains(PACKAGE)).forEach(p -> state.add("systemd state: " + p));
                }
            }
        }
        for (String db : List.of("passwd", "group", "shadow", "gshadow")) {
            for (String line : Files.readAllLines(Path.of("/etc", db), StandardCharsets.UTF_8)) {
                if (line.contains(PACKAGE)) {
                    state.add(db + ": " + line.replaceFirst("^([^:]*:)[^:]*", "$1*"));
                }
            }
        }
        return state;
    }

    /** Purges whatever this test installed, also after a failure; the preconditions made sure it was ours. */
    private static void cleanUp(Path cache) throws Exception {
        if (!status().isEmpty()) {
            Commands.Result purge = Commands.run(DPKG, "dpkg", "--purge", PACKAGE);
            if (purge.exitCode() != 0) {
                System.err.println("DebPackageIT clean-up: " + purge);
                Commands.run(DPKG, "dpkg", "--purge", "--force-all", PACKAGE);
            }
        }
        if (Commands.run(DPKG, "getent", "passwd", PACKAGE).exitCode() == 0) {
            Commands.run(DPKG, "userdel", PACKAGE);
        }
        if (Commands.run(DPKG, "getent", "group", PACKAGE).exitCode() == 0) {
            Commands.run(DPKG, "groupdel", PACKAGE);
        }
        deleteTree(Path.of("/etc/pi-stream"));
        deleteTree(Path.of("/var/cache/pi-stream"));
        if (cache != null) {
            deleteTree(cache);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
