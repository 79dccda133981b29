package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The build's licence check, on this project's own pom.xml: the execution that writes the Debian
 * package's copyright file (license-maven-plugin add-third-party, execution "copyright") runs with one
 * more dependency, a probe jar this test puts in the local Maven repository (the pom's profile
 * licence-probe adds it). A probe without a licence, or with one the build does not know, fails the
 * build; one with a known licence lands in the copyright file as the others do.
 *
 * <p>Runs Maven offline: the build that runs this test has resolved the plugin already.
 */
class LicenceCheckIT {
    private static final String GROUP = "org.pistream.licence-probe";
    private static final Duration MAVEN = Duration.ofMinutes(3);
    /** Names of this run's own: another build on this machine may run this test at the same time. */
    private static final String RUN = "-" + ProcessHandle.current().pid();
    private static final String NO_LICENCE = "probe-no-licence" + RUN;
    private static final String UNKNOWN_LICENCE = "probe-unknown-licence" + RUN;
    private static final String MIT = "probe-mit" + RUN;
    private static Path probes;
    private static Path outputs;

    @BeforeAll
    static void putProbesInTheLocalRepository() throws IOException {
        probes = repository().resolve(GROUP.replace('.', '/'));
        outputs = Files.createTempDirectory("pi-stream-licence");
        probe(NO_LICENCE, "");
        probe(UNKNOWN_LICENCE, "<licenses><license><name>Probe Public Licence 1.0</name></license></licenses>");
        probe(MIT, "<licenses><license><name>The MIT License</name></license></licenses>");
    }

    @AfterAll
    static void removeProbes() throws IOException {
        for (Path dir : new Path[] {probes.resolve(NO_LICENCE), probes.resolve(UNKNOWN_LICENCE), probes.resolve(MIT), outputs}) {
            if (dir != null && Files.exists(dir)) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    @Test
    void dependencyWithoutALicenceFailsTheBuild() throws Exception {
        Commands.Result build = copyright(NO_LICENCE, Files.createTempDirectory(outputs, "out"));
        assertNotEquals(0, build.exitCode(), build.toString());
        assertTrue(build.stdout().contains("There is 1 dependency with no license :\n[WARNING]  - "
                + GROUP + "--" + NO_LICENCE + "--1.0\n"), "names the jar: " + build.stdout());
        assertTrue(build.stdout().contains("BUILD FAILURE"), build.stdout());
    }

    @Test
    void dependencyWithAnUnknownLicenceFailsTheBuild() throws Exception {
        Commands.Result build = copyright(UNKNOWN_LICENCE, Files.createTempDirectory(outputs, "out"));
        assertNotEquals(0, build.exitCode(), build.toString());
        assertTrue(build.stdout().contains("There are some forbidden licenses used") && build.stdout().contains("BUILD FAILURE"),
                build.stdout());
        assertTrue(build.stdout().contains("Probe Public Licence 1.0"), "names the licence: " + build.stdout());
    }

    @Test
    void dependencyWithAKnownLicenceJoinsTheCopyrightFile() throws Exception {
        Path out = Files.createTempDirectory(outputs, "out");
        Commands.Result build = copyright(MIT, out);
        assertEquals(0, build.exitCode(), build.toString());
        String copyright = Files.readString(out.resolve("copyright"));
        assertTrue(copyright.contains("\nFiles: WEB-INF/lib/" + MIT + "-1.0.jar\nCopyright: the authors of " + MIT + "\n"
                + "License: MIT\n"), copyright);
        assertTrue(copyright.contains("\nFiles: WEB-INF/launcher/jetty-server-"), copyright);
    }

    /** The pom's copyright execution alone, with the probe added, writing into {@code out}. */
    private static Commands.Result copyright(String probe, Path out) throws Exception {
        String mvn = ExternalTools.require("mvn").toString();
        Path pom = Path.of(System.getProperty("pistream.basedir", ".")).resolve("pom.xml");
        List<String> command = new ArrayList<>(List.of(mvn, "-B", "-o", "-f", pom.toString(),
                "-Dmaven.repo.local=" + repository(), "-Dlicence.probe=" + probe,
                "-Dlicence.outputDirectory=" + out,
                "org.codehaus.mojo:license-maven-plugin:2.4.0:add-third-party@copyright"));
        return Commands.run(MAVEN, Map.of(), command);
    }

    private static Path repository() {
        return Path.of(System.getProperty("pistream.m2.repository",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
    }

    /** A jar with one text file and a POM with the given licences, as Maven installs them. */
    private static void probe(String artifact, String licenses) throws IOException {
        Path dir = probes.resolve(artifact).resolve("1.0");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(artifact + "-1.0.pom"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>%s</groupId>
                  <artifactId>%s</artifactId>
                  <version>1.0</version>
                  %s
                </project>
                """.formatted(GROUP, artifact, licenses));
        try (ZipOutputStream jar = new ZipOutputStream(Files.newOutputStream(dir.resolve(artifact + "-1.0.jar")))) {
            jar.putNextEntry(new ZipEntry("probe.txt"));
            jar.write(artifact.getBytes());
            jar.closeEntry();
        }
    }
}
