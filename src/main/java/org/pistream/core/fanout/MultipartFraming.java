package org.pistream.core.fanout;

import java.nio.charset.StandardCharsets;

import org.pistream.core.jpeg.JpegInfo;

/**
 * The {@code multipart/x-mixed-replace} wire format of {@code ../shared/docs/WIRE.md}.
 *
 * <p>The stream starts with a boundary line; every part is followed by the next boundary line at
 * once, because browsers show a part only when they see the boundary after it.
 */
public final class MultipartFraming {
    /** A plain token: Safari stalls on a quoted boundary, some parsers on a leading "--". */
    public static final String BOUNDARY = "pistreamframe";
    public static final String CONTENT_TYPE = "multipart/x-mixed-replace;boundary=" + BOUNDARY;

    private static final byte[] BOUNDARY_LINE = ascii("--" + BOUNDARY + "\r\n");
    private static final byte[] TRAILER = ascii("\r\n--" + BOUNDARY + "\r\n");
    private static final byte[] CLOSE = ascii("--" + BOUNDARY + "--\r\n");
    /** The headers of a part whose JPEG is not known yet: no Content-Length, no X-Timestamp. */
    private static final byte[] NEXT_PART_HEADERS = ascii("Content-Type: image/jpeg\r\n\r\n");

    private MultipartFraming() {
    }

    /** The first bytes of every stream: clients such as ffmpeg require the boundary before any part. */
    public static byte[] preamble() {
        return BOUNDARY_LINE.clone();
    }

    /** Ends the stream. Sent after a part's trailing boundary line, so it needs no leading CRLF. */
    public static byte[] closing() {
        return CLOSE.clone();
    }

    /**
     * The first bytes of a stream in the advance-headers layout ({@link StreamOptions}): the
     * boundary and the first part's headers, before the first frame exists.
     */
    public static byte[] advancePreamble() {
        byte[] headers = nextPartHeaders();
        byte[] preamble = new byte[BOUNDARY_LINE.length + headers.length];
        System.arraycopy(BOUNDARY_LINE, 0, preamble, 0, BOUNDARY_LINE.length);
        System.arraycopy(headers, 0, preamble, BOUNDARY_LINE.length, headers.length);
        return preamble;
    }

    /**
     * In the advance-headers layout, what follows each frame's trailing boundary line at once: the
     * next part's headers, so that Chromium, which shows a part only once it has parsed the next
     * part's headers (bug 527446), shows the frame now instead of at the next frame.
     */
    public static byte[] nextPartHeaders() {
        return NEXT_PART_HEADERS.clone();
    }

    /** Ends a stream whose last part has its headers but no body yet (advance-headers layout). */
    public static byte[] closingOpenPart() {
        byte[] close = new byte[2 + CLOSE.length];
        close[0] = '\r';
        close[1] = '\n';
        System.arraycopy(CLOSE, 0, close, 2, CLOSE.length);
        return close;
    }

    /** Builds the part for one JPEG on the heap: the only copy of the frame's bytes. */
    public static Frame frame(long sequence, long captureMicros, byte[] jpeg, int offset, int length) {
        return frame(sequence, captureMicros, jpeg, offset, length, false, null);
    }

    static Frame frame(long sequence, long captureMicros, byte[] jpeg, int offset, int length, boolean placeholder) {
        return frame(sequence, captureMicros, jpeg, offset, length, placeholder, null);
    }

    /**
     * Builds the part for one JPEG, the only copy of the frame's bytes: in a buffer of {@code pool}
     * when it is not null and has room, else on the heap.
     */
    static Frame frame(long sequence, long captureMicros, byte[] jpeg, int offset, int length, boolean placeholder,
                       PartPool pool) {
        byte[] headers = ascii("Content-Type: image/jpeg\r\nContent-Length: " + length
                + "\r\nX-Timestamp: " + timestamp(captureMicros) + "\r\n\r\n");
        int[] size = JpegInfo.dimensions(jpeg, offset, length);
        if (pool != null) {
            OffHeapPart offHeap = OffHeapPart.build(pool, headers, jpeg, offset, length, TRAILER);
            if (offHeap != null) {
                return new Frame(sequence, captureMicros, offHeap, headers.length, length, placeholder, size);
            }
        }
        byte[] part = new byte[headers.length + length + TRAILER.length];
        System.arraycopy(headers, 0, part, 0, headers.length);
        System.arraycopy(jpeg, offset, part, headers.length, length);
        System.arraycopy(TRAILER, 0, part, headers.length + length, TRAILER.length);
        return new Frame(sequence, captureMicros, part, headers.length, length, placeholder, size);
    }

    /** Seconds since the epoch with microseconds, e.g. {@code 1732406400.123456}. */
    public static String timestamp(long epochMicros) {
        long seconds = Math.floorDiv(epochMicros, 1_000_000L);
        long micros = Math.floorMod(epochMicros, 1_000_000L);
        String fraction = Long.toString(micros);
        return seconds + "." + "000000".substring(fraction.length()) + fraction;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
