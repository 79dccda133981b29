package org.pistream.web;

import java.io.IOException;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The context root ({@code /}): the live-view page for a browser navigating to it, the MJPEG
 * stream for everything else (players, {@code curl}, {@code <img src="/">}), which have always had
 * the stream there. The page is the static {@value #PAGE}, served by the container's default
 * servlet (the embedded launcher adds one), so it is the same file in a container and embedded.
 */
final class RootServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String PAGE = "/index.html";

    private final StreamServlet stream;

    /** @param stream the registered, initialised {@code /stream} servlet, which serves non-browser requests here too */
    RootServlet(StreamServlet stream) {
        this.stream = stream;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        // One URL, two representations: caches must key the answer on Accept.
        response.setHeader("Vary", "Accept");
        if (AcceptHeader.acceptsHtml(request.getHeader("Accept"))) {
            request.getRequestDispatcher(PAGE).forward(request, response);
        } else {
            // Called directly, not forwarded: the stream goes async, and this servlet's registration
            // is async-supported in every container, where a forward's support is the container's choice.
            stream.service(request, response);
        }
    }
}
