package org.pistream.core.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.pistream.core.settings.Secrets;

/**
 * The camera program's standard error, drained to its end and remembered in a bounded form: the
 * last {@value #LINES_KEPT} lines, each cut to {@value #LINE_MAX} characters, control characters
 * escaped and credentials masked. A program that writes megabytes without a line break costs no
 * more than one line's buffer. From those lines {@link #reason()} picks the camera's own words for
 * why it failed ({@code ERROR: *** no cameras available ***}), which stats, {@code /healthz}, the
 * no-signal picture and the log show instead of a bare exit code.
 *
 * <p>Threads: {@link #pump} runs on the run's stderr thread; the other methods on any thread.
 */
final class StderrTail {
    static final int LINES_KEPT = 10;
    static final int LINE_MAX = 300;
    /** The most of the camera's words a reason carries: stats and the picture show it whole. */
    static final int REASON_MAX = 200;
    private static final int READ_CHUNK = 4096;

    /** libcamera's own log lines, {@code [0:02:47.458318011] [1550]  INFO Camera camera_manager.cpp:...}. */
    private static final Pattern LIBCAMERA_PREFIX = Pattern.compile("^\\[\\d+:\\d{2}:\\d{2}\\.\\d+\\] \\[\\d+\\]\\s+");
    /** libcamera lines below ERROR say how it went, not what went wrong ({@code WARN IPAManager ... No IPA found}). */
    private static final Pattern LIBCAMERA_CHATTER = Pattern.compile("^(DEBUG|INFO|WARN)\\b");
    /** Words the camera programs (rpicam-apps, libcamera, ffmpeg, v4l2-ctl) use when something is wrong. */
    private static final Pattern TROUBLE = Pattern.compile("error|fail|unrecogni[sz]ed|invalid|not found|no such|"
            + "not available|unavailable|busy|denied|cannot|can't|could not|unable|no cameras?\\b|refused|timed out|"
            + "illegal|unknown|not supported|unsupported|missing|permission", Pattern.CASE_INSENSITIVE);

    private final Deque<String> lines = new ArrayDeque<>();
    /** Lines written since {@link #newRun()}, guarded by {@code lines}. */
    private int linesThisRun;

    /**
     * Reads {@code err} to its end (the program exited or closed it), handing each line, in its
     * bounded and escaped form, to {@code each} and keeping it. Line ends are {@code \n} or
     * {@code \r} (ffmpeg rewrites its progress line with {@code \r}); empty lines are skipped.
     */
    void pump(InputStream err, Consumer<String> each) {
        byte[] chunk = new byte[READ_CHUNK];
        byte[] line = new byte[LINE_MAX * 4]; // UTF-8: LINE_MAX characters at most 4 bytes each
        int length = 0;
        boolean cut = false;
        try {
            int n;
            while ((n = err.read(chunk)) >= 0) {
                for (int i = 0; i < n; i++) {
                    byte b = chunk[i];
                    if (b == '\n' || b == '\r') {
                        if (length > 0 || cut) {
                            add(text(line, length, cut), each);
                        }
                        length = 0;
                        cut = false;
                    } else if (length < line.length) {
                        line[length++] = b;
                    } else {
                        cut = true; // the rest of an overlong line is read and dropped
                    }
                }
            }
        } catch (IOException e) {
            // The process ended and its pipe closed under the read: nothing more to read.
        }
        if (length > 0 || cut) {
            add(text(line, length, cut), each);
        }
    }

    private void add(String text, Consumer<String> each) {
        if (text.isBlank()) {
            return;
        }
        each.accept(text);
        synchronized (lines) {
            if (lines.size() == LINES_KEPT) {
                lines.removeFirst();
            }
            lines.addLast(text);
            linesThisRun++;
        }
    }

    /** The line as shown: UTF-8, at most {@link #LINE_MAX} characters, control characters as {@code \x1B}, secrets masked. */
    static String text(byte[] bytes, int length, boolean cut) {
        String raw = new String(bytes, 0, length, StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(raw.length() + 8);
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\t') {
                out.append(' ');
            } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                out.append(String.format(Locale.ROOT, "\\x%02X", (int) c));
            } else {
                out.append(c);
            }
        }
        if (cut || out.length() > LINE_MAX) {
            out.setLength(Math.min(out.length(), LINE_MAX));
            out.append("...");
        }
        return Secrets.redact(out.toString().strip()); // ffmpeg, for one, prints its input URL with the password
    }

    /**
     * A new run starts: its reason will come from its own lines only. The last run's lines stay in
     * {@link #lines()} until new ones push them out, so stats still show them while it starts again.
     */
    void newRun() {
        synchronized (lines) {
            linesThisRun = 0;
        }
    }

    /** The kept lines, of this run and the ones before, oldest first. */
    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /**
     * The camera's own words for what went wrong in this run, or null when it wrote nothing: the last line that
     * names trouble, with the one before it when that names trouble too (ffmpeg's
     * {@code Unrecognized option 'o'.} before {@code Error splitting the argument list}); else the
     * last line. libcamera's progress lines (below ERROR) are passed over and its time and thread
     * prefix is left out.
     */
    String reason() {
        List<String> kept;
        synchronized (lines) {
            List<String> all = List.copyOf(lines);
            kept = all.subList(all.size() - Math.min(all.size(), linesThisRun), all.size());
        }
        return reason(kept);
    }

    static String reason(List<String> kept) {
        List<String> telling = new ArrayList<>();
        for (String line : kept) {
            String bare = LIBCAMERA_PREFIX.matcher(line).replaceFirst("");
            boolean libcamera = bare.length() != line.length();
            if (!(libcamera && LIBCAMERA_CHATTER.matcher(bare).find())) {
                telling.add(bare);
            }
        }
        if (telling.isEmpty()) {
            return kept.isEmpty() ? null : cut(LIBCAMERA_PREFIX.matcher(kept.get(kept.size() - 1)).replaceFirst(""));
        }
        for (int i = telling.size() - 1; i >= 0; i--) {
            if (TROUBLE.matcher(telling.get(i)).find()) {
                boolean before = i > 0 && TROUBLE.matcher(telling.get(i - 1)).find();
                return cut(before ? telling.get(i - 1) + " " + telling.get(i) : telling.get(i));
            }
        }
        return cut(telling.get(telling.size() - 1));
    }

    private static String cut(String reason) {
        return reason.length() <= REASON_MAX ? reason : reason.substring(0, REASON_MAX - 3) + "...";
    }
}
