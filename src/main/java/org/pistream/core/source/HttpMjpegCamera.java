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

import org.pistream.core.Lifecycle;
import org.pistream.core.Threads;
import org.pistream.core.jpeg.FrameIntake;
import org.pistream.core.jpeg.JpegFrameSplitter;
import org.pistream.core.jpeg.SplitterCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A camera that is another MJPEG server: reads {@code multipart/x-mixed-replace} from a URL (another
 * pi-stream, or any MJPEG server) over one connection, however many clients this server has, and
 * publishes its frames. The model is {@link CameraSupervisor}: a lost, refused or failed connection
 * is retried with the same stepped {@link Backoff} while viewers see the no-signal picture, a
 * connection that delivers no frame for {@code camera-timeout} is dropped and opened again
 * (watchdog, from {@link #poll}), and {@link #sleep} closes the connection until {@link #wake}.
 *
 * <p>Each part goes through the {@link JpegFrameSplitter}, ended after every part, so a truncated or
 * corrupt part is dropped and counted, never forwarded. The upstream {@code X-Timestamp} stays the
 * frame's capture time, so latency can be measured end to end; when it is more than
 * {@value #MAX_CLOCK_SKEW_SECONDS} s away from this machine's clock (clocks not in sync), the time of
 * receipt is used instead, since snapshots and keep-alives judge freshness by capture time.
 *
 * <p>Threads: {@code camera-http-reader} (created in start, joined in stop) connects, reads and
 * sleeps the backoff. The JDK's HTTP client is built on that thread, so its own threads get the
 * system class loader as context (see {@link Threads}); it has no close method before Java 21 and
 * its selector thread then ends once the client is collected. Other threads end a connection by
 * cancelling the pending request and closing the body stream, which wakes a blocked read.
 */
public final class HttpMjpegCamera extends Lifecycle implements Camera {
    private static final Logger log = LoggerFactory.getLogger(HttpMjpegCamera.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration HEADERS_TIMEOUT = Duration.ofSeconds(10);
    static final long MAX_CLOCK_SKEW_SECONDS = 5;

    private final URI url;
    private final String authorization;
    private final int maxFrameBytes;
    private final FrameIntake intake;
    private final Backoff backoff;
    private final long timeoutNanos;
    private final int warmupFrames;
    private final SplitterCounters counters = new SplitterCounters();
    private final JpegFrameSplitter splitter;
    private final WakeSignal signal = new WakeSignal();

    private Thread reader;
    private volatile CompletableFuture<HttpResponse<InputStream>> pending;
    private volatile InputStream body;
    private volatile CameraState cameraState = CameraState.STOPPED;
    private volatile boolean sleeping;
    /** The current connection was closed by {@link #sleep}: not a failure, so no backoff when woken at once. */
    private volatile boolean closedForIdle;
    private volatile long starts;
    private volatile long restarts;
    private volatile long watchdogKills;
    private volatile long warmupDiscarded;
    private volatile String lastError;
    private volatile String endReason;
    private volatile long lastProgressNanos;
    private volatile long nextStartNanos;
    // Reader thread only.
    private long framesThisRun;
    private long partMicros;
    private boolean skewLogged;

    /**
     * @param url           the stream's URL, without credentials (they would show in logs and stats)
     * @param user          basic-auth user, or null for none
     * @param password      basic-auth password (may be empty), used with {@code user}
     * @param cameraTimeout drop a connection that delivers no complete frame for this long (zero: never)
     */
    public HttpMjpegCamera(URI url, String user, String password, int maxFrameBytes, FrameIntake intake,
                           Backoff backoff, Duration cameraTimeout, int warmupFrames) {
        if (url.getRawUserInfo() != null) {
            throw new IllegalArgumentException("pass credentials apart from the URL, so they stay out of logs: " + url.getHost());
        }
        this.url = url;
        this.authorization = user == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
        this.maxFrameBytes = maxFrameBytes;
        this.intake = intake;
        this.backoff = backoff;
        this.timeoutNanos = cameraTimeout.toNanos();
        this.warmupFrames = warmupFrames;
        this.splitter = new JpegFrameSplitter(maxFrameBytes, this::onFrame, counters);
    }

    @Override
    protected void doStart() {
        reader = Threads.daemon("camera-http-reader", this::superviseLoop);
        reader.start();
    }

    @Override
    protected void doStop() {
        abort("stopped");
        wakeReader();
        Threads.join(reader, 5000, log);
        cameraState = CameraState.STOPPED;
    }

    @Override
    public CameraStatus status() {
        long restartIn = cameraState == CameraState.RESTARTING
                ? Math.max(0, (nextStartNanos - System.nanoTime()) / 1_000_000) : -1;
        return new CameraStatus("http", url.toString(), cameraState, -1, starts, restarts, null, lastError, restartIn,
                watchdogKills, warmupDiscarded, splitter.bufferCapacity());
    }

    @Override
    public SplitterCounters splitterCounters() {
        return counters;
    }

    @Override
    public void poll(long now) {
        if (timeoutNanos > 0 && body != null && endReason == null && now - lastProgressNanos > timeoutNanos) {
            watchdogKills++;
            String reason = "sent no frame for " + timeoutNanos / 1_000_000_000L + " s";
            log.warn("Source {} {}: closing the connection (watchdog)", url, reason);
            abort(reason);
        }
    }

    @Override
    public void sleep() {
        if (sleeping) {
            return;
        }
        sleeping = true;
        closedForIdle = true;
        abort("stopped while idle");
        wakeReader(); // ends a backoff wait at once
    }

    @Override
    public void wake() {
        if (sleeping) {
            sleeping = false;
            log.info("Camera wanted again: connecting to {}", url);
            wakeReader();
        }
    }

    /** Ends the current connection from any thread: cancels a pending request, closes the body (waking a blocked read). */
    private void abort(String reason) {
        endReason = reason;
        CompletableFuture<HttpResponse<InputStream>> f = pending;
        if (f != null) {
            f.cancel(true);
        }
        InputStream b = body;
        if (b != null) {
            try {
                b.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private void wakeReader() {
        signal.wakeAll();
    }

    private void onFrame(byte[] jpeg, int offset, int length) {
        framesThisRun++;
        lastProgressNanos = System.nanoTime();
        if (framesThisRun <= warmupFrames) {
            warmupDiscarded++;
            return;
        }
        if (cameraState != CameraState.STREAMING) {
            cameraState = CameraState.STREAMING;
            log.info("Camera streaming: first frame of {} bytes from {} after connection #{}", length, url, starts);
        }
        intake.accept(jpeg, offset, length, captureMicros());
    }

    /** The upstream capture time when it has one on a clock that agrees with ours, else now. */
    private long captureMicros() {
        long now = CameraSupervisor.nowMicros();
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

    private void superviseLoop() {
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        try {
            while (!isStopping()) {
                if (sleeping) {
                    cameraState = CameraState.IDLE;
                    signal.await(Long.MAX_VALUE, () -> !isStopping() && sleeping);
                    continue;
                }
                long startedAt = System.nanoTime();
                framesThisRun = 0;
                runOnce(client);
                long ranMillis = (System.nanoTime() - startedAt) / 1_000_000;
                if (isStopping()) {
                    break;
                }
                if (sleeping || closedForIdle) {
                    log.info("Disconnected from {}: nobody watching", url);
                    continue; // asleep now, or woken again already: then reconnect without a backoff
                }
                long delay = backoff.nextDelayMillis(ranMillis, framesThisRun > warmupFrames);
                nextStartNanos = System.nanoTime() + delay * 1_000_000;
                cameraState = CameraState.RESTARTING;
                log.warn("Source {}: {} after {} ms and {} frames; reconnect #{} in {} ms", url, lastError, ranMillis,
                        framesThisRun, restarts + 1, delay);
                signal.await(delay, () -> !isStopping() && !sleeping);
                if (!isStopping() && !sleeping) {
                    restarts++;
                }
            }
        } finally {
            if (client instanceof AutoCloseable closeable) { // Java 21 and later
                try {
                    closeable.close();
                } catch (Exception e) {
                    log.debug("Closing the HTTP client failed", e);
                }
            }
        }
    }

    private void runOnce(HttpClient client) {
        cameraState = CameraState.STARTING;
        endReason = null;
        closedForIdle = false;
        splitter.endOfStream();
        starts++;
        lastProgressNanos = System.nanoTime();
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(HEADERS_TIMEOUT).GET()
                .header("Accept", "multipart/x-mixed-replace, */*;q=0.1")
                .header("User-Agent", "pi-stream relay");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        CompletableFuture<HttpResponse<InputStream>> f = client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        pending = f;
        if (isStopping() || sleeping) {
            f.cancel(true); // stop() or sleep() ran before the request was visible to them
        }
        HttpResponse<InputStream> response;
        try {
            response = f.get();
        } catch (ExecutionException e) {
            lastError = describe(e.getCause());
            return;
        } catch (CancellationException e) {
            lastError = endReason != null ? endReason : "connection cancelled";
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lastError = "interrupted";
            return;
        } finally {
            pending = null;
        }
        try (InputStream in = response.body()) {
            body = in;
            if (isStopping() || sleeping) {
                lastError = endReason;
                return; // abort() ran before the body was visible to it
            }
            if (response.statusCode() != 200) {
                lastError = "answered HTTP " + response.statusCode() + (response.statusCode() == 401 || response.statusCode() == 403
                        ? " (check the credentials)" : "");
                return;
            }
            String boundary = MultipartReader.boundary(response.headers().firstValue("Content-Type").orElse(null));
            log.info("Connected to {} (connection #{})", url, starts);
            MultipartReader parts = new MultipartReader(in, boundary, maxFrameBytes, counters);
            while (parts.next()) {
                partMicros = parts.captureMicros();
                splitter.feed(parts.frame(), 0, parts.frameLength());
                splitter.endOfStream(); // a part that is not one whole JPEG is dropped here, not glued to the next
            }
            lastError = endReason != null ? endReason : "source ended the stream";
        } catch (IOException e) {
            lastError = endReason != null ? endReason : "connection lost: " + e.getMessage();
        } finally {
            body = null;
            splitter.endOfStream();
        }
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
        return "HttpMjpegCamera{" + cameraState + " " + url + " connections=" + starts + "}";
    }
}
