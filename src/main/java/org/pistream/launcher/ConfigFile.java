package org.pistream.launcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

import org.eclipse.microprofile.config.spi.ConfigSource;
import org.pistream.core.settings.Key;
import org.pistream.core.settings.KeyTable;
import org.pistream.web.SettingsLoader;

import io.smallrye.config.PropertiesConfigSource;

/**
 * The launcher's {@code --config FILE}: a properties file of {@code pistream.*} keys (the packaged
 * {@code /etc/pi-stream/pi-stream.properties}), read once, as UTF-8, into a MicroProfile Config
 * source at {@link SettingsLoader#CONFIG_FILE_ORDINAL}. Only pi-stream reads this file, so a key that
 * is not one of its settings is an error rather than ignored: a misspelt key would otherwise leave
 * the default in force without a word.
 */
final class ConfigFile {
    /** Why the file cannot be used, as one line that names it. */
    static final class UnusableException extends Exception {
        private static final long serialVersionUID = 1L;

        UnusableException(String message) {
            super(message);
        }
    }

    private ConfigFile() {
    }

    static ConfigSource read(Path file) throws UnusableException {
        return read(KeyTable.standard(), file);
    }

    /** The file's keys, each of which must be one of {@code table}'s or a named camera's. */
    static ConfigSource read(KeyTable table, Path file) throws UnusableException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (NoSuchFileException e) {
            throw new UnusableException("cannot read config file " + file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new UnusableException("cannot read config file " + file + ": permission denied");
        } catch (CharacterCodingException e) {
            throw new UnusableException("cannot read config file " + file + ": not UTF-8 text");
        } catch (IOException e) {
            String reason = Files.isDirectory(file) ? "is a directory" : String.valueOf(e.getMessage());
            throw new UnusableException("cannot read config file " + file + ": " + reason);
        } catch (IllegalArgumentException e) {
            // Properties.load: a malformed \\uXXXX escape.
            throw new UnusableException("cannot read config file " + file + ": " + e.getMessage());
        }
        Map<String, String> values = new HashMap<>();
        for (String key : new TreeSet<>(properties.stringPropertyNames())) {
            if (!table.isKnown(key)) {
                throw new UnusableException("unknown key '" + key + "' in config file " + file
                        + " (keys are pistream. plus a flag's name, see --help, or " + String.join(", ", configOnly(table))
                        + ", pistream.camera.NAME[.SETTING])");
            }
            values.put(key, properties.getProperty(key));
        }
        return new PropertiesConfigSource(values, "config file " + file, SettingsLoader.CONFIG_FILE_ORDINAL);
    }

    /** The config keys of {@code table} that no flag sets. */
    static List<String> configOnly(KeyTable table) {
        return table.keys().stream().filter(k -> k.flag() == Key.Flag.NONE).map(Key::configKey).toList();
    }
}
