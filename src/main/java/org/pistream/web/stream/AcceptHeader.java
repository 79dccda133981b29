package org.pistream.web.stream;

import java.util.Locale;

/**
 * Reads an HTTP {@code Accept} header just far enough to tell a browser navigating to a page from a
 * player or an {@code <img>} asking for a picture.
 */
final class AcceptHeader {
    private AcceptHeader() {
    }

    /**
     * Whether the header names {@code text/html} with a quality above zero. Browsers navigating
     * send it; curl, ffmpeg, VLC and OpenCV send only the wildcard type or no header, and an
     * {@code <img>} sends image types: those get the stream. The wildcard does not count as HTML.
     */
    static boolean acceptsHtml(String accept) {
        if (accept == null) {
            return false;
        }
        for (String range : accept.split(",")) {
            String[] params = range.split(";");
            if (!params[0].trim().toLowerCase(Locale.ROOT).equals("text/html")) {
                continue;
            }
            if (quality(params) > 0) {
                return true;
            }
        }
        return false;
    }

    /** The {@code q} parameter of a media range; 1 when absent, 0 when unreadable. */
    private static double quality(String[] params) {
        for (int i = 1; i < params.length; i++) {
            String p = params[i].trim();
            if (p.length() > 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
                try {
                    return Double.parseDouble(p.substring(2).trim());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }
}
