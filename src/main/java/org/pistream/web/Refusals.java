package org.pistream.web;

import java.io.IOException;

import jakarta.servlet.http.HttpServletResponse;

/** The short plain-text answer every filter refuses a request with; never cached. */
final class Refusals {
    private Refusals() {
    }

    static void send(HttpServletResponse response, int status, String text) throws IOException {
        response.setStatus(status);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("text/plain;charset=utf-8");
        response.getWriter().println(text);
    }
}
