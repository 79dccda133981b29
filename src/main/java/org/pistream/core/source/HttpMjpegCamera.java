package org.pistream.core.source;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.pistream.core.Threads;
import org.pistream.core.jpeg.JpegFrameSplitter;
import org.pistream.core.jpeg.JpegVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A camera that is another MJPEG server: reads {@code multipart/x-mixed-replace} from a URL (another
 * pi-stream, or any MJPEG server) over one connection, however many clients this server has, and
 * publishes its frames. The HTTP kind of {@link SupervisedSource}: a lost, refused or failed
 * connection is retried with the same stepped {@link Backoff} while viewers see the no-signal
 * picture, a connection that delivers no frame for {@code camera-timeout} is dropped and opened
 * again (watchdog), and {@link #sleep} closes the connection until {@link #wake}.
 *
 * <p>Each part goes through the {@link JpegFrameSplitter}, ended after every part, so a truncated or
 * corrupt part is dropped and counted, never forwarded. The upstream {@code X-Timestamp} stays the
 * frame's capture time, so latency can be measured end to end; when it is more than
 * {@value #MAX_CLOCK_SKEW_SECONDS} s away from this machine's clock (clocks not in sync), the time of
 * receipt is used instead, since snapshots and keep-alives judge freshness by capture time.
 *
 * <p>Threads: {@code camera-http-reader} (the template's) connects, reads and sleeps the backoff. The
 * JDK's HTTP client is built on that thread, so its own threads get the system class loader as
 * context (see {@link Threads}); it has no close method before Java 21 and its selector thread then
 * ends once the client is collected. Other threads end a connection by cancelling the pending
 * request and closing the body stream, which wakes a blocked read.
 */
public final class HttpMjpegCamera extends SupervisedSource {
    private static final Logger log = LoggerFactory.getLogger(HttpMjpegCamera.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration HEADERS_TIMEOUT = Duration.ofSeconds(10);
    static final long MAX_CLOCK_SKEW_SECONDS = 5;

    private final URI url;
    private final String authorization;
    private final int maxFrameBytes;

    private volatile CompletableFuture<HttpResponse<InputStream>> pending;
    private volatile InputStream body;
    // Reader thread only.
    private HttpClient client;
    private MultipartReader parts;
    private long partMicros;
    private boolean skewLogged;

    /**
     * @param url           the stream's URL, without credentials (they would show in logs and stats)
     * @param user          basic-auth user, or null for none
     * @param password      basic-auth password (may be empty), used with {@code user}
     * @param cameraTimeout drop a connection that delivers no complete frame for this long (zero: never)
     */
    public HttpMjpegCamera(URI url, String user, String password, int maxFrameBytes, JpegVerifier.Level verify,
                           FrameSink sink, Backoff backoff, Duration cameraTimeout, int warmupFrames) {
        this(url, user, password, maxFrameBytes, verify, sink, backoff, cameraTimeout, warmupFrames, SourceClock.SYSTEM);
    }

    HttpMjpegCamera(URI url, String user, String password, int maxFrameBytes, JpegVerifier.Level verify, FrameSink sink,
                    Backoff backoff, Duration cameraTimeout, int warmupFrames, SourceClock clock) {
        super(log, "http", withoutCredentials(url).toString(), "camera-http-reader", maxFrameBytes, verify, sink, backoff,
                cameraTimeout, warmupFrames, clock);
        this.url = url;
        this.authorization = user == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
        this.maxFrameBytes = maxFrameBytes;
    }

    private static URI withoutCredentials(URI url) {
        if (url.getRawUserInfo() != null) {
            throw new IllegalArgumentException("pass credentials apart from the URL, so they stay out of logs: " + url.getHost());
        }
        return url;
    }

    @Override
    protected void open() throws OpenFailed {
        countStart();
        if (client == null) {
            client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(CONNECT_TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .build();
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(HEADERS_TIMEOUT).GET()
                .header("Accept", "multipart/x-mixed-replace, */*;q=0.1")
                .header("User-Agent", "pi-stream relay");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        CompletableFuture<HttpResponse<InputStream>> f = client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        pending = f;
        if (shouldEnd()) {
            f.cancel(true); // stop() or sleep() ran before the request was visible to them
        }
        HttpResponse<InputStream> response;
        try {
            response = f.get();
        } catch (ExecutionException e) {
            throw new OpenFailed(describe(e.getCause()));
        } catch (CancellationException e) {
            throw new OpenFailed(endReason() != null ? endReason() : "connection cancelled");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpenFailed("interrupted");
        } finally {
            pending = null;
        }
        InputStream in = response.body();
        body = in;
        try {
            if (shouldEnd()) {
                throw new OpenFailed(endReason()); // abort() ran before the body was visible to it
            }
            if (response.statusCode() != 200) {
                throw new OpenFailed("answered HTTP " + response.statusCode() + (response.statusCode() == 401
                        || response.statusCode() == 403 ? " (check the credentials)" : ""));
            }
            String boundary = MultipartReader.boundary(response.headers().firstValue("Content-Type").orElse(null));
            parts = new MultipartReader(in, boundary, maxFrameBytes, splitterCounters());
        } catch (IOException e) {
            closeBody();
            throw new OpenFailed(endReason() != null ? endReason() : "connection lost: " + e.getMessage());
        } catch (OpenFailed e) {
            closeBody();
            throw e;
        }
        log.info("Connected to {} (connection #{})", url, starts());
    }

    @Override
    protected void readFrames() throws IOException {
        JpegFrameSplitter splitter = splitter();
        while (parts.next()) {
            partMicros = parts.captureMicros();
            splitter.feed(parts.frame(), 0, parts.frameLength());
            splitter.endOfStream(); // a part that is not one whole JPEG is dropped here, not glued to the next
        }
    }

    @Override
    protected String close(String endReason, IOException readFailure) {
        parts = null;
        closeBody();
        if (endReason != null) {
            return endReason;
        }
        return readFailure != null ? "connection lost: " + readFailure.getMessage() : "source ended the stream";
    }

    private void closeBody() {
        InputStream in = body;
        body = null;
        closeQuietly(in);
    }

    /** Ends the current connection from any thread: cancels a pending request, closes the body (waking a blocked read). */
    @Override
    protected void abortRun() {
        CompletableFuture<HttpResponse<InputStream>> f = pending;
        if (f != null) {
            f.cancel(true);
        }
        closeQuietly(body);
    }

    private static void closeQuietly(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    @Override
    protected void readerEnded() {
        if (client instanceof AutoCloseable closeable) { // Java 21 and later
            try {
                closeable.close();
            } catch (Exception e) {
                log.debug("Closing the HTTP client failed", e);
            }
        }
    }

    /** The upstream capture time when it has one on a clock that agrees with ours, else now. */
    @Override
    protected long captureMicros() {
        long now = nowMicros();
        if (partMicros < 0) {
            return now;
        }
        long skew = now - partMicros;
        if (Math.abs(skew) > MAX_CLOCK_SKEW_SECONDS * 1_000_000L) {
            if (!skewLogged) {
                skewLogged = true;
                log.warn("Source {} stamps frames {} s away from this clock: using receipt times instead of its X-Timestamp",
                        url, skew / 1_000_000L);
            }
            return now;
        }
        return partMicros;
    }

    @Override
    protected void logStreaming(int length, long start) {
        log.info("Camera streaming: first frame of {} bytes from {} after connection #{}", length, url, start);
    }

    @Override
    protected void logRestart(String error, long ranMillis, long frames, long restart, long delayMillis) {
        log.warn("Source {}: {} after {} ms and {} frames; reconnect #{} in {} ms", url, error, ranMillis, frames, restart,
                delayMillis);
    }

    @Override
    protected void logIdle() {
        log.info("Disconnected from {}: nobody watching", url);
    }

    @Override
    protected void logWanted() {
        log.info("Camera wanted again: connecting to {}", url);
    }

    @Override
    protected void logWatchdog(String reason) {
        log.warn("Source {} {}: closing the connection (watchdog)", url, reason);
    }

    private String describe(Throwable t) {
        if (t instanceof HttpConnectTimeoutException) {
            return "unreachable (no connection within " + CONNECT_TIMEOUT.toSeconds() + " s)";
        }
        if (t instanceof HttpTimeoutException) {
            return "sent no response within " + HEADERS_TIMEOUT.toSeconds() + " s";
        }
        if (t instanceof ConnectException) {
            return "unreachable (connection refused)";
        }
        if (t instanceof java.nio.channels.UnresolvedAddressException) {
            return "unknown host " + url.getHost();
        }
        String message = t.getMessage();
        return "connection failed: " + (message != null ? message : t.getClass().getSimpleName());
    }

    @Override
    public String toString() {
        return "HttpMjpegCamera{" + status().state() + " " + url + " connections=" + starts() + "}";
    }
}
