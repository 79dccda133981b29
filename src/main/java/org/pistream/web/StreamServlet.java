package org.pistream.web;

import java.io.IOException;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.pistream.core.FrameBroadcaster;
import org.pistream.core.MultipartFraming;
import org.pistream.core.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /stream}: the live MJPEG stream ({@code multipart/x-mixed-replace}, WIRE.md). Each
 * request becomes a {@link StreamClient} subscribed to the broadcaster; no thread waits per client.
 * Past {@code max-clients} the request gets 503 with {@code Retry-After}.
 */
final class StreamServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(StreamServlet.class);
    static final int RETRY_AFTER_SECONDS = 5;

    private final transient FrameBroadcaster broadcaster;

    StreamServlet(FrameBroadcaster broadcaster) {
        this.broadcaster = broadcaster;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String remote = request.getRemoteAddr() + ":" + request.getRemotePort();
        StreamClient client = new StreamClient(remote, request.getHeader("User-Agent"), request.getRequestURI());
        Subscription subscription = broadcaster.subscribe(client);
        if (subscription == null) {
            log.warn("Client {} refused: {} of {} stream clients connected", remote, broadcaster.subscriberCount(),
                    broadcaster.maxSubscribers());
            response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            response.setHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
            NoCache.apply(response);
            response.setContentType("text/plain;charset=utf-8");
            response.getWriter().println("Too many stream clients (" + broadcaster.maxSubscribers() + "); try again later.");
            return;
        }
        try {
            writeHeaders(response);
            AsyncContext async = request.startAsync();
            async.setTimeout(0); // endless stream; stalled clients are handled by the connection's idle timeout
            client.attach(subscription, async, response.getOutputStream());
        } catch (IOException | RuntimeException e) {
            subscription.close();
            throw e;
        }
        log.info("Client #{} {} connected to {} ({}): {} of {} stream clients", subscription.id(), remote,
                request.getRequestURI(), client.userAgent(), broadcaster.subscriberCount(), broadcaster.maxSubscribers());
    }

    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) {
        writeHeaders(response);
    }

    private static void writeHeaders(HttpServletResponse response) {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(MultipartFraming.CONTENT_TYPE);
        NoCache.apply(response);
        response.setHeader("X-Accel-Buffering", "no"); // nginx: do not buffer the stream
        response.setHeader("Connection", "close");
    }
}
