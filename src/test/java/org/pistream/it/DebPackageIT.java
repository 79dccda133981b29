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
            Path.of("/usr/share/pi-stream"), Path.of("/usr/share/doc/pi-stream"), Path.of("/usr/bin/pi-stream"), UNIT,
            Path.of("/etc/systemd/system/pi-stream.service"),
            Path.of("/etc/systemd/system/multi-user.target.wants/pi-stream.service"));
    private static final List<Path> SYSTEMD_STATE = List.of(Path.of("/etc/systemd"),
            Path.of("/var/lib/systemd/deb-systemd-helper-enabled"), Path.of("/var/lib/systemd/deb-systemd-helper-masked"));
    private static final long MIB = 1024 * 1024;

    static String version() {
        return System.getProperty("pistream.version", "0.1.0-SNAPSHOT");
    }

    /** Maven's 1.0-SNAPSHOT is Debian's 1.0~SNAPSHOT: '~' sorts before the release, as a snapshot should. */
    static String debianVersion() {
        return version().replace("-SNAPSHOT", "~SNAPSHOT");
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
        assertTrue(fields.containsKey("Maintainer") && fields.containsKey("Installed-Size"), fields.toString());

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
        expected.put("./usr/share/doc/pi-stream/README.md", plain);
        expected.put("./usr/share/doc/pi-stream/examples/nginx/conf.d/pi-stream-upstream.conf", plain);
        expected.put("./usr/share/doc/pi-stream/examples/nginx/snippets/pi-stream.conf", plain);
        expected.put("./usr/share/doc/pi-stream/examples/haproxy/pi-stream.cfg", plain);
        expected.put("./usr/share/doc/pi-stream/examples/relay/nginx.conf", plain);
        expected.put("./usr/share/doc/pi-stream/examples/relay/haproxy.cfg", plain);
        expected.put("./usr/share/doc/pi-stream/examples/relay/relay.properties", plain);
        assertEquals(expected, files);
        assertEquals(Files.size(ServerProcess.war()), warSize, "the package carries the WAR this build made");
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
                runAsTheServiceTwice(cache);

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

    /** Runs the unit's ExecStart as its user: first start writes the class-data archive, the second maps it. */
    private void runAsTheServiceTwice(Path cache) throws Exception {
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
            // The unit's SuccessExitStatus=143: what the JVM ends with after SIGTERM.
            assertEquals(143, server.stop(), server.output());
        }
        List<Path> archives = archives(cache);
        assertEquals(1, archives.size(), "the first stop writes the class-data archive: " + archives);

        try (ServerProcess server = ServerProcess.startCommand(command, Map.of("CACHE_DIRECTORY", cache.toString(),
                "JAVA_OPTS", "-Xmx48m"))) {
            String maps = Files.readString(Path.of("/proc", Long.toString(server.pid()), "maps"));
            assertTrue(maps.contains(archives.get(0).toString()), "the second start maps the archive");
            long heapMax = Http.stats(server.uri()).at("/server/heapMaxBytes").asLong();
            assertTrue(heapMax > 40 * MIB && heapMax <= 48 * MIB, "JAVA_OPTS=-Xmx48m wins over jvm.options: " + heapMax);
            assertSnapshotIs160x120(server);
            assertEquals(143, server.stop(), server.output());
            assertFalse(server.output().contains("[warning][cds]"), server.output());
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
        // Exposure 0 (locked down) to 100 (none); the unit scores 20. Losing a hardening line shows.
        Commands.Result security = Commands.run(DPKG, analyze.toString(), "security", "--offline=yes", "--threshold=25",
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

    private static List<Path> archives(Path cache) throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            return files.filter(p -> p.getFileName().toString().matches("pi-stream-\\d+\\.jsa")).toList();
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
