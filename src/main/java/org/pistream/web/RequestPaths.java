package org.pistream.web;

import jakarta.servlet.http.HttpServletRequest;

/** Where a request goes within the webapp, as the container decoded and normalised it. */
public final class RequestPaths {
    /** The first path segment of every named camera's URLs: {@code /cam/NAME/stream}. */
    public static final String CAMERAS = "cam";

    private RequestPaths() {
    }

    /**
     * The path below the context path, e.g. {@code /stream}, {@code /} for the context root. Built
     * from the servlet path and path info, never from the raw URI, so {@code /%68ealthz} or
     * {@code /a/../stream} mean what the servlets will serve.
     */
    public static String within(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
        return path.isEmpty() ? "/" : path;
    }
}
