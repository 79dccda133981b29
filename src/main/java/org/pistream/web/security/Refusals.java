package org.pistream.web.security;

import java.io.IOException;

import jakarta.servlet.http.HttpServletResponse;

/** The short plain-text answer every filter refuses a request with; never cached. */
public final class Refusals {
    /** Seconds a refused client is told to wait before it tries again ({@code Retry-After}). */
    public static final int RETRY_AFTER_SECONDS = 5;

    private Refusals() {
    }

    static void send(HttpServletResponse response, int status, String text) throws IOException {
        response.setStatus(status);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("text/plain;charset=utf-8");
        response.getWriter().println(text);
    }
}
