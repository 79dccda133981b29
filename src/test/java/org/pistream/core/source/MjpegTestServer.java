package org.pistream.core.source;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A scripted MJPEG server on a loopback port chosen by the system: each request gets the next
 * scripted answer; once the script is used up, the headers of a stream that then sends nothing.
 * Answers that hang are let go on {@link #close()}.
 */
final class MjpegTestServer implements AutoCloseable {
    static final String BOUNDARY = "frame";

    /** One answer to one request. */
    interface Answer {
        void write(HttpExchange exchange, CountDownLatch closing) throws IOException, InterruptedException;
    }

    /** A part; its {@code X-Timestamp} is the time it is sent plus {@code stampOffsetMicros}, or none when null. */
    record Part(byte[] jpeg, Long stampOffsetMicros) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final BlockingQueue<Answer> script = new LinkedBlockingQueue<>();
    private final List<Headers> requests = new ArrayList<>();
    private final List<Long> stamps = new ArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);

    MjpegTestServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/stream");
    }

    MjpegTestServer then(Answer answer) {
        script.add(answer);
        return this;
    }

    synchronized List<Headers> requests() {
        return List.copyOf(requests);
    }

    /** The {@code X-Timestamp} values sent, in microseconds. */
    synchronized List<Long> stamps() {
        return List.copyOf(stamps);
    }

    private synchronized void stamped(long micros) {
        stamps.add(micros);
    }

    void awaitRequests(int n) {
        Await.until(() -> n + " requests, got " + requests().size(), () -> requests().size() >= n);
    }

    private void handle(HttpExchange exchange) throws IOException {
        synchronized (this) {
            requests.add(exchange.getRequestHeaders());
        }
        Answer answer = script.poll();
        try (exchange) {
            (answer != null ? answer : parts(true)).write(exchange, closing);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client went away
        }
    }

    /** A stream of these frames without timestamps; then the end of the body, or silence while {@code hang}. */
    Answer parts(boolean hang, byte[]... frames) {
        List<Part> parts = new ArrayList<>();
        for (byte[] frame : frames) {
            parts.add(new Part(frame, null));
        }
        return stream(hang, parts);
    }

    Answer stream(boolean hang, List<Part> parts) {
        return (exchange, closing) -> {
            exchange.getResponseHeaders().set("Content-Type", "multipart/x-mixed-replace;boundary=" + BOUNDARY);
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            for (Part part : parts) {
                String stamp = null;
                if (part.stampOffsetMicros() != null) {
                    long micros = SupervisedSource.nowMicros() + part.stampOffsetMicros();
                    stamped(micros);
                    stamp = micros / 1_000_000 + "." + String.format("%06d", micros % 1_000_000);
                }
                String head = "--" + BOUNDARY + "\r\nContent-Type: image/jpeg\r\nContent-Length: " + part.jpeg().length
                        + (stamp != null ? "\r\nX-Timestamp: " + stamp : "") + "\r\n\r\n";
                out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                out.write(part.jpeg());
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            out.flush();
            if (hang) {
                closing.await();
            }
        };
    }

    static Answer status(int code) {
        return (exchange, closing) -> exchange.sendResponseHeaders(code, -1);
    }

    static Answer page(String contentType) {
        return (exchange, closing) -> {
            byte[] body = "<html>not a stream</html>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        };
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
