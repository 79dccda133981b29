package org.pistream.boot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The server's jars unpacked from pi-stream.war once per WAR build, into a folder of a cache
 * ({@code war-KEY}, KEY from the WAR's path, time and size), instead of into a new temporary folder
 * at every start: a start then writes nothing (0.25 s of a start's CPU here, and SD-card writes on
 * a Pi), and the folder's jars can be the JVM's own class path, which the service's class-data
 * archive covers whole (see packaging/bin/pi-stream).
 *
 * <p>The folder is written as {@code war-KEY.part-PID} and renamed into place when complete, so a
 * half-written folder is never used; a start removes other {@code war-*} folders (an older WAR's)
 * unless a running pi-stream holds them ({@code .lock}, a shared file lock while it runs), and
 * parts whose process is gone. {@link #JAVA_ARGS} holds the class path as java options.
 * Uses nothing but the JDK.
 */
public final class Unpacked {
    /** java's @argument file in the folder: -D options and -cp, for a JVM started on the folder's jars. */
    public static final String JAVA_ARGS = "java.args";
    static final String CLASS_PATH = "classpath";
    static final String LOCK = ".lock";
    static final String PREFIX = "war-";
    private static final String PART = ".part-";
    /** Logback for the launcher: WEB-INF/lib carries the JUL provider for containers. */
    static final String SLF4J_PROVIDER = "ch.qos.logback.classic.spi.LogbackServiceProvider";
    /** Held open for the JVM's life: the shared lock tells other starts that this folder is in use. */
    private static final List<FileChannel> HELD = new ArrayList<>();

    private Unpacked() {
    }

    /**
     * For the service's launcher script: {@code java -cp pi-stream.war org.pistream.boot.Unpacked FOLDER}
     * unpacks the WAR into FOLDER (unless done) and removes other {@code war-*} folders next to it.
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: java -cp pi-stream.war " + Unpacked.class.getName() + " FOLDER");
            System.exit(2);
        }
        ensure(war(), Path.of(args[0]).toAbsolutePath());
    }

    static Path war() throws Exception {
        return Path.of(Unpacked.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** The folder's name for this WAR: a new build (or copy) of the WAR gets a new one. */
    static String folderName(Path war) throws IOException {
        BasicFileAttributes a = Files.readAttributes(war, BasicFileAttributes.class);
        CRC32 crc = new CRC32();
        crc.update((war.toRealPath() + " " + a.lastModifiedTime().toMillis() + " " + a.size()).getBytes(StandardCharsets.UTF_8));
        return PREFIX + Long.toHexString(crc.getValue());
    }

    /**
     * Makes sure {@code folder} holds the WAR's jars, unpacking them when it does not; holds it (a
     * shared lock) for this JVM's life; removes stale siblings. Returns the folder.
     */
    static Path ensure(Path war, Path folder) throws IOException {
        Path parent = folder.getParent();
        Files.createDirectories(parent);
        for (int attempt = 0; attempt < 3; attempt++) {
            if (!Files.isRegularFile(folder.resolve(JAVA_ARGS))) {
                if (Files.exists(folder)) {
                    // Renamed into place only when complete, so this is a folder being removed, or left
                    // half-removed: not to be used.
                    deleteTree(folder);
                }
                Path part = parent.resolve(folder.getFileName() + PART + ProcessHandle.current().pid());
                deleteTree(part);
                write(war, part, folder);
                try {
                    Files.move(part, folder, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                    deleteTree(part); // another start finished first: use its folder
                } catch (IOException e) {
                    deleteTree(part);
                    if (!Files.isRegularFile(folder.resolve(JAVA_ARGS))) {
                        throw e;
                    }
                }
            }
            if (hold(folder)) {
                removeStale(parent, folder.getFileName().toString());
                return folder;
            }
        }
        throw new IOException("could not unpack into " + folder + ": removed by another start while in use");
    }

    /** The folder's class path, in order. */
    static List<Path> classPath(Path folder) throws IOException {
        List<Path> paths = new ArrayList<>();
        for (String line : Files.readAllLines(folder.resolve(CLASS_PATH), StandardCharsets.UTF_8)) {
            if (!line.isEmpty()) {
                paths.add(folder.resolve(line));
            }
        }
        return paths;
    }

    /**
     * Writes the WAR's jars and classes into {@code target} (a new folder), laid out as {@code
     * final}, the folder it will be renamed to: the class path in {@link #JAVA_ARGS} names it.
     * WEB-INF/classes becomes classes.jar: class-data sharing archives no classes of a folder.
     */
    static void write(Path war, Path target, Path finalFolder) throws IOException {
        Files.createDirectories(target);
        Files.createFile(target.resolve(LOCK));
        List<String> jars = new ArrayList<>();
        try (ZipFile zip = new ZipFile(war.toFile());
                ZipOutputStream classes = new ZipOutputStream(Files.newOutputStream(target.resolve("classes.jar")))) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                String name = e.getName();
                if (e.isDirectory()) {
                    continue;
                }
                if ((name.startsWith("WEB-INF/launcher/") || name.startsWith("WEB-INF/lib/")) && name.endsWith(".jar")) {
                    String relative = name.substring("WEB-INF/".length());
                    Path file = target.resolve(relative);
                    if (!file.normalize().startsWith(target) || relative.contains("\n")) {
                        throw new IOException("Refusing entry outside the unpack folder: " + name);
                    }
                    Files.createDirectories(file.getParent());
                    try (InputStream in = zip.getInputStream(e)) {
                        Files.copy(in, file);
                    }
                    jars.add(relative);
                } else if (name.startsWith("WEB-INF/classes/")) {
                    classes.putNextEntry(new ZipEntry(name.substring("WEB-INF/classes/".length())));
                    try (InputStream in = zip.getInputStream(e)) {
                        in.transferTo(classes);
                    }
                    classes.closeEntry();
                }
            }
        }
        List<String> classPath = new ArrayList<>();
        classPath.add("classes.jar");
        classPath.addAll(jars);
        Files.write(target.resolve(CLASS_PATH), classPath, StandardCharsets.UTF_8);
        StringBuilder cp = new StringBuilder();
        for (String entry : classPath) {
            cp.append(cp.length() == 0 ? "" : ":").append(finalFolder.resolve(entry));
        }
        String args = "-Dpistream.war=" + quote(war.toAbsolutePath().toString()) + "\n"
                + "-Dslf4j.provider=" + SLF4J_PROVIDER + "\n"
                + "-Dslf4j.internal.verbosity=WARN\n"
                + "-cp\n" + quote(cp.toString()) + "\n";
        // Written last and forced to disk: its presence says the folder is whole.
        try (FileChannel out = FileChannel.open(target.resolve(JAVA_ARGS), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                OutputStream stream = java.nio.channels.Channels.newOutputStream(out)) {
            stream.write(args.getBytes(StandardCharsets.UTF_8));
            out.force(true);
        }
    }

    /** One argument of a java @argument file: quoted, so blanks in a path stay in it. */
    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Takes the folder's shared lock for this JVM's life; false when the folder went away meanwhile. */
    private static boolean hold(Path folder) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(folder.resolve(LOCK), StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            return false;
        }
        try {
            channel.lock(0, Long.MAX_VALUE, true);
        } catch (OverlappingFileLockException e) {
            // This JVM holds it already (tests unpack more than once).
        }
        // A start that removed it took the exclusive lock first and deleted the marker before we got ours.
        if (!Files.isRegularFile(folder.resolve(JAVA_ARGS))) {
            channel.close();
            return false;
        }
        synchronized (HELD) {
            HELD.add(channel);
        }
        return true;
    }

    /** Removes other WARs' folders nobody holds, and parts whose process is gone. */
    static void removeStale(Path parent, String keep) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(parent, PREFIX + "*")) {
            for (Path d : dirs) {
                String name = d.getFileName().toString();
                if (name.equals(keep) || !Files.isDirectory(d)) {
                    continue;
                }
                int part = name.indexOf(PART);
                if (part >= 0) {
                    try {
                        long pid = Long.parseLong(name.substring(part + PART.length()));
                        if (ProcessHandle.of(pid).isEmpty()) {
                            deleteTree(d);
                        }
                    } catch (NumberFormatException e) {
                        // Not ours.
                    }
                    continue;
                }
                removeUnheld(d);
            }
        } catch (IOException e) {
            // Only housekeeping.
        }
    }

    private static void removeUnheld(Path d) {
        Path lock = d.resolve(LOCK);
        if (!Files.exists(lock)) {
            deleteTree(d);
            return;
        }
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock exclusive;
            try {
                exclusive = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                return; // held by this JVM
            }
            if (exclusive == null) {
                return; // a running pi-stream uses it
            }
            // The marker first: a start that looks now sees a folder not to use.
            Files.deleteIfExists(d.resolve(JAVA_ARGS));
            deleteTree(d);
        } catch (IOException e) {
            // Only housekeeping.
        }
    }

    static void deleteTree(Path d) {
        if (!Files.exists(d)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(d)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // Only housekeeping: another start removing the same folder at the same moment.
        }
    }
}
