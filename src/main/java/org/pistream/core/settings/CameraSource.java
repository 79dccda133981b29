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

    /**
     * A V4L2 (USB, UVC) webcam by device node or stable {@code /dev/v4l/by-id/...} name, in the mode chosen at
     * start from what the camera offers ({@code v4l2-ctl --list-formats-ext}) nearest to the asked resolution
     * and rate. A JPEG mode ({@code MJPG}) is passed through as the camera makes it: {@code v4l2-ctl} streams
     * it to stdout. Any other mode (a YUYV-only webcam) is streamed raw into ffmpeg, which encodes MJPEG with
     * the asked quality and orientation; the two run as one shell pipeline, whose processes the camera's
     * supervisor ends together.
     *
     * @param device      as configured: {@code /dev/video0}, {@code /dev/v4l/by-id/usb-...-video-index0}
     * @param pixelFormat the chosen mode's format as v4l2-ctl names it ({@code MJPG}, {@code YUYV}); null
     *                    until the settings loader has looked at the camera
     * @param width       the chosen mode's width
     * @param height      the chosen mode's height
     * @param fps         the rate asked of the camera: the asked one, or the mode's highest when lower
     * @param reason      why this mode, for the log: {@code asked 1280x720@30, using 1280x720@30 MJPG (exactly as asked)}
     */
    record V4l2Source(String device, String pixelFormat, int width, int height, double fps, String reason)
            implements CameraSource {
        /** The kind as {@code --camera} spells it. */
        public static final String KIND = "v4l2";

        public V4l2Source {
            java.util.Objects.requireNonNull(device, "device");
        }

        @Override
        public String kind() {
            return KIND;
        }

        /** A device not looked at yet: the settings loader chooses its mode. */
        public static V4l2Source unprobed(String device) {
            return new V4l2Source(device, null, 0, 0, 0, null);
        }

        /** Whether the camera's own JPEG frames are passed through (no ffmpeg, no re-encoding). */
        public boolean passesJpegThrough() {
            return pixelFormat != null && (pixelFormat.equals("MJPG") || pixelFormat.equals("JPEG"));
        }

        /** The rate as v4l2-ctl and ffmpeg take it: {@code 30}, {@code 7.5}. */
        public String fpsText() {
            return fps == Math.rint(fps) ? Long.toString((long) fps) : java.math.BigDecimal.valueOf(fps).stripTrailingZeros().toPlainString();
        }

        /**
         * The command line for {@code camera}'s settings. MJPEG: {@code v4l2-ctl -d DEV
         * --set-fmt-video=width=W,height=H,pixelformat=MJPG --set-parm=FPS --stream-mmap --stream-to=-}
         * (v4l2-ctl sets the mode and writes each buffer, one JPEG, to stdout). Another format:
         * {@code sh -c 'v4l2-ctl ... | ffmpeg -f rawvideo ... -f mjpeg -'}, with {@code quality} as ffmpeg's
         * {@code -q:v} and rotation 180 and the flips as ffmpeg's filters. The settings loader has refused what
         * the chosen mode cannot do.
         */
        public List<String> command(CameraSettings camera) {
            if (pixelFormat == null) {
                throw new IllegalStateException("v4l2 camera " + device + " has no mode chosen");
            }
            List<String> ctl = List.of("v4l2-ctl", "-d", device, "--set-fmt-video=width=" + width + ",height=" + height
                    + ",pixelformat=" + pixelFormat, "--set-parm=" + fpsText(), "--stream-mmap", "--stream-to=-");
            if (passesJpegThrough()) {
                return ctl;
            }
            java.util.List<String> ffmpeg = new java.util.ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error",
                    "-f", "rawvideo", "-pix_fmt", rawPixelFormat(), "-video_size", width + "x" + height, "-framerate", fpsText(),
                    "-i", "-"));
            String filters = filters(camera);
            if (!filters.isEmpty()) {
                ffmpeg.addAll(List.of("-vf", filters));
            }
            Integer quality = camera.get(KeyTable.QUALITY);
            ffmpeg.addAll(List.of("-c:v", "mjpeg", "-pix_fmt", "yuvj422p", "-q:v", Integer.toString(ffmpegQ(quality == null ? 80 : quality)),
                    "-f", "mjpeg", "-"));
            // exec: the shell's pipeline is v4l2-ctl and ffmpeg only; the supervisor ends all of them together.
            return List.of("sh", "-c", shellWords(ctl) + " | exec " + shellWords(ffmpeg));
        }

        /** ffmpeg's name of the raw format v4l2-ctl streams; the settings loader refuses formats not listed here. */
        public String rawPixelFormat() {
            return rawPixelFormat(pixelFormat);
        }

        /** ffmpeg's rawvideo name for a V4L2 pixel format, or null when pi-stream cannot encode it. */
        public static String rawPixelFormat(String v4l2Format) {
            return switch (v4l2Format == null ? "" : v4l2Format) {
                case "YUYV" -> "yuyv422";
                case "UYVY" -> "uyvy422";
                case "YU12" -> "yuv420p";
                case "NV12" -> "nv12";
                default -> null;
            };
        }

        /**
         * JPEG quality 1-100 (100 best) as ffmpeg's MJPEG quantiser scale {@code -q:v} 2-31 (2 best),
         * linearly: 100 -> 2, 80 -> 8, 50 -> 17, 1 -> 31.
         */
        public static int ffmpegQ(int quality) {
            return 2 + Math.round((100 - quality) * 29 / 99f);
        }

        private static String filters(CameraSettings camera) {
            boolean hflip = camera.get(KeyTable.HFLIP);
            boolean vflip = camera.get(KeyTable.VFLIP);
            if (camera.get(KeyTable.ROTATION) == 180) { // a half turn is both flips; two flips cancel
                hflip = !hflip;
                vflip = !vflip;
            }
            java.util.List<String> f = new java.util.ArrayList<>();
            if (hflip) {
                f.add("hflip");
            }
            if (vflip) {
                f.add("vflip");
            }
            return String.join(",", f);
        }

        private static String shellWords(List<String> words) {
            java.util.List<String> quoted = new java.util.ArrayList<>();
            for (String w : words) {
                quoted.add(w.matches("[A-Za-z0-9_./:=,@+-]+") ? w : "'" + w.replace("'", "'\\''") + "'");
            }
            return String.join(" ", quoted);
        }

        @Override
        public String description() {
            return KIND + ":" + device + (pixelFormat == null ? "" : " (" + pixelFormat + " " + width + "x" + height + "@" + fpsText()
                    + (passesJpegThrough() ? "" : ", encoded by ffmpeg") + ")");
        }

        @Override
        public String toString() {
            return description();
        }
    }

    /**
     * {@code camera=auto} (the default): the camera detection chose at start, the first Pi camera module,
     * else the first USB webcam with MJPEG; or none.
     *
     * @param chosen the chosen camera's source ({@link RpicamSource} or {@link V4l2Source}), or null when none
     *               was found
     * @param reason what was chosen and why, or why none, for the log and (with none) the no-signal picture
     * @param notes  what the detection could not look at (a program missing, a timeout), for the log
     */
    record AutoSource(CameraSource chosen, String reason, List<String> notes) implements CameraSource {
        public AutoSource {
            java.util.Objects.requireNonNull(reason, "reason");
            notes = List.copyOf(notes);
            if (chosen instanceof AutoSource) {
                throw new IllegalArgumentException("auto chooses a camera, not another auto");
            }
        }

        /** The chosen camera's kind, or {@code none}. */
        @Override
        public String kind() {
            return chosen == null ? "none" : chosen.kind();
        }

        @Override
        public String description() {
            return "auto: " + (chosen == null ? "no camera found" : chosen.description());
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
