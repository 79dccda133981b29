package org.pistream.web.stream;

import java.io.IOException;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.pistream.web.ShownValue;

/**
 * A camera's root ({@code /} for the default camera, {@code /cam/NAME/} for each; routed by
 * {@code web.CameraServlet}): the live-view page for a browser navigating to it, the MJPEG
 * stream for everything else (players, {@code curl}, {@code <img src="/">}), which have always had
 * the stream there. The page is the static {@value #PAGE}, served by the container's default
 * servlet (the embedded launcher adds one), so it is the same file in a container and embedded.
 *
 * <p>{@code /?action=stream} and {@code /?action=snapshot} are the classic streamer's URLs, which
 * OctoPi, Home Assistant guides and dashboards hard-code: they always get the stream or the
 * snapshot, also for a browser navigating to them (the URL names what it wants; Accept does not).
 */
public final class RootServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    public static final String PAGE = "/index.html";
    static final String ACTION = "action";

    private final StreamServlet stream;
    private final SnapshotServlet snapshot;

    /**
     * @param stream   the registered, initialised {@code /stream} servlet, which serves non-browser requests here too
     * @param snapshot the registered {@code /snapshot} servlet, for {@code ?action=snapshot}
     */
    public RootServlet(StreamServlet stream, SnapshotServlet snapshot) {
        this.stream = stream;
        this.snapshot = snapshot;
    }

    /** Whether this request gets the page: a browser navigating here, with no {@code ?action=}. */
    public static boolean wantsPage(HttpServletRequest request) {
        return request.getParameter(ACTION) == null && AcceptHeader.acceptsHtml(request.getHeader("Accept"));
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        String action = request.getParameter(ACTION);
        if (action != null) {
            // Called directly, not forwarded, for the same reason as the stream below.
            switch (action) {
                case "stream" -> stream.service(request, response);
                case "snapshot" -> snapshot.service(request, response);
                default -> {
                    response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
                    NoCache.apply(response);
                    response.setContentType("text/plain;charset=utf-8");
                    response.getWriter().println("Unknown action '" + ShownValue.of(action)
                            + "': pi-stream serves ?action=stream and ?action=snapshot.");
                }
            }
            return;
        }
        // One URL, two representations: caches must key the answer on Accept.
        response.setHeader("Vary", "Accept");
        if (wantsPage(request)) {
            request.getRequestDispatcher(PAGE).forward(request, response);
        } else {
            // Called directly, not forwarded: the stream goes async, and this servlet's registration
            // is async-supported in every container, where a forward's support is the container's choice.
            stream.service(request, response);
        }
    }
}
