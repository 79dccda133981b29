package org.pistream.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The {@code Main-Class} of pi-stream.war: the only class at the WAR's root.
 *
 * <p>The server's jars (Jetty, JCommander, Logback) live under {@code WEB-INF/launcher/}, where no
 * servlet container looks and no client can download them. This class unpacks them, with the
 * webapp's {@code WEB-INF/lib} and {@code WEB-INF/classes}, once per WAR build into a cache folder
 * ({@link Unpacked}; a private temporary folder for the run when there is no cache to write to),
 * loads them with a class loader of their own and calls the launcher. It uses nothing but the JDK.
 */
public final class Bootstrap {
    private static final String LAUNCHER = "org.pistream.launcher.Launcher";
    private static final String DIR_PREFIX = "pi-stream-";
    /** The folder to unpack the jars into once per WAR build (see {@link Unpacked}). */
    static final String CACHE_PROPERTY = "pistream.cache";

    private Bootstrap() {
    }

    public static void main(String[] args) throws Exception {
        Path war = Unpacked.war();
        List<URL> classPath = new ArrayList<>();
        Path cache = cacheFolder();
        Path folder = null;
        if (cache != null) {
            try {
                folder = Unpacked.ensure(war, cache.resolve(Unpacked.folderName(war)));
                for (Path p : Unpacked.classPath(folder)) {
                    classPath.add(p.toUri().toURL());
                }
            } catch (IOException e) {
                folder = null;
                classPath.clear();
            }
        }
        if (folder == null) {
            // No cache to write to: a private folder for this run, removed when it stops.
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
            removeStale(tmp);
            Path dir = Files.createTempDirectory(tmp, DIR_PREFIX + ProcessHandle.current().pid() + "-");
            Unpacked.write(war, dir, dir);
            for (Path p : Unpacked.classPath(dir)) {
                classPath.add(p.toUri().toURL());
            }
            System.setProperty("pistream.extracted", dir.toString());
        }

        System.setProperty("pistream.war", war.toString());
        if (System.getProperty("slf4j.provider") == null) {
            // WEB-INF/lib carries the JUL provider for containers; the launcher logs through Logback.
            System.setProperty("slf4j.provider", Unpacked.SLF4J_PROVIDER);
        }
        if (System.getProperty("slf4j.internal.verbosity") == null) {
            System.setProperty("slf4j.internal.verbosity", "WARN"); // not "Attempting to load provider" at every start
        }
        ClassLoader loader = new URLClassLoader("pi-stream", classPath.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
        Thread.currentThread().setContextClassLoader(loader);
        Method main = loader.loadClass(LAUNCHER).getMethod("main", String[].class);
        main.invoke(null, (Object) args);
    }

    /**
     * Where the jars are unpacked once per WAR build: {@code -Dpistream.cache}, else the user's cache
     * ({@code $XDG_CACHE_HOME/pi-stream}, {@code ~/.cache/pi-stream}); null when there is none to write to.
     */
    static Path cacheFolder() {
        String configured = System.getProperty(CACHE_PROPERTY);
        Path cache;
        if (configured != null) {
            cache = Path.of(configured);
        } else {
            String xdg = System.getenv("XDG_CACHE_HOME");
            Path base = xdg != null && xdg.startsWith("/") ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
            cache = base.resolve("pi-stream");
        }
        try {
            Files.createDirectories(cache);
        } catch (IOException | SecurityException e) {
            return null;
        }
        return Files.isWritable(cache) ? cache : null;
    }

    /** Removes folders left by earlier runs whose process is gone (for example after kill -9). */
    private static void removeStale(Path tmp) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, DIR_PREFIX + "*")) {
            for (Path d : dirs) {
                String rest = d.getFileName().toString().substring(DIR_PREFIX.length());
                int dash = rest.indexOf('-');
                if (dash <= 0 || !Files.isDirectory(d) || !Files.isWritable(d)) {
                    continue;
                }
                long pid;
                try {
                    pid = Long.parseLong(rest.substring(0, dash));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (ProcessHandle.of(pid).isEmpty()) {
                    deleteTree(d);
                }
            }
        } catch (IOException e) {
            // Only housekeeping.
        }
    }

    private static void deleteTree(Path d) {
        try (Stream<Path> paths = Files.walk(d)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // Only housekeeping. Files.walk throws UncheckedIOException when a folder goes away under
            // it: another pi-stream starting at the same moment removing the same stale folder.
        }
    }
}
