package org.pistream.web.control;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.pistream.core.PiStream;
import org.pistream.core.control.CameraControls;
import org.pistream.core.control.Control;
import org.pistream.core.control.ControlException;
import org.pistream.core.source.CameraState;
import org.pistream.web.security.SecurityCounters;
import org.pistream.web.stream.NoCache;

/**
 * {@code /controls} and {@code /cam/NAME/controls}: GET lists the camera's controls with their values
 * (no side effects); POST of a JSON object {@code {"name": value, ...}} sets them, all or none:
 * 400 naming the control, the value and the allowed range; 404 for a control the camera lacks;
 * 403 when the client may not change settings ({@link ControlAccess}); 415 without a JSON body.
 * A change the program takes at start only restarts the camera; viewers stay connected and see
 * "applying settings". The work (a device asked, a camera restarted) runs on the camera's controls
 * thread, never on a container thread.
 */
public final class ControlsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final long TIMEOUT_MILLIS = 30_000;

    private final transient PiStream app;
    private final transient ControlAccess access;
    private final transient SecurityCounters counters;

    public ControlsServlet(PiStream app, ControlAccess access, SecurityCounters counters) {
        this.app = app;
        this.access = access;
        this.counters = counters;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) {
        String refusal = access.permission(request);
        AsyncContext async = request.startAsync();
        async.setTimeout(TIMEOUT_MILLIS);
        run(async, () -> {
            try {
                answer(async, 200, listing(refusal));
            } catch (ControlException e) {
                answer(async, 502, Map.of("error", e.getMessage()));
            }
        });
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String refusal = access.refusal(request);
        if (refusal != null) {
            counters.controlRefusals.increment();
            error(response, 403, refusal);
            return;
        }
        String type = request.getContentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).matches("application/json\\s*(;.*)?")) {
            counters.controlRefusals.increment();
            error(response, 415, "Send the changes as Content-Type: application/json, e.g. {\"brightness\": 0.2}.");
            return;
        }
        byte[] body = request.getInputStream().readNBytes(request.getContentLength()); // small: the filter checked its length
        Map<String, Object> changes;
        try {
            changes = ControlsJson.changes(body);
        } catch (IllegalArgumentException e) {
            error(response, 400, "Bad request: " + e.getMessage());
            return;
        }
        String who = ControlAccess.who(request);
        AsyncContext async = request.startAsync();
        async.setTimeout(TIMEOUT_MILLIS);
        run(async, () -> {
            try {
                CameraControls.Change change = app.controls().set(changes, who);
                Map<String, Object> result = new LinkedHashMap<>();
                Map<String, Object> changed = new LinkedHashMap<>();
                change.changed().forEach((name, v) -> {
                    Map<String, Object> fromTo = new LinkedHashMap<>();
                    fromTo.put("from", v[0]);
                    fromTo.put("to", v[1]);
                    changed.put(name, fromTo);
                });
                result.put("changed", changed);
                result.put("restart", change.restart());
                answer(async, 200, result);
            } catch (ControlException e) {
                int status = switch (e.reason()) {
                    case UNKNOWN -> 404;
                    case INVALID, READ_ONLY -> 400;
                    case FAILED -> 502;
                };
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("error", e.getMessage());
                error.put("control", e.control());
                answer(async, status, error);
            }
        });
    }

    private Map<String, Object> listing(String refusal) throws ControlException {
        List<Map<String, Object>> controls = new ArrayList<>();
        for (Control c : app.controls().list()) {
            controls.add(ControlsJson.of(c));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("camera", app.name());
        m.put("kind", app.settings().source().kind());
        m.put("state", app.camera().status().state().key());
        m.put("applying", app.camera().status().state() == CameraState.APPLYING);
        m.put("canChange", refusal == null);
        if (refusal != null) {
            m.put("refusal", refusal);
        }
        m.put("controls", controls);
        return m;
    }

    /** Runs {@code task} on the camera's controls thread; 503 when it is busy with too many changes. */
    private void run(AsyncContext async, Task task) {
        try {
            app.onControlsThread(() -> {
                try {
                    task.run();
                } catch (IOException | RuntimeException e) {
                    try {
                        answer(async, 500, Map.of("error", "failed: " + e));
                    } catch (IOException | RuntimeException again) {
                        // the client went away
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            try {
                HttpServletResponse response = (HttpServletResponse) async.getResponse();
                response.setHeader("Retry-After", "2");
                answer(async, 503, Map.of("error", "busy applying earlier changes; try again"));
            } catch (IOException | RuntimeException again) {
                // the client went away
            }
        }
    }

    @FunctionalInterface
    private interface Task {
        void run() throws IOException;
    }

    private static void answer(AsyncContext async, int status, Map<String, Object> body) throws IOException {
        try {
            HttpServletResponse response = (HttpServletResponse) async.getResponse();
            response.setStatus(status);
            NoCache.apply(response);
            response.setContentType("application/json");
            byte[] bytes = ControlsJson.write(body);
            response.setContentLength(bytes.length);
            response.getOutputStream().write(bytes);
        } finally {
            async.complete();
        }
    }

    private static void error(HttpServletResponse response, int status, String text) throws IOException {
        response.setStatus(status);
        NoCache.apply(response);
        response.setContentType("application/json");
        byte[] bytes = ControlsJson.write(Map.of("error", text));
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
