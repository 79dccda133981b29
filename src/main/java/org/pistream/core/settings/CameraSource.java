package org.pistream.core.settings;

import java.net.URI;
import java.util.List;

/** Where a camera's frames come from: a program, the built-in test pattern, or another MJPEG server. */
public sealed interface CameraSource {

    /** What stats and logs call the source; credentials are masked. */
    String description();

    /** The kind as stats, metrics and the page show it: {@code command}, {@code rpicam}, {@code test-pattern}, {@code http}. */
    String kind();

    /** A camera program writing MJPEG to its standard output, supervised and restarted; the command already split into words. */
    record CommandSource(List<String> command) implements CameraSource {
        public CommandSource {
            command = List.copyOf(command);
            if (command.isEmpty()) {
                throw new IllegalArgumentException("a camera command needs a program");
            }
        }

        @Override
        public String kind() {
            return "command";
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

    /**
     * A Pi camera module (or a USB camera libcamera sees) through {@code rpicam-vid}, MJPEG on its
     * standard output; the command line comes from the camera's settings ({@link #command}).
     *
     * @param index   libcamera's camera index ({@code --camera N}), as {@code rpicam-hello --list-cameras} numbers them
     * @param program the program to run: rpicam-vid, libcamera-vid (Bullseye) or a path to one of them
     * @param extra   more of rpicam-vid's own flags, put after ours (an explicit {@code camera-args}), e.g. {@code --autofocus-mode}
     */
    record RpicamSource(int index, String program, List<String> extra) implements CameraSource {
        public RpicamSource {
            extra = List.copyOf(extra);
            if (index < 0) {
                throw new IllegalArgumentException("a camera index is 0 or more, was: " + index);
            }
            java.util.Objects.requireNonNull(program, "program");
        }

        /**
         * The command line for {@code camera}'s settings: MJPEG on stdout, run until stopped, no
         * preview, this camera, then size, rate, quality and orientation as rpicam-vid's own flags.
         * The settings loader has filled in resolution, fps and quality and refused what rpicam-vid
         * cannot do (rotation 90/270).
         */
        public List<String> command(CameraSettings camera) {
            java.util.List<String> command = new java.util.ArrayList<>(List.of(program, "--codec", "mjpeg", "-o", "-", "-t", "0", "-n",
                    "--camera", Integer.toString(index)));
            String resolution = camera.get(KeyTable.RESOLUTION);
            if (resolution != null) {
                int x = resolution.indexOf('x');
                command.addAll(List.of("--width", resolution.substring(0, x), "--height", resolution.substring(x + 1)));
            }
            Integer fps = camera.get(KeyTable.FPS);
            if (fps != null) {
                command.addAll(List.of("--framerate", fps.toString()));
            }
            Integer quality = camera.get(KeyTable.QUALITY);
            if (quality != null) {
                command.addAll(List.of("--quality", quality.toString()));
            }
            int rotation = camera.get(KeyTable.ROTATION);
            if (rotation != 0) {
                command.addAll(List.of("--rotation", Integer.toString(rotation)));
            }
            if (camera.get(KeyTable.HFLIP)) {
                command.add("--hflip");
            }
            if (camera.get(KeyTable.VFLIP)) {
                command.add("--vflip");
            }
            command.addAll(extra);
            return List.copyOf(command);
        }

        @Override
        public String kind() {
            return "rpicam";
        }

        @Override
        public String description() {
            return "rpicam:" + index + " (" + program + ")";
        }

        @Override
        public String toString() {
            return description();
        }
    }

    /** The built-in moving test pattern, of this size and rate. */
    record TestPatternSource(int width, int height, int fps) implements CameraSource {
        @Override
        public String kind() {
            return "test-pattern";
        }

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
        public String kind() {
            return "http";
        }

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
