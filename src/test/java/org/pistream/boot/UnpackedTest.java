package org.pistream.boot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WAR's jars unpacked once per WAR build: real WAR-shaped zip files, real folders, a real second
 * process holding a folder.
 */
class UnpackedTest {
    @TempDir
    Path tmp;

    /** A WAR with a launcher jar, a library jar, a class and a service file under WEB-INF/classes, and a page. */
    private Path war(String name, String content) throws IOException {
        Path war = tmp.resolve(name);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(war))) {
            put(zip, "index.html", "<html>");
            put(zip, "WEB-INF/launcher/server.jar", "server " + content);
            put(zip, "WEB-INF/lib/library.jar", "library " + content);
            put(zip, "WEB-INF/classes/org/example/A.class", "class " + content);
            put(zip, "WEB-INF/classes/META-INF/services/x.Y", "org.example.A");
            put(zip, "WEB-INF/web.xml", "<web-app/>");
        }
        return war;
    }

    private static void put(ZipOutputStream zip, String name, String content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }

    private List<String> folders(Path cache) throws IOException {
        try (Stream<Path> list = Files.list(cache)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void unpacksTheJarsOnceAndTheClassesAsAJarWithTheClassPathAsJavaOptions() throws Exception {
        Path war = war("pi-stream.war", "1");
        Path cache = tmp.resolve("cache");
        Path folder = Unpacked.ensure(war, cache.resolve(Unpacked.folderName(war)));

        assertEquals(List.of(folder.resolve("classes.jar"), folder.resolve("launcher/server.jar"), folder.resolve("lib/library.jar")),
                Unpacked.classPath(folder));
        assertEquals("server 1", Files.readString(folder.resolve("launcher/server.jar")));
        assertFalse(Files.exists(folder.resolve("web.xml")) || Files.exists(folder.resolve("index.html")), "only jars and classes");
        try (ZipFile classes = new ZipFile(folder.resolve("classes.jar").toFile())) {
            assertArrayEquals("class 1".getBytes(StandardCharsets.UTF_8),
                    classes.getInputStream(classes.getEntry("org/example/A.class")).readAllBytes());
            assertTrue(classes.getEntry("META-INF/services/x.Y") != null, "resources of WEB-INF/classes too");
        }
        String args = Files.readString(folder.resolve(Unpacked.JAVA_ARGS));
        assertTrue(args.contains("-Dpistream.war=\"" + war.toAbsolutePath() + "\"\n"), args);
        assertTrue(args.contains("-Dslf4j.provider=" + Unpacked.SLF4J_PROVIDER + "\n"), args);
        assertTrue(args.endsWith("-cp\n\"" + folder.resolve("classes.jar") + ":" + folder.resolve("launcher/server.jar") + ":"
                + folder.resolve("lib/library.jar") + "\"\n"), args);

        // The next start of the same WAR writes nothing.
        FileTime written = Files.getLastModifiedTime(folder.resolve("launcher/server.jar"));
        Files.setLastModifiedTime(folder.resolve("launcher/server.jar"), FileTime.fromMillis(written.toMillis() - 60_000));
        assertEquals(folder, Unpacked.ensure(war, cache.resolve(Unpacked.folderName(war))));
        assertEquals(written.toMillis() - 60_000, Files.getLastModifiedTime(folder.resolve("launcher/server.jar")).toMillis());
        assertEquals(List.of(folder.getFileName().toString()), folders(cache));
    }

    @Test
    void aNewBuildOfTheWarGetsANewFolderAndTheOldOneIsRemoved() throws Exception {
        Path war = war("pi-stream.war", "1");
        Path cache = tmp.resolve("cache");
        String first = Unpacked.folderName(war);
        // The old build's folder, as a pi-stream that ran it and stopped leaves it.
        Unpacked.write(war, cache.resolve(first), cache.resolve(first));

        war("pi-stream.war", "2");
        Files.setLastModifiedTime(war, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        String second = Unpacked.folderName(war);
        assertNotEquals(first, second, "a new build, a new folder");
        Path folder = Unpacked.ensure(war, cache.resolve(second));
        assertEquals("server 2", Files.readString(folder.resolve("launcher/server.jar")));
        assertEquals(List.of(second), folders(cache), "the old build's folder is gone");
    }

    @Test
    void aHalfWrittenFolderIsNeverUsedAndPartsOfProcessesGoneAreRemoved() throws Exception {
        Path war = war("pi-stream.war", "1");
        Path cache = tmp.resolve("cache");
        String name = Unpacked.folderName(war);
        // What a start killed while it wrote leaves: its part (a pid that is no process), and, had it
        // got there, a folder without the file written last.
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor(10, TimeUnit.SECONDS);
        Path part = cache.resolve(name + ".part-" + gone.pid());
        Files.createDirectories(part.resolve("launcher"));
        Files.writeString(part.resolve("launcher/server.jar"), "cut sh");
        Path folder = cache.resolve(name);
        Files.createDirectories(folder.resolve("launcher"));
        Files.writeString(folder.resolve("launcher/server.jar"), "cut short");

        assertEquals(folder, Unpacked.ensure(war, folder));
        assertEquals("server 1", Files.readString(folder.resolve("launcher/server.jar")), "unpacked again, whole");
        assertTrue(Files.isRegularFile(folder.resolve(Unpacked.JAVA_ARGS)));
        assertEquals(List.of(name), folders(cache), "the dead process's part is removed");
    }

    @Test
    void aFolderARunningPiStreamHoldsIsKept() throws Exception {
        Path war = war("pi-stream.war", "1");
        Path cache = tmp.resolve("cache");
        Path other = war("copy.war", "other");
        Path held = cache.resolve(Unpacked.folderName(other));
        // Another process unpacks and holds the other WAR's folder, as a running pi-stream does.
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HoldFolder.class.getName(), other.toString(), held.toString())
                .redirectErrorStream(true).start();
        try {
            assertEquals("held", new String(holder.getInputStream().readNBytes(4), StandardCharsets.UTF_8));
            Path folder = Unpacked.ensure(war, cache.resolve(Unpacked.folderName(war)));
            assertEquals(Stream.of(held, folder).map(p -> p.getFileName().toString()).sorted().toList(), folders(cache),
                    "the running one's folder is kept");
        } finally {
            holder.getOutputStream().close();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
        Unpacked.removeStale(cache, Unpacked.folderName(war));
        assertEquals(List.of(Unpacked.folderName(war)), folders(cache), "removed once nobody holds it");
    }
}
