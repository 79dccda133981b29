package org.pistream.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A strict MJPEG client over a raw socket, for tests: checks the response and every part against
 * WIRE.md (boundary line first, exact part headers, Content-Length, a boundary right after each
 * frame, JPEG start and end markers) and throws on the first deviation.
 */
final class MjpegClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final int status;
    private final Map<String, String> headers;
    private InputStream body;
    private String boundary;
    private boolean ended;

    record Part(Map<String, String> headers, byte[] jpeg) {
        double timestamp() {
            return Double.parseDouble(headers.get("x-timestamp"));
        }

        /** The no-signal picture: pi-stream marks it with a JPEG comment right after the start marker. */
        boolean isPlaceholder() {
            return jpeg.length > 30 && (jpeg[2] & 0xFF) == 0xFF && (jpeg[3] & 0xFF) == 0xFE
                    && new String(jpeg, 6, 22, StandardCharsets.US_ASCII).equals("pi-stream placeholder:");
        }

        String placeholderReason() {
            int length = ((jpeg[4] & 0xFF) << 8) | (jpeg[5] & 0xFF);
            return new String(jpeg, 6, length - 2, StandardCharsets.US_ASCII).substring("pi-stream placeholder: ".length());
        }
    }

    private MjpegClient(Socket socket, InputStream in, int status, Map<String, String> headers) {
        this.socket = socket;
        this.in = in;
        this.status = status;
        this.headers = headers;
    }

    /** Sends {@code GET path} and reads the response head; does not read the body. */
    static MjpegClient open(URI base, String path) throws IOException {
        return open(base, path, Map.of());
    }

    static MjpegClient open(URI base, String path, Map<String, String> extraHeaders) throws IOException {
        return open(base, path, extraHeaders, null);
    }

    /** The same from a chosen loopback address (e.g. {@code 127.0.0.2}), to play another host. */
    static MjpegClient open(URI base, String path, Map<String, String> extraHeaders, String localAddress) throws IOException {
        Socket socket = new Socket();
        if (localAddress != null) {
            socket.bind(new InetSocketAddress(java.net.InetAddress.getByName(localAddress), 0));
        }
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
        socket.setSoTimeout(15000);
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort() + "\r\n");
        extraHeaders.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
        request.append("\r\n");
        socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        String statusLine = readLine(in);
        String[] words = statusLine.split(" ", 3);
        if (words.length < 2 || !words[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + statusLine);
        }
        Map<String, String> headers = readHeaders(in);
        MjpegClient client = new MjpegClient(socket, in, Integer.parseInt(words[1]), headers);
        client.body = "chunked".equalsIgnoreCase(headers.get("transfer-encoding")) ? new Dechunker(in) : in;
        return client;
    }

    /** True once the server sent the closing boundary. */
    boolean ended() {
        return ended;
    }

    int status() {
        return status;
    }

    /** Response headers, names in lower case. */
    Map<String, String> headers() {
        return headers;
    }

    /** Reads the first boundary line; must be the first bytes of the body. */
    void readPreamble() throws IOException {
        String type = headers.get("content-type");
        String prefix = "multipart/x-mixed-replace;boundary=";
        if (type == null || !type.startsWith(prefix)) {
            throw new IOException("not a multipart stream: " + type);
        }
        boundary = type.substring(prefix.length());
        if (boundary.startsWith("\"") || boundary.startsWith("--") || boundary.isEmpty()) {
            throw new IOException("boundary must be a plain token: " + boundary);
        }
        String first = readLine(body);
        if (!first.equals("--" + boundary)) {
            throw new IOException("body must start with the boundary line, got: " + first);
        }
    }

    /** Reads one part, checks it and the boundary line that must follow it at once; null after the closing boundary. */
    Part readPart() throws IOException {
        if (boundary == null) {
            readPreamble();
        }
        if (ended) {
            throw new EOFException("the stream has ended");
        }
        String first = readLine(body);
        if (first.equals("--" + boundary + "--")) {
            ended = true;
            return null;
        }
        Map<String, String> partHeaders = readHeaders(body, first);
        if (!"image/jpeg".equals(partHeaders.get("content-type"))) {
            throw new IOException("part Content-Type must be exactly image/jpeg: " + partHeaders);
        }
        String length = partHeaders.get("content-length");
        if (length == null) {
            throw new IOException("part without Content-Length: " + partHeaders);
        }
        if (partHeaders.get("x-timestamp") == null || !partHeaders.get("x-timestamp").matches("\\d+\\.\\d{6}")) {
            throw new IOException("part X-Timestamp must be seconds.micros: " + partHeaders);
        }
        byte[] jpeg = readFully(body, Integer.parseInt(length));
        checkJpeg(jpeg);
        String crlf = readLine(body);
        if (!crlf.isEmpty()) {
            throw new IOException("part body longer than its Content-Length");
        }
        String next = readLine(body);
        if (!next.equals("--" + boundary)) {
            throw new IOException("expected boundary after part, got: " + next);
        }
        return new Part(partHeaders, jpeg);
    }

    /**
     * Reads one part of the advance-headers layout: headers that are exactly
     * {@code Content-Type: image/jpeg} (no length, no timestamp: they were sent before the frame
     * existed), then JPEG bytes up to the next boundary line. Returns with the next part's headers
     * still unread.
     */
    Part readAdvancePart() throws IOException {
        if (boundary == null) {
            readPreamble();
        }
        Map<String, String> partHeaders = readHeaders(body);
        if (!partHeaders.equals(Map.of("content-type", "image/jpeg"))) {
            throw new IOException("advance-headers part must carry Content-Type: image/jpeg only: " + partHeaders);
        }
        byte[] delimiter = ("\r\n--" + boundary + "\r\n").getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream(64 * 1024);
        int matched = 0;
        while (matched < delimiter.length) {
            int b = body.read();
            if (b < 0) {
                throw new EOFException("stream ended inside a part");
            }
            if (b == (delimiter[matched] & 0xFF)) {
                matched++;
                continue;
            }
            jpeg.write(delimiter, 0, matched);
            matched = b == (delimiter[0] & 0xFF) ? 1 : 0;
            if (matched == 0) {
                jpeg.write(b);
            }
            if (jpeg.size() > 16 * 1024 * 1024) {
                throw new IOException("part without a boundary in 16 MB");
            }
        }
        byte[] data = jpeg.toByteArray();
        checkJpeg(data);
        return new Part(partHeaders, data);
    }

    /** Reads the header block of the next part, for a test that only checks when it arrives. */
    Map<String, String> readPartHeaders() throws IOException {
        return readHeaders(body);
    }

    /** Reads the boundary line that follows a part, for a test that reads a part's pieces itself. */
    void readBoundaryLine() throws IOException {
        String line = readLine(body);
        if (!line.equals("--" + boundary)) {
            throw new IOException("expected boundary, got: " + line);
        }
    }

    /** How long a read may block before it fails with {@link java.net.SocketTimeoutException}. */
    void readTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    /** Reads the rest of a non-streaming response body (by Content-Length, chunks or end of stream). */
    byte[] readBody() throws IOException {
        String length = headers.get("content-length");
        if (length != null) {
            return readFully(body, Integer.parseInt(length));
        }
        return body.readAllBytes();
    }

    static void checkJpeg(byte[] jpeg) throws IOException {
        int n = jpeg.length;
        if (n < 4 || (jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != 0xD8 || (jpeg[n - 2] & 0xFF) != 0xFF || (jpeg[n - 1] & 0xFF) != 0xD9) {
            throw new IOException("not a complete JPEG (SOI ... EOI), " + n + " bytes");
        }
    }

    /** The connection, e.g. to reset it instead of closing it. */
    Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static Map<String, String> readHeaders(InputStream in) throws IOException {
        return readHeaders(in, readLine(in));
    }

    private static Map<String, String> readHeaders(InputStream in, String firstLine) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        String line = firstLine;
        for (; !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("bad header line: " + line);
            }
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return headers;
    }

    /** A CRLF-terminated line; a bare LF is an error. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(80);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("stream ended in a line: " + line.toString(StandardCharsets.ISO_8859_1));
            }
            if (b == '\r') {
                int lf = in.read();
                if (lf != '\n') {
                    throw new IOException("CR not followed by LF");
                }
                return line.toString(StandardCharsets.ISO_8859_1);
            }
            if (b == '\n') {
                throw new IOException("bare LF in line: " + line.toString(StandardCharsets.ISO_8859_1));
            }
            if (line.size() > 8192) {
                throw new IOException("line too long");
            }
            line.write(b);
        }
    }

    private static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] data = in.readNBytes(n);
        if (data.length != n) {
            throw new EOFException("expected " + n + " bytes, got " + data.length);
        }
        return data;
    }

    /** Decodes {@code Transfer-Encoding: chunked}. */
    private static final class Dechunker extends InputStream {
        private final InputStream in;
        private int remaining;
        private boolean done;

        Dechunker(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (remaining == 0) {
                String size = readLine(in);
                int semi = size.indexOf(';');
                remaining = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                if (remaining == 0) {
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("stream ended in a chunk");
            }
            remaining -= n;
            if (remaining == 0 && !readLine(in).isEmpty()) {
                throw new IOException("chunk not followed by CRLF");
            }
            return n;
        }
    }
}
