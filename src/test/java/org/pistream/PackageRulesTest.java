package org.pistream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The directions of use, which the package list shows: {@code launcher -> web -> core}, and inside
 * the core the pipeline {@code source -> jpeg}, {@code fanout} knowing no source, {@code stats}
 * reading snapshots only, {@code settings} and {@code jpeg} at the bottom. The core is plain Java,
 * tested without a container, so neither servlets, Jetty nor the Prometheus client appear in it; only
 * the launcher uses Jetty.
 */
class PackageRulesTest {
    private static final Path SOURCES = Path.of("src", "main", "java", "org", "pistream");

    /** Import lines of the package {@code pkg} (with its sub-packages when {@code deep}) that start with a forbidden prefix. */
    private static List<String> importsMatching(String pkg, boolean deep, String... forbidden) throws IOException {
        Path dir = SOURCES.resolve(pkg.replace('.', '/'));
        List<String> found = new ArrayList<>();
        try (Stream<Path> walk = deep ? Files.walk(dir) : Files.list(dir)) {
            List<Path> files = walk.filter(f -> f.toString().endsWith(".java")).toList();
            assertTrue(!files.isEmpty(), "sources found in " + dir);
            for (Path file : files) {
                for (String line : Files.readAllLines(file)) {
                    for (String prefix : forbidden) {
                        if (line.startsWith("import " + prefix) || line.startsWith("import static " + prefix)) {
                            found.add(SOURCES.relativize(file) + ": " + line);
                        }
                    }
                }
            }
        }
        return found;
    }

    @Test
    void coreImportsNoServletJettyPrometheusOrOuterPackage() throws IOException {
        assertEquals(List.of(), importsMatching("core", true, "jakarta.", "org.eclipse.jetty", "io.prometheus",
                "org.pistream.web", "org.pistream.launcher"));
    }

    @Test
    void webImportsNoJettyAndNoLauncher() throws IOException {
        assertEquals(List.of(), importsMatching("web", true, "org.eclipse.jetty", "org.pistream.launcher"));
    }

    @Test
    void settingsAndJpegAreTheBottomOfTheCore() throws IOException {
        assertEquals(List.of(), importsMatching("core.settings", true, "org.pistream.core.source", "org.pistream.core.fanout",
                "org.pistream.core.stats", "org.pistream.core.jpeg", "org.pistream.core.picture", "org.pistream.core.Cameras",
                "org.pistream.core.PiStream"));
        assertEquals(List.of(), importsMatching("core.jpeg", true, "org.pistream.core.source", "org.pistream.core.fanout",
                "org.pistream.core.stats", "org.pistream.core.picture", "org.pistream.core.settings", "org.pistream.core.Cameras",
                "org.pistream.core.PiStream"));
        assertEquals(List.of(), importsMatching("core.picture", true, "org.pistream.core.source", "org.pistream.core.fanout",
                "org.pistream.core.stats", "org.pistream.core.settings", "org.pistream.core.Cameras", "org.pistream.core.PiStream"));
    }

    @Test
    void fanOutKnowsNoSource() throws IOException {
        assertEquals(List.of(), importsMatching("core.fanout", true, "org.pistream.core.source", "org.pistream.core.settings",
                "org.pistream.core.Cameras", "org.pistream.core.PiStream", "org.pistream.core.CameraMonitor"));
    }

    /**
     * Controls describe and change a camera's settings; the camera itself is restarted by its owner
     * ({@code PiStream}) through a callback, so controls know no source, frame or server.
     */
    @Test
    void controlsKnowNoCameraMachinery() throws IOException {
        assertEquals(List.of(), importsMatching("core.control", true, "org.pistream.core.fanout", "org.pistream.core.jpeg",
                "org.pistream.core.stats", "org.pistream.core.picture", "org.pistream.core.source.Camera",
                "org.pistream.core.source.Supervised", "org.pistream.core.Cameras", "org.pistream.core.PiStream"));
    }

    /** Sources hand frames to the {@code core.jpeg} intake and know nothing of who publishes them. */
    @Test
    void sourcesKnowNoFanOutAndNoServer() throws IOException {
        assertEquals(List.of(), importsMatching("core.source", true, "org.pistream.core.fanout", "org.pistream.core.Cameras",
                "org.pistream.core.PiStream", "org.pistream.core.CameraMonitor", "org.pistream.core.stats"));
    }

    /** The snapshot records are read by the web layer, so they name nothing of the fan-out or of a source's machinery. */
    @Test
    void statsReadSnapshotsNotFanOutOrSourceInternals() throws IOException {
        assertEquals(List.of(), importsMatching("core.stats", true, "org.pistream.core.fanout", "org.pistream.core.source.Camera;",
                "org.pistream.core.source.CameraStatus", "org.pistream.core.source.CameraSupervisor",
                "org.pistream.core.source.HttpMjpegCamera", "org.pistream.core.source.SupervisedSource",
                "org.pistream.core.source.TestPatternCamera",
                "org.pistream.core.jpeg.SplitterCounters", "org.pistream.core.Cameras", "org.pistream.core.PiStream"));
    }

    /**
     * {@code /stats}, {@code /metrics} and {@code /healthz} read the immutable snapshots of
     * {@code core.stats} (through {@code PiStream.stats()} and {@code health()}), never the
     * fan-out, a source or the splitter's counters.
     */
    @Test
    void observeReadsStatsSnapshotsNotFanOutOrSourceInternals() throws IOException {
        assertEquals(List.of(), importsMatching("web.observe", true, "org.pistream.core.fanout", "org.pistream.core.source",
                "org.pistream.core.jpeg"));
    }

    @Test
    void webSubPackagesDoNotReachIntoEachOther() throws IOException {
        assertEquals(List.of(), importsMatching("web.security", true, "org.pistream.web.observe", "org.pistream.web.stream"));
        assertEquals(List.of(), importsMatching("web.stream", true, "org.pistream.web.observe"));
    }
}
