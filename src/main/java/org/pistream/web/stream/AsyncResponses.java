package org.pistream.web.stream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Sends one complete body on a started {@link AsyncContext} without blocking a thread: the body
 * is written when the connection is ready, and the context is completed once, after the write.
 * May be called from any thread.
 */
public final class AsyncResponses {
    private AsyncResponses() {
    }

    public static void send(AsyncContext async, String contentType, byte[] body, int offset, int length) {
        HttpServletResponse response = (HttpServletResponse) async.getResponse();
        response.setContentType(contentType);
        response.setContentLength(length);
        try {
            ServletOutputStream out = response.getOutputStream();
            out.setWriteListener(new OneShotWriter(async, out, body, offset, length));
        } catch (IOException | IllegalStateException e) {
            completeQuietly(async);
        }
    }

    /** A short plain-text answer, such as a 503 with {@code Retry-After}. */
    static void sendText(AsyncContext async, int status, String text) {
        HttpServletResponse response = (HttpServletResponse) async.getResponse();
        response.setStatus(status);
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        send(async, "text/plain;charset=utf-8", body, 0, body.length);
    }

    static void completeQuietly(AsyncContext async) {
        try {
            async.complete();
        } catch (IllegalStateException alreadyCompleted) {
            // The container completed it (client gone, timeout): nothing left to do.
        }
    }

    private static final class OneShotWriter implements WriteListener {
        private final AsyncContext async;
        private final ServletOutputStream out;
        private final byte[] body;
        private final int offset;
        private final int length;
        private final AtomicBoolean written = new AtomicBoolean();
        private final AtomicBoolean completed = new AtomicBoolean();

        OneShotWriter(AsyncContext async, ServletOutputStream out, byte[] body, int offset, int length) {
            this.async = async;
            this.out = out;
            this.body = body;
            this.offset = offset;
            this.length = length;
        }

        @Override
        public void onWritePossible() throws IOException {
            if (written.compareAndSet(false, true)) {
                out.write(body, offset, length);
            }
            // When the write could not finish at once, the container calls back once it has.
            if (out.isReady()) {
                complete();
            }
        }

        @Override
        public void onError(Throwable t) {
            complete();
        }

        private void complete() {
            if (completed.compareAndSet(false, true)) {
                completeQuietly(async);
            }
        }
    }
}
