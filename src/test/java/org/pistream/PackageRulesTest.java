package org.pistream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The direction of use is launcher -> web -> core: the core is plain Java, tested without a
 * container, and counts with its own classes, so neither servlets, Jetty nor the Prometheus client
 * may appear in it; only the launcher uses Jetty.
 */
class PackageRulesTest {
    private static final Path SOURCES = Path.of("src", "main", "java", "org", "pistream");

    private static List<String> importsMatching(String pkg, String... forbidden) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(SOURCES.resolve(pkg))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                for (String line : Files.readAllLines(file)) {
                    for (String prefix : forbidden) {
                        if (line.startsWith("import " + prefix) || line.startsWith("import static " + prefix)) {
                            found.add(file.getFileName() + ": " + line);
                        }
                    }
                }
            }
        }
        return found;
    }

    @Test
    void coreImportsNoServletJettyPrometheusOrOuterPackage() throws IOException {
        try (Stream<Path> files = Files.list(SOURCES.resolve("core"))) {
            assertFalse(files.findAny().isEmpty(), "core sources found");
        }
        assertEquals(List.of(), importsMatching("core", "jakarta.", "org.eclipse.jetty", "io.prometheus",
                "org.pistream.web", "org.pistream.launcher"));
    }

    @Test
    void webImportsNoJettyAndNoLauncher() throws IOException {
        assertEquals(List.of(), importsMatching("web", "org.eclipse.jetty", "org.pistream.launcher"));
    }
}
