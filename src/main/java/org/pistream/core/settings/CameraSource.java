package org.pistream.core.settings;

import java.net.URI;
import java.util.List;

/** Where a camera's frames come from: a program, the built-in test pattern, or another MJPEG server. */
public sealed interface CameraSource {

    /** What stats and logs call the source; credentials are masked. */
    String description();

    /** A camera program writing MJPEG to its standard output, supervised and restarted; the command already split into words. */
    record CommandSource(List<String> command) implements CameraSource {
        public CommandSource {
            command = List.copyOf(command);
            if (command.isEmpty()) {
                throw new IllegalArgumentException("a camera command needs a program");
            }
        }

        @Override
        public String description() {
            return Secrets.redact(String.join(" ", command));
        }

        @Override
        public String toString() {
            return description();
        }
    }

    /** The built-in moving test pattern, of this size and rate. */
    record TestPatternSource(int width, int height, int fps) implements CameraSource {
        @Override
        public String description() {
            return "test-pattern:" + width + "x" + height + "@" + fps;
        }

        @Override
        public String toString() {
            return description();
        }
    }

    /**
     * An MJPEG stream to relay ({@code camera-url}).
     *
     * @param uri      the URL without credentials, as logs and stats show it
     * @param user     basic-auth user, or null for none
     * @param password basic-auth password, or null; never shown
     */
    record HttpSource(URI uri, String user, String password) implements CameraSource {
        @Override
        public String description() {
            return uri + (user == null ? "" : " (as " + user + ")");
        }

        @Override
        public String toString() {
            return description();
        }
    }
}
