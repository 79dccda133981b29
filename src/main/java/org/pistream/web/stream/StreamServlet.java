package org.pistream.web.stream;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.pistream.core.LogGate;
import org.pistream.core.fanout.FrameBroadcaster;
import org.pistream.core.fanout.FramePacer;
import org.pistream.core.fanout.MultipartFraming;
import org.pistream.core.fanout.StreamOptions;
import org.pistream.core.fanout.Subscription;
import org.pistream.core.settings.Secrets;
import org.pistream.web.ShownValue;
import org.pistream.web.security.Refusals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /stream}: the live MJPEG stream ({@code multipart/x-mixed-replace}, WIRE.md). Each
 * request becomes a {@link StreamClient} subscribed to the broadcaster; no thread waits per client.
 * Past {@code max-clients} the request gets 503 with {@code Retry-After}.
 *
 * <p>Per request, {@code ?advance_headers=1} and {@code ?dual_final_frames=1} choose the browser
 * workarounds of {@link StreamOptions}; without them every part carries {@code Content-Length}.
 * {@code ?fps=N} caps the client at N frames a second, always the newest; a value that is not a
 * number from {@value FramePacer#MIN_FPS} to {@value FramePacer#MAX_FPS} gets 400 saying so.
 */
public final class StreamServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(StreamServlet.class);
    static final String ADVANCE_HEADERS = "advance_headers";
    static final String DUAL_FINAL_FRAMES = "dual_final_frames";
    static final String FPS = "fps";
    /** Plain decimals only: Double.parseDouble alone would also take "NaN", "1e2" and hex. */
    private static final Pattern DECIMAL = Pattern.compile("\\d{1,4}(\\.\\d{1,6})?|\\.\\d{1,6}");
    private static final int MAX_PATH_LENGTH = 200;
    private static final Set<String> YES = Set.of("1", "true", "yes", "on");

    private final transient FrameBroadcaster broadcaster;
    private final transient ScheduledExecutorService timer;
    private final transient ChunkWriter writer;
    /** Refusals are per request: a client can ask again and again, so their lines are rate-limited. */
    private final transient LogGate fullLog = new LogGate(10, TimeUnit.SECONDS);
    private final transient LogGate badFpsLog = new LogGate(10, TimeUnit.SECONDS);

    /**
     * @param timer  the pi-stream timer, which wakes clients with a frame-rate cap when their next frame is due
     * @param writer how clients write to this container's output streams
     */
    public StreamServlet(FrameBroadcaster broadcaster, ScheduledExecutorService timer, ChunkWriter writer) {
        this.broadcaster = broadcaster;
        this.timer = timer;
        this.writer = writer;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // A client forwarded by a trusted proxy has an address but no known port (0).
        String remote = request.getRemotePort() > 0 ? request.getRemoteAddr() + ":" + request.getRemotePort() : request.getRemoteAddr();
        String fpsValue = request.getParameter(FPS);
        double maxFps = fpsValue == null ? 0 : maxFps(fpsValue.trim());
        if (maxFps < 0) {
            String more = badFpsLog.pass();
            if (more != null) {
                log.info("Client {} refused: bad {}={}{}; these are logged at most every 10 s", remote, FPS,
                        ShownValue.of(fpsValue), more);
            }
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            NoCache.apply(response);
            response.setContentType("text/plain;charset=utf-8");
            response.getWriter().println("Invalid fps '" + ShownValue.of(fpsValue) + "': must be a number of frames per second from "
                    + FramePacer.MIN_FPS + " to " + FramePacer.MAX_FPS + ", such as 2 or 0.5.");
            return;
        }
        StreamOptions options = new StreamOptions(flag(request, ADVANCE_HEADERS), flag(request, DUAL_FINAL_FRAMES), maxFps);
        StreamClient client = new StreamClient(remote, request.getHeader("User-Agent"), pathAndQuery(request), options, timer,
                broadcaster.deliveryLatency(), writer);
        Subscription subscription = broadcaster.subscribe(client);
        if (subscription == null) {
            String more = fullLog.pass();
            if (more != null) {
                log.warn("Client {} refused: {} of {} stream clients connected{}; refusals are logged at most every 10 s "
                        + "and counted in /stats", remote, broadcaster.subscriberCount(), broadcaster.maxSubscribers(), more);
            }
            response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            response.setHeader("Retry-After", Integer.toString(Refusals.RETRY_AFTER_SECONDS));
            NoCache.apply(response);
            response.setContentType("text/plain;charset=utf-8");
            response.getWriter().println("Too many stream clients (" + broadcaster.maxSubscribers() + "); try again later.");
            return;
        }
        try {
            writeHeaders(response);
            AsyncContext async = request.startAsync();
            async.setTimeout(0); // endless stream; a stalled client is dropped by the StallWatch (client-timeout)
            client.attach(subscription, async, response.getOutputStream(), request);
        } catch (IOException | RuntimeException e) {
            subscription.close();
            throw e;
        }
        ViewerLog.Line line = ViewerLog.connected();
        log.atLevel(line.level()).log("Client #{} {} connected to {} ({}): {} of {} stream clients{}", subscription.id(), remote,
                ShownValue.of(client.path(), ShownValue.LOG_MAX), ShownValue.of(client.userAgent(), ShownValue.LOG_MAX),
                broadcaster.subscriberCount(), broadcaster.maxSubscribers(), line.more());
    }

    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) {
        writeHeaders(response);
    }

    /**
     * The request's path with its query, as {@code /stats} lists it: the live-view page tags its
     * stream with {@code client=TOKEN} and looks for it there, because an {@code <img>} tells a page
     * nothing when its stream ends. Cut short, so a long query cannot bloat the stats; a parameter
     * such as {@code token=} (added by a proxy or a dashboard) is masked before stats and logs see it.
     */
    private static String pathAndQuery(HttpServletRequest request) {
        String query = request.getQueryString();
        String path = query == null ? request.getRequestURI() : request.getRequestURI() + "?" + query;
        return Secrets.redact(path.length() <= MAX_PATH_LENGTH ? path : path.substring(0, MAX_PATH_LENGTH));
    }

    /** The {@code fps} value as a frame-rate cap, or -1 when it is not a number in the allowed range. */
    private static double maxFps(String value) {
        if (!DECIMAL.matcher(value).matches()) {
            return -1;
        }
        double fps = Double.parseDouble(value);
        return fps >= FramePacer.MIN_FPS && fps <= FramePacer.MAX_FPS ? fps : -1;
    }

    /** A yes/no query parameter as the field writes them: {@code 1}, {@code true}, {@code yes} or {@code on}. */
    private static boolean flag(HttpServletRequest request, String name) {
        String value = request.getParameter(name);
        return value != null && YES.contains(value.trim().toLowerCase(Locale.ROOT));
    }

    private static void writeHeaders(HttpServletResponse response) {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(MultipartFraming.CONTENT_TYPE);
        NoCache.apply(response);
        response.setHeader("X-Accel-Buffering", "no"); // nginx: do not buffer the stream
        response.setHeader("Connection", "close");
    }
}
