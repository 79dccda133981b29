package org.pistream.web.observe;

import java.util.Map;
import java.util.function.Supplier;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.pistream.core.Cameras;
import org.pistream.core.PiStream;
import org.pistream.web.PiStreamContextListener;
import org.pistream.web.RequestPaths;
import org.pistream.web.security.SecurityCounters;
import org.pistream.web.stream.AsyncResponses;
import org.pistream.web.stream.NoCache;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * {@code /stats}: the server's numbers as JSON (docs/STATS.md): the default camera's in full, and
 * every camera in a line under {@code cameras}. {@code /cam/NAME/stats} is the same for camera NAME.
 */
public final class StatsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final String CONTENT_TYPE = "application/json";

    private final transient Cameras cameras;
    private final transient PiStream app;
    private final String version;
    private final transient SecurityCounters counters;

    /** @param app the camera shown in full */
    public StatsServlet(Cameras cameras, PiStream app, String version, SecurityCounters counters) {
        this.cameras = cameras;
        this.app = app;
        this.version = version;
        this.counters = counters;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws JsonProcessingException {
        Map<String, Object> report = StatsReport.of(app, version, cameras.settings().shown(app.settings()));
        StatsReport.addBase(report, base(RequestPaths.within(request)));
        SecurityStats.addTo(report, cameras.settings(), counters, connections());
        report.put("cameras", StatsReport.cameras(cameras));
        byte[] body = JsonBody.of(report);
        NoCache.apply(response);
        AsyncContext async = request.startAsync();
        AsyncResponses.send(async, CONTENT_TYPE, body, 0, body.length);
    }

    /**
     * Where this camera's URLs are, relative to the context root: {@code ""} for {@code /stats},
     * {@code "cam/NAME/"} for {@code /cam/NAME/stats}. The page at {@code /cam/NAME/} learns from it
     * how far up the context root is.
     */
    static String base(String within) {
        int end = within.lastIndexOf('/');
        return end <= 0 ? "" : within.substring(1, end + 1);
    }

    /** The embedded server's connection numbers ({@link PiStreamContextListener#CONNECTIONS_ATTRIBUTE}), or null. */
    @SuppressWarnings("unchecked")
    private Supplier<Map<String, Object>> connections() {
        Object value = getServletContext().getAttribute(PiStreamContextListener.CONNECTIONS_ATTRIBUTE);
        return value instanceof Supplier<?> supplier ? (Supplier<Map<String, Object>>) supplier : null;
    }

    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) {
        NoCache.apply(response);
        response.setContentType(CONTENT_TYPE);
    }
}
