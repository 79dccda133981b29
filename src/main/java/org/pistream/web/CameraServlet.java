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
import org.pistream.web.stream.RootServlet;
import org.pistream.web.stream.SnapshotServlet;
import org.pistream.web.stream.StreamServlet;

/**
 * The context root and everything under {@code /cam/}: which camera a request is for.
 * <ul>
 * <li>{@code /} is the default camera's root ({@link RootServlet}: the page for a browser, the stream
 * for everything else, {@code ?action=stream|snapshot}); {@code /?camera=NAME} is camera NAME's, and
 * {@code /?camera=all} the page with every camera (for a browser).</li>
 * <li>{@code /cam/NAME/} is camera NAME's root, answered exactly as {@code /} is for the default camera;
 * {@code /cam/NAME/stream}, {@code /snapshot} and {@code /stats} behave as {@code /stream},
 * {@code /snapshot} and {@code /stats} do (the same query parameters, limits and answers);
 * {@code /cam/NAME/assets/...} are the page's files, which its relative URLs ask for there.</li>
 * <li>An unknown camera is 404 naming the cameras, wherever it is named.</li>
 * </ul>
 * One registration for every camera, so the servlets are called directly, not forwarded to.
 */
public final class CameraServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    public static final String PATH = RequestPaths.CAMERAS;
    public static final String STREAM = "stream";
    public static final String SNAPSHOT = "snapshot";
    public static final String STATS = "stats";
    public static final String CONTROLS = "controls";
    /** The query parameter naming a camera on the context root: {@code /?action=snapshot&camera=back}. */
    public static final String CAMERA = "camera";
    /** {@code ?camera=all}: the page showing every camera. */
    public static final String ALL = "all";
    private static final String ASSETS = "assets/";

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
    private final transient Map<String, RootServlet> roots = new LinkedHashMap<>();
    private final String defaultName;

    /**
     * @param cameras     every camera's servlets by name, in the order they are listed
     * @param defaultName the camera the context root serves
     */
    public CameraServlet(Map<String, Endpoints> cameras, String defaultName) {
        this.cameras = Collections.unmodifiableMap(new LinkedHashMap<>(cameras));
        this.defaultName = defaultName;
        cameras.forEach((name, e) -> roots.put(name, new RootServlet(e.stream(), e.snapshot())));
        if (!roots.containsKey(defaultName)) {
            throw new IllegalArgumentException("no camera " + defaultName + " among " + cameras.keySet());
        }
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
        for (RootServlet root : roots.values()) {
            root.init(config);
        }
    }

    @Override
    public void destroy() {
        for (RootServlet root : roots.values()) {
            root.destroy();
        }
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
        if (RequestPaths.within(request).equals("/")) {
            contextRoot(request, response);
            return;
        }
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        String[] parts = path.split("/", 3); // "/NAME/REST" -> "", NAME, REST
        String name = parts.length >= 2 ? parts[1] : "";
        Endpoints camera = cameras.get(name);
        if (camera == null) {
            notFound(response, name);
            return;
        }
        String named = request.getParameter(CAMERA);
        if (named != null && !named.equals(name)) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            NoCache.apply(response);
            response.setContentType("text/plain;charset=utf-8");
            response.getWriter().println("The path names camera '" + name + "' and the query camera '" + ShownValue.of(named)
                    + "': name it once, as /" + PATH + "/NAME/ or /?" + CAMERA + "=NAME.");
            return;
        }
        if (parts.length == 2) {
            // "/cam/NAME": the page's relative URLs need the slash; a player gets the stream here as well.
            if (RootServlet.wantsPage(request)) {
                String query = request.getQueryString();
                NoCache.apply(response);
                response.sendRedirect(name + "/" + (query == null ? "" : "?" + query));
            } else {
                roots.get(name).service(request, response);
            }
            return;
        }
        String rest = parts[2];
        if (rest.isEmpty()) {
            roots.get(name).service(request, response);
            return;
        }
        if (rest.startsWith(ASSETS) && isPlainFileName(rest.substring(ASSETS.length()))) {
            // The page at /cam/NAME/ asks for assets/app.js there: the same files as at the root.
            request.getRequestDispatcher("/" + rest).forward(request, response);
            return;
        }
        HttpServlet servlet = camera.get(rest);
        if (servlet == null) {
            notFound(response, name);
            return;
        }
        servlet.service(request, response);
    }

    /** {@code /}: the default camera's root, or the one {@code ?camera=} names. */
    private void contextRoot(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        String named = request.getParameter(CAMERA);
        if (named == null || (named.equals(ALL) && RootServlet.wantsPage(request))) {
            roots.get(defaultName).service(request, response); // the page reads ?camera= itself
            return;
        }
        RootServlet root = roots.get(named);
        if (root == null) {
            notFound(response, named);
            return;
        }
        root.service(request, response);
    }

    /** "app.js", "icons/x.svg": no empty, dot-only or hidden segment, so the forward stays within /assets/. */
    private static boolean isPlainFileName(String file) {
        if (file.isEmpty() || file.contains("\\")) {
            return false;
        }
        for (String segment : file.split("/", -1)) {
            if (segment.isEmpty() || segment.startsWith(".")) {
                return false;
            }
        }
        return true;
    }

    private void notFound(HttpServletResponse response, String name) throws IOException {
        response.setStatus(HttpServletResponse.SC_NOT_FOUND);
        NoCache.apply(response);
        response.setContentType("text/plain;charset=utf-8");
        String known = String.join(", ", cameras.keySet());
        String each = "/" + PATH + "/NAME/ (the page, or the stream for a player), /" + PATH + "/NAME/" + STREAM + ", /" + PATH
                + "/NAME/" + SNAPSHOT + ", /" + PATH + "/NAME/" + STATS + " and /?action=" + STREAM + "|" + SNAPSHOT + "&" + CAMERA
                + "=NAME";
        if (cameras.containsKey(name)) {
            response.getWriter().println("Camera '" + name + "' serves " + each.replace("NAME", name) + ".");
        } else {
            response.getWriter().println("No camera '" + ShownValue.of(name) + "'. Cameras: " + known + "; each serves " + each + ".");
        }
    }
}
