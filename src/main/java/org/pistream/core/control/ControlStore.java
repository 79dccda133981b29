package org.pistream.core.control;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.pistream.core.settings.KeyTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control values users applied, kept across restarts in {@code STATE_DIR/controls.properties}
 * ({@code CAMERA.CONTROL=VALUE}, one line each). Saved whole after each change: written to a
 * temporary file in the same directory and renamed over the old one, so a power cut leaves the old
 * file or the new one, never half of one. A file that cannot be read or is not in this form is
 * reported and ignored: the cameras start with their configured values. Thread-safe.
 */
public final class ControlStore {
    private static final Logger log = LoggerFactory.getLogger(ControlStore.class);
    public static final String FILE = "controls.properties";
    private static final String HEADER = "pi-stream control values, saved when changed; delete to forget them";
    private static final java.util.regex.Pattern KEY = java.util.regex.Pattern.compile(
            KeyTable.CAMERA_NAME.pattern() + "\\.[A-Za-z0-9_-]{1,64}");

    private final Path file;
    private final Map<String, Map<String, String>> all = new TreeMap<>();

    /** @param directory the state directory, or null for none: nothing is saved or restored */
    public ControlStore(Path directory) {
        this.file = directory == null ? null : directory.resolve(FILE);
    }

    /** Where values are saved, or null when they are not. */
    public Path file() {
        return file;
    }

    /** The saved values by camera and control name; empty when none or the file is unusable (logged). */
    public synchronized Map<String, Map<String, String>> load() {
        all.clear();
        if (file == null) {
            return Map.of();
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException | RuntimeException e) {
            log.warn("Ignoring the saved control values: cannot read {}: {}", file, e.toString());
            return Map.of();
        }
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            log.warn("Ignoring the saved control values: {} is corrupt ({}); the configured values apply", file, e.getMessage());
            return Map.of();
        }
        Map<String, Map<String, String>> read = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            if (!KEY.matcher(key).matches()) {
                log.warn("Ignoring the saved control values: {} is corrupt (line '{}' is not CAMERA.CONTROL=VALUE); the"
                        + " configured values apply", file, ControlException.shown(key));
                return Map.of();
            }
            int dot = key.indexOf('.');
            read.computeIfAbsent(key.substring(0, dot), k -> new TreeMap<>()).put(key.substring(dot + 1), p.getProperty(key));
        }
        all.putAll(read);
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        read.forEach((camera, values) -> copy.put(camera, Map.copyOf(values)));
        return copy;
    }

    /** Saves {@code camera}'s applied values (replacing what was saved for it); false (logged) when it could not. */
    public synchronized boolean save(String camera, Map<String, String> values) {
        if (file == null) {
            return true;
        }
        all.put(camera, new TreeMap<>(values));
        Properties p = new Properties();
        all.forEach((cam, map) -> map.forEach((name, value) -> p.setProperty(cam + "." + name, value)));
        Path temp = file.resolveSibling(FILE + ".tmp");
        try {
            StringWriter text = new StringWriter();
            p.store(text, HEADER);
            Files.createDirectories(file.getParent());
            Files.writeString(temp, text.toString(), StandardCharsets.UTF_8);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            log.warn("Could not save the control values to {}: {}", file, e.toString());
            return false;
        }
    }
}
