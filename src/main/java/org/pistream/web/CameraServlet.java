package org.pistream.web;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.pistream.web.control.ControlsServlet;
import org.pistream.web.observe.StatsServlet;
import org.pistream.web.stream.NoCache;
import org.pistream.web.stream.SnapshotServlet;
import org.pistream.web.stream.StreamServlet;

/**
 * {@code /cam/NAME/stream}, {@code /cam/NAME/snapshot} and {@code /cam/NAME/stats}: each camera's
 * own endpoints, served by that camera's servlets, which behave exactly as {@code /stream},
 * {@code /snapshot} and {@code /stats} do for the default camera (the same query parameters, limits
 * and answers). One registration for every camera, so the servlets are called directly, as the
 * context root calls the stream.
 */
public final class CameraServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    public static final String PATH = RequestPaths.CAMERAS;
    public static final String STREAM = "stream";
    public static final String SNAPSHOT = "snapshot";
    public static final String STATS = "stats";
    public static final String CONTROLS = "controls";

    /** One camera's servlets. */
    public record Endpoints(StreamServlet stream, SnapshotServlet snapshot, StatsServlet stats, ControlsServlet controls) {
        HttpServlet get(String endpoint) {
            return switch (endpoint) {
                case STREAM -> stream;
                case SNAPSHOT -> snapshot;
                case STATS -> stats;
                case CONTROLS -> controls;
                default -> null;
            };
        }
    }

    private final transient Map<String, Endpoints> cameras;

    /** @param cameras every camera's servlets by name, in the order they are listed */
    public CameraServlet(Map<String, Endpoints> cameras) {
        this.cameras = Collections.unmodifiableMap(new LinkedHashMap<>(cameras));
    }

    @Override
    public void init(ServletConfig config) throws ServletException {
        super.init(config);
        // The camera servlets are not registered themselves: they get this registration's config,
        // which /stats needs for the context's attributes.
        for (Endpoints e : cameras.values()) {
            e.stream().init(config);
            e.snapshot().init(config);
            e.stats().init(config);
            e.controls().init(config);
        }
    }

    @Override
    public void destroy() {
        for (Endpoints e : cameras.values()) {
            e.stream().destroy();
            e.snapshot().destroy();
            e.stats().destroy();
            e.controls().destroy();
        }
        super.destroy();
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        String[] parts = path.split("/", -1); // "/NAME/ENDPOINT" -> "", NAME, ENDPOINT
        Endpoints camera = parts.length == 3 ? cameras.get(parts[1]) : null;
        HttpServlet servlet = camera == null ? null : camera.get(parts[2]);
        if (servlet == null) {
            notFound(response, parts.length >= 2 ? parts[1] : "");
            return;
        }
        servlet.service(request, response);
    }

    private void notFound(HttpServletResponse response, String name) throws IOException {
        response.setStatus(HttpServletResponse.SC_NOT_FOUND);
        NoCache.apply(response);
        response.setContentType("text/plain;charset=utf-8");
        String known = String.join(", ", cameras.keySet());
        if (cameras.containsKey(name)) {
            response.getWriter().println("Camera '" + name + "' serves /" + PATH + "/" + name + "/" + STREAM + ", /" + PATH + "/"
                    + name + "/" + SNAPSHOT + " and /" + PATH + "/" + name + "/" + STATS + ".");
        } else {
            response.getWriter().println("No camera '" + ShownValue.of(name) + "'. Cameras: " + known
                    + "; each serves /" + PATH + "/NAME/" + STREAM + ", /" + PATH + "/NAME/" + SNAPSHOT + " and /" + PATH
                    + "/NAME/" + STATS + ".");
        }
    }
}
