package org.pistream.web.stream;

import jakarta.servlet.http.HttpServletResponse;

/** Headers that keep browsers and proxies from caching or buffering a live picture. */
public final class NoCache {
    private NoCache() {
    }

    public static void apply(HttpServletResponse response) {
        response.setHeader("Cache-Control", "no-store, no-cache, must-revalidate, max-age=0");
        response.setHeader("Pragma", "no-cache");
        response.setHeader("Expires", "Thu, 01 Jan 1970 00:00:00 GMT");
        response.setHeader("X-Content-Type-Options", "nosniff");
    }
}
