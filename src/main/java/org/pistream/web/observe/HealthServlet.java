package org.pistream.web.observe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.pistream.core.Cameras;
import org.pistream.core.stats.Health;
import org.pistream.web.stream.AsyncResponses;
import org.pistream.web.stream.NoCache;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * {@code /healthz}: 200 and {@code {"status":"UP","checks":[...]}} while every camera delivers fresh
 * frames or is idle on purpose, 503 and {@code "DOWN"} otherwise, with a check per camera (the MicroProfile Health shape,
 * which Kubernetes probes, Docker's HEALTHCHECK with curl, systemd watchdog scripts and uptime
 * monitors all read by status code alone). Never starts an idle camera: a probe is not a viewer.
 */
public final class HealthServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final String CONTENT_TYPE = "application/json";

    private final transient Cameras cameras;

    public HealthServlet(Cameras cameras) {
        this.cameras = cameras;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws JsonProcessingException {
        Map<String, Health> health = health();
        byte[] body = JsonBody.of(body(health));
        NoCache.apply(response);
        response.setStatus(status(health));
        AsyncContext async = request.startAsync();
        AsyncResponses.send(async, CONTENT_TYPE, body, 0, body.length);
    }

    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) {
        NoCache.apply(response);
        response.setStatus(status(health()));
        response.setContentType(CONTENT_TYPE);
    }

    /** Each camera's health by name, in the configured order. */
    private Map<String, Health> health() {
        Map<String, Health> all = new LinkedHashMap<>();
        cameras.all().forEach((name, app) -> all.put(name, app.health()));
        return all;
    }

    private static boolean up(Map<String, Health> health) {
        return health.values().stream().allMatch(Health::up);
    }

    private static int status(Map<String, Health> health) {
        return up(health) ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE;
    }

    /** One check per camera: {@code camera} for a single camera, {@code camera NAME} for each of several. */
    static Map<String, Object> body(Map<String, Health> health) {
        List<Map<String, Object>> checks = new ArrayList<>();
        health.forEach((name, h) -> {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("state", h.state().key());
            data.put("lastFrameAgeMs", h.lastFrameAgeMillis());
            if (h.problem() != null) {
                data.put("problem", h.problem());
            }
            if (!h.up() && h.lastError() != null) {
                data.put("lastError", h.lastError()); // the camera's own words, also while it starts again
            }
            Map<String, Object> camera = new LinkedHashMap<>();
            camera.put("name", health.size() == 1 ? "camera" : "camera " + name);
            camera.put("status", h.up() ? "UP" : "DOWN");
            camera.put("data", data);
            checks.add(camera);
        });
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("status", up(health) ? "UP" : "DOWN");
        root.put("checks", checks);
        return root;
    }
}
