package org.pistream.web.stream;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.pistream.core.PiStream;
import org.pistream.core.fanout.Frame;
import org.pistream.web.security.Refusals;

/**
 * {@code /snapshot}: the newest camera frame as {@code image/jpeg}, never the no-signal picture. When
 * no fresh frame exists (before the first, or while the camera is down or idle) it waits up to
 * {@code snapshot-timeout} seconds for the next one (on the pi-stream timer, no thread waits), then
 * answers 503 with {@code Retry-After}.
 */
public final class SnapshotServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** The container's own deadline, beyond ours, for a client that never reads its answer. */
    private static final long SAFETY_MARGIN_MILLIS = 60_000;

    private final transient PiStream app;
    private final long timeoutMillis;

    /** @param timeoutMillis how long a request waits for a fresh frame ({@code snapshot-timeout}) */
    public SnapshotServlet(PiStream app, long timeoutMillis) {
        this.app = app;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) {
        AsyncContext async = request.startAsync();
        async.setTimeout(timeoutMillis + SAFETY_MARGIN_MILLIS);
        Frame fresh = app.freshFrame();
        if (fresh != null) {
            sendFrame(async, fresh);
            return;
        }
        AtomicBoolean answered = new AtomicBoolean();
        Runnable cancelWait = app.broadcaster().awaitNextFrame(frame -> {
            if (answered.compareAndSet(false, true)) {
                sendFrame(async, frame);
            }
        });
        ScheduledFuture<?> deadline = app.timer().schedule(() -> {
            if (answered.compareAndSet(false, true)) {
                cancelWait.run();
                sendUnavailable(async);
            }
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        async.addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                release();
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                release();
                AsyncResponses.completeQuietly(async);
            }

            @Override
            public void onError(AsyncEvent event) {
                release();
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
            }

            private void release() {
                cancelWait.run();
                deadline.cancel(false);
            }
        });
    }

    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) {
        Frame latest = app.freshFrame();
        NoCache.apply(response);
        if (latest == null) {
            response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            response.setHeader("Retry-After", Integer.toString(Refusals.RETRY_AFTER_SECONDS));
            return;
        }
        response.setContentType("image/jpeg");
        response.setContentLength(latest.jpegLength());
        response.setHeader("X-Timestamp", latest.timestamp());
    }

    private void sendFrame(AsyncContext async, Frame frame) {
        Frame.Bytes jpeg = frame.jpeg();
        if (jpeg == null) {
            // Its off-heap part was given back (newer frames replaced it): the newest is as good.
            frame = app.freshFrame();
            jpeg = frame == null ? null : frame.jpeg();
        }
        if (jpeg == null) {
            sendUnavailable(async);
            return;
        }
        HttpServletResponse response = (HttpServletResponse) async.getResponse();
        NoCache.apply(response);
        response.setHeader("X-Timestamp", frame.timestamp());
        AsyncResponses.send(async, "image/jpeg", jpeg.array(), jpeg.offset(), jpeg.length());
    }

    private static void sendUnavailable(AsyncContext async) {
        HttpServletResponse response = (HttpServletResponse) async.getResponse();
        NoCache.apply(response);
        response.setHeader("Retry-After", Integer.toString(Refusals.RETRY_AFTER_SECONDS));
        AsyncResponses.sendText(async, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "No camera frame yet; try again shortly.");
    }
}
