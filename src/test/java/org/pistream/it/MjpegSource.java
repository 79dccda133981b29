package org.pistream.it;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;

import javax.imageio.ImageIO;

import com.sun.net.httpserver.HttpServer;

/**
 * An MJPEG source whose frames the test sends one write at a time, for a server that relays it
 * ({@code --camera-url}): the test, not a camera clock, decides when each frame exists and which
 * frames arrive together. Parts carry {@code Content-Length}, so the server publishes a frame as
 * soon as its bytes are in.
 */
final class MjpegSource implements AutoCloseable {
    private static final String BOUNDARY = "sourceframe";
    private static final List<byte[]> END = List.of();

    private final HttpServer http;
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private final BlockingQueue<List<byte[]>> writes = new LinkedBlockingQueue<>();

    private MjpegSource(HttpServer http) {
        this.http = http;
        http.setExecutor(handlers);
    }

    static MjpegSource start() throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        MjpegSource source = new MjpegSource(http);
        http.createContext("/stream", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "multipart/x-mixed-replace;boundary=" + BOUNDARY);
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                while (true) {
                    List<byte[]> frames = source.writes.take();
                    if (frames == END) {
                        return;
                    }
                    ByteArrayOutputStream write = new ByteArrayOutputStream();
                    for (byte[] jpeg : frames) {
                        write.writeBytes(("--" + BOUNDARY + "\r\nContent-Type: image/jpeg\r\nContent-Length: " + jpeg.length
                                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        write.writeBytes(jpeg);
                        write.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.write(write.toByteArray());
                    out.flush();
                }
            } catch (IOException | InterruptedException gone) {
                // the server closed the connection, or the source is closing
            }
        });
        http.start();
        return source;
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/stream");
    }

    /** Sends these frames in one write. */
    void send(byte[]... jpegs) {
        writes.add(List.of(jpegs));
    }

    /** A 32x24 JPEG whose colour says {@code n}: frames with different numbers differ. */
    static byte[] frame(int n) {
        BufferedImage image = new BufferedImage(32, 24, BufferedImage.TYPE_INT_RGB);
        int rgb = (n * 37 % 256) << 16 | (n * 91 % 256) << 8 | (n * 53 % 256);
        for (int y = 0; y < 24; y++) {
            for (int x = 0; x < 32; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "jpeg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        writes.add(END);
        http.stop(0);
        handlers.shutdownNow();
    }
}
