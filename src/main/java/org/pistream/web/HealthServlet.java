package org.pistream.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.pistream.core.Health;
import org.pistream.core.PiStream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code /healthz}: 200 and {@code {"status":"UP","checks":[...]}} while the camera delivers fresh
 * frames or is idle on purpose, 503 and {@code "DOWN"} otherwise (the MicroProfile Health shape,
 * which Kubernetes probes, Docker's HEALTHCHECK with curl, systemd watchdog scripts and uptime
 * monitors all read by status code alone). Never starts an idle camera: a probe is not a viewer.
 */
final class HealthServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/json";

    private final transient PiStream app;

    HealthServlet(PiStream app) {
        this.app = app;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws JsonProcessingException {
        Health health = app.health();
        byte[] body = JSON.writeValueAsBytes(body(health));
        NoCache.apply(response);
        response.setStatus(status(health));
        AsyncContext async = request.startAsync();
        AsyncResponses.send(async, CONTENT_TYPE, body, 0, body.length);
    }

    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) {
        NoCache.apply(response);
        response.setStatus(status(app.health()));
        response.setContentType(CONTENT_TYPE);
    }

    private static int status(Health health) {
        return health.up() ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE;
    }

    static Map<String, Object> body(Health health) {
        String status = health.up() ? "UP" : "DOWN";
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("state", health.state().key());
        data.put("lastFrameAgeMs", health.lastFrameAgeMillis());
        if (health.problem() != null) {
            data.put("problem", health.problem());
        }
        Map<String, Object> camera = new LinkedHashMap<>();
        camera.put("name", "camera");
        camera.put("status", status);
        camera.put("data", data);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("status", status);
        root.put("checks", List.of(camera));
        return root;
    }
}
