package org.pistream.core.source;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.pistream.core.jpeg.DropReason;
import org.pistream.core.jpeg.JpegFrameSplitter;
import org.pistream.core.jpeg.SplitterCounters;

/**
 * Reads the parts of a {@code multipart/x-mixed-replace} body as servers in the field send it:
 * by {@code Content-Length} when a part has one, else by scanning for the next boundary; a
 * boundary parameter may be quoted and may carry the {@code --} itself; lines may end in CRLF or
 * LF. It only cuts parts out: whether a part is a whole JPEG is the {@link JpegFrameSplitter}'s
 * call.
 *
 * <p>Memory is bounded: a part larger than {@code maxFrameBytes} is read past and counted as an
 * oversize drop, a part that ends early is counted as truncated, and junk between parts may not
 * exceed {@code maxFrameBytes} either. Not thread-safe: one reader thread.
 */
public final class MultipartReader {
    private static final int MAX_LINE = 8192;
    private static final long CLOSED = -2;
    private static final int MAX_HEADER_LINES = 32;
    private static final Pattern BOUNDARY = Pattern.compile("(?i)(?:^|;)\\s*boundary\\s*=\\s*(\"[^\"]*\"|[^;\\s]+)");
    private static final Pattern TIMESTAMP = Pattern.compile("(\\d{1,12})(?:\\.(\\d{1,9}))?");

    private final InputStream in;
    private final String token;
    private final byte[] delimiter;
    private final int[] failure;
    private final int maxFrameBytes;
    private final SplitterCounters counters;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int limit;
    private byte[] frame = new byte[64 * 1024];
    private int frameLength;
    private long captureMicros;
    /** The boundary line before the next part was consumed already (boundary scanning reads it). */
    private boolean atPartStart;
    private boolean ended;

    /** @param boundary the boundary parameter as {@link #boundary(String)} returns it */
    public MultipartReader(InputStream in, String boundary, int maxFrameBytes, SplitterCounters counters) {
        this.in = in;
        this.token = stripDashes(boundary);
        if (token.isEmpty()) {
            throw new IllegalArgumentException("boundary must not be empty or dashes only, was: " + boundary);
        }
        this.delimiter = ("--" + token).getBytes(StandardCharsets.ISO_8859_1);
        this.failure = failureTable(delimiter);
        this.maxFrameBytes = maxFrameBytes;
        this.counters = counters;
    }

    /**
     * The boundary parameter of a {@code multipart/x-mixed-replace} content type, unquoted; throws
     * an {@link IOException} saying what came instead when the type is something else.
     */
    public static String boundary(String contentType) throws IOException {
        String type = contentType == null ? "" : contentType.trim();
        if (!type.toLowerCase(Locale.ROOT).startsWith("multipart/x-mixed-replace")) {
            throw new IOException("not an MJPEG stream (Content-Type: " + (type.isEmpty() ? "none" : shorten(type)) + ")");
        }
        Matcher m = BOUNDARY.matcher(type.substring("multipart/x-mixed-replace".length()));
        String value = m.find() ? m.group(1) : "";
        if (value.startsWith("\"") && value.endsWith("\"") && value.length() >= 2) {
            value = value.substring(1, value.length() - 1);
        }
        if (stripDashes(value).isEmpty()) {
            throw new IOException("MJPEG stream without a usable boundary (Content-Type: " + shorten(type) + ")");
        }
        return value;
    }

    /** The JPEG bytes of the part {@link #next()} read: {@code frameLength()} bytes from 0, valid until the next call. */
    public byte[] frame() {
        return frame;
    }

    public int frameLength() {
        return frameLength;
    }

    /** The part's {@code X-Timestamp} in microseconds since the epoch, or -1 when it had none. */
    public long captureMicros() {
        return captureMicros;
    }

    /** Reads the next part; false when the stream ended (closing boundary or end of input between parts). */
    public boolean next() throws IOException {
        while (!ended) {
            if (!atPartStart && !seekBoundary()) {
                return false;
            }
            atPartStart = false;
            long length = readHeaders();
            if (length == CLOSED) {
                ended = true;
                return false;
            }
            if (length >= 0) {
                if (readCounted(length)) {
                    return true;
                }
            } else if (readUntilBoundary()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads the part headers; returns the Content-Length, -1 when there is none, or {@link #CLOSED}
     * when the closing boundary came instead (a server that writes the boundary before each part). Sets the capture time.
     */
    private long readHeaders() throws IOException {
        long length = -1;
        captureMicros = -1;
        for (int lines = 0; ; lines++) {
            if (lines > MAX_HEADER_LINES) {
                throw new IOException("part headers longer than " + MAX_HEADER_LINES + " lines");
            }
            String line = readLine();
            if (line == null) {
                throw new EOFException("stream ended in part headers");
            }
            if (line.isEmpty()) {
                return length;
            }
            if (lines == 0 && line.startsWith("--") && stripDashes(line.strip()).equals(token + "--")) {
                return CLOSED;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue; // not a header: tolerated, the JPEG check decides about the part
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (name.equals("content-length")) {
                if (!value.matches("\\d{1,10}")) {
                    throw new IOException("bad part Content-Length: " + shorten(value));
                }
                length = Long.parseLong(value);
            } else if (name.equals("x-timestamp")) {
                captureMicros = micros(value);
            }
        }
    }

    /** A part of known length: read whole, or read past and counted when larger than allowed. */
    private boolean readCounted(long length) throws IOException {
        if (length > maxFrameBytes) {
            skip(length);
            counters.drop(DropReason.OVERSIZE);
            return false;
        }
        ensureFrame((int) length);
        int n = 0;
        while (n < length) {
            int r = read(frame, n, (int) length - n);
            if (r < 0) {
                counters.drop(DropReason.TRUNCATED);
                throw new EOFException("stream ended inside a part, " + n + " of " + length + " bytes");
            }
            n += r;
        }
        frameLength = n;
        return true;
    }

    /** A part without length: bytes up to the next boundary, whose line is consumed too. */
    private boolean readUntilBoundary() throws IOException {
        frameLength = 0;
        boolean oversize = false;
        int matched = 0;
        while (true) {
            int b = read();
            if (b < 0) {
                counters.drop(DropReason.TRUNCATED);
                throw new EOFException("stream ended inside a part");
            }
            while (matched > 0 && b != (delimiter[matched] & 0xFF)) {
                int keep = failure[matched - 1];
                if (!oversize) {
                    oversize = !append(delimiter, matched - keep);
                }
                matched = keep;
            }
            if (b == (delimiter[matched] & 0xFF)) {
                matched++;
                if (matched == delimiter.length) {
                    break;
                }
            } else if (!oversize) {
                oversize = !append(new byte[] {(byte) b}, 1);
            }
        }
        String rest = readLine();
        ended = rest == null || rest.startsWith("--");
        atPartStart = !ended;
        if (oversize) {
            counters.drop(DropReason.OVERSIZE);
            return false;
        }
        // The line break before the boundary belongs to the boundary, not to the JPEG; so do the
        // extra dashes of a server that writes "----token" for a parameter of "--token".
        while (frameLength > 0 && frame[frameLength - 1] == '-') {
            frameLength--;
        }
        if (frameLength > 0 && frame[frameLength - 1] == '\n') {
            frameLength--;
            if (frameLength > 0 && frame[frameLength - 1] == '\r') {
                frameLength--;
            }
        }
        return true;
    }

    private boolean append(byte[] bytes, int n) {
        if (frameLength + n > maxFrameBytes) {
            return false;
        }
        ensureFrame(frameLength + n);
        System.arraycopy(bytes, 0, frame, frameLength, n);
        frameLength += n;
        return true;
    }

    private void ensureFrame(int size) {
        if (frame.length < size) {
            byte[] bigger = new byte[Math.min(maxFrameBytes, Math.max(size, frame.length * 2))];
            System.arraycopy(frame, 0, bigger, 0, frameLength);
            frame = bigger;
        }
    }

    /** Reads lines up to a boundary line; false on the closing boundary or the end of input. */
    private boolean seekBoundary() throws IOException {
        long skipped = 0;
        while (true) {
            String line = readLine();
            if (line == null) {
                ended = true;
                return false;
            }
            String trimmed = line.strip();
            if (trimmed.startsWith("--")) {
                String name = stripDashes(trimmed);
                if (name.equals(token)) {
                    return true;
                }
                if (name.equals(token + "--")) {
                    ended = true;
                    return false;
                }
            }
            skipped += line.length() + 1;
            if (!trimmed.isEmpty()) {
                counters.garbage(line.length() + 1L);
            }
            if (skipped > maxFrameBytes) {
                throw new IOException("no boundary line in " + skipped + " bytes");
            }
        }
    }

    /** A line without its CR LF or LF, or null at the end of input; longer lines than 8 KB are an error. */
    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int b = read();
            if (b < 0) {
                return sb.length() == 0 ? null : sb.toString();
            }
            if (b == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            if (sb.length() >= MAX_LINE) {
                throw new IOException("line longer than " + MAX_LINE + " bytes where a boundary or header was expected");
            }
            sb.append((char) b);
        }
    }

    private int read() throws IOException {
        if (pos == limit && !fill()) {
            return -1;
        }
        return buf[pos++] & 0xFF;
    }

    private int read(byte[] dst, int off, int len) throws IOException {
        if (pos == limit) {
            if (len >= buf.length) {
                return in.read(dst, off, len); // large reads bypass the buffer
            }
            if (!fill()) {
                return -1;
            }
        }
        int n = Math.min(len, limit - pos);
        System.arraycopy(buf, pos, dst, off, n);
        pos += n;
        return n;
    }

    private void skip(long n) throws IOException {
        byte[] scratch = new byte[8192];
        long left = n;
        while (left > 0) {
            int r = read(scratch, 0, (int) Math.min(scratch.length, left));
            if (r < 0) {
                throw new EOFException("stream ended inside an oversize part");
            }
            left -= r;
        }
    }

    private boolean fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }

    /** {@code X-Timestamp} (seconds.fraction) as microseconds, or -1 when it is not one. */
    static long micros(String value) {
        Matcher m = TIMESTAMP.matcher(value);
        if (!m.matches()) {
            return -1;
        }
        String fraction = m.group(2) == null ? "" : m.group(2);
        fraction = (fraction + "000000").substring(0, 6);
        return Long.parseLong(m.group(1)) * 1_000_000L + Long.parseLong(fraction);
    }

    private static String stripDashes(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) == '-') {
            i++;
        }
        return s.substring(i);
    }

    private static String shorten(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    /** KMP failure function: for each prefix, the length of its longest proper prefix that is also a suffix. */
    private static int[] failureTable(byte[] pattern) {
        int[] f = new int[pattern.length];
        int k = 0;
        for (int i = 1; i < pattern.length; i++) {
            while (k > 0 && pattern[i] != pattern[k]) {
                k = f[k - 1];
            }
            if (pattern[i] == pattern[k]) {
                k++;
            }
            f[i] = k;
        }
        return f;
    }
}
