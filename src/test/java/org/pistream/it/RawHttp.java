package org.pistream.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 by hand over a raw socket, for requests no well-behaved client would send. The
 * connection can come from any loopback address ({@code 127.0.0.2}, ...), so a test can play
 * several hosts against one server on one machine.
 */
final class RawHttp {
    static final String LOCALHOST = "127.0.0.1";
    private static final int MAX_BODY = 1 << 20;

    private RawHttp() {
    }

    /** An answer: status, headers with lower-case names (the last of repeated ones), body. */
    record Response(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + text();
        }
    }

    /** A connection from {@code localAddress} (e.g. {@code 127.0.0.2}) to the server. */
    static Socket connect(URI base, String localAddress) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** A well-formed request head for {@code GET path}, with extra header lines. */
    static byte[] get(URI base, String path, String... headerLines) {
        return request("GET", base, path, headerLines);
    }

    static byte[] request(String method, URI base, String path, String... headerLines) {
        StringBuilder sb = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ")
                .append(base.getHost()).append(':').append(base.getPort()).append("\r\n");
        for (String line : headerLines) {
            sb.append(line).append("\r\n");
        }
        return sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Sends {@code request} on a new connection from {@code localAddress} and reads one answer. */
    static Response exchange(URI base, String localAddress, byte[] request) throws IOException {
        try (Socket socket = connect(base, localAddress)) {
            return exchange(socket, request);
        }
    }

    static Response exchange(URI base, byte[] request) throws IOException {
        return exchange(base, LOCALHOST, request);
    }

    /** Sends {@code request} on {@code socket} and reads one answer; the socket stays open. */
    static Response exchange(Socket socket, byte[] request) throws IOException {
        socket.getOutputStream().write(request);
        socket.getOutputStream().flush();
        return read(socket.getInputStream(), request.length >= 4 && new String(request, 0, 4, StandardCharsets.ISO_8859_1).equals("HEAD"));
    }

    /** Reads one answer: by Content-Length, chunks, or up to the end of the connection. */
    static Response read(InputStream raw, boolean head) throws IOException {
        InputStream in = new BufferedInputStream(raw);
        String status = line(in);
        String[] words = status.split(" ", 3);
        if (words.length < 2 || !words[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP answer: " + status);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l = line(in); !l.isEmpty(); l = line(in)) {
            int colon = l.indexOf(':');
            if (colon <= 0) {
                throw new IOException("bad header line: " + l);
            }
            headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
        }
        int code = Integer.parseInt(words[1]);
        byte[] body;
        String length = headers.get("content-length");
        if (head || code == 204 || code == 304) {
            body = new byte[0];
        } else if (length != null) {
            body = in.readNBytes(Integer.parseInt(length));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = chunks(in);
        } else {
            body = upToEnd(in);
        }
        return new Response(code, headers, body);
    }

    /** Whether the server closed the connection (end of stream or reset) within {@code millis}. */
    static boolean closedWithin(Socket socket, long millis) throws IOException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        while (System.nanoTime() < deadline) {
            socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
            try {
                if (in.read(buffer) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException reset) {
                return true;
            }
        }
        return false;
    }

    private static byte[] chunks(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            int semi = size.indexOf(';');
            int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
            if (n == 0) {
                while (!line(in).isEmpty()) {
                    // trailers
                }
                return out.toByteArray();
            }
            out.write(in.readNBytes(n));
            line(in);
            if (out.size() > MAX_BODY) {
                throw new IOException("body over " + MAX_BODY + " bytes");
            }
        }
    }

    private static byte[] upToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            if (out.size() > MAX_BODY) {
                throw new IOException("body over " + MAX_BODY + " bytes");
            }
        }
        return out.toByteArray();
    }

    private static String line(InputStream in) throws IOException {
        return MjpegClient.readLine(in);
    }
}
