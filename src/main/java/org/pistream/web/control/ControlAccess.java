package org.pistream.web.control;

import java.net.InetAddress;
import java.net.URI;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;

import org.pistream.web.security.BasicAuthFilter;

/**
 * Who may change camera settings, and from where. With authentication on: a request the
 * authentication filter let through with valid credentials (an exempt path does not count). With
 * it off: requests from this machine (loopback) only, unless {@code allow-remote-control}. Always:
 * no cross-site request (a page elsewhere must not drive the camera through a viewer's browser):
 * {@code Sec-Fetch-Site} must be same-origin or none, and an {@code Origin} must be this server's.
 */
public final class ControlAccess {
    private final boolean authOn;
    private final boolean allowRemote;

    public ControlAccess(boolean authOn, boolean allowRemote) {
        this.authOn = authOn;
        this.allowRemote = allowRemote;
    }

    /** Why {@code request} may not change settings (a sentence for the client), or null when it may. */
    public String refusal(HttpServletRequest request) {
        String crossSite = crossSite(request);
        if (crossSite != null) {
            return crossSite;
        }
        return permission(request);
    }

    /** Why this client may not change settings regardless of where its page came from, or null. */
    public String permission(HttpServletRequest request) {
        if (authOn) {
            return request.getAttribute(BasicAuthFilter.USER_ATTRIBUTE) == null
                    ? "Changing camera settings needs a logged-in user." : null;
        }
        if (allowRemote || loopback(request.getRemoteAddr())) {
            return null;
        }
        return "Camera settings can be changed from the camera's own machine only (authentication is off and"
                + " allow-remote-control is not set).";
    }

    /** Who made a change, for the log: the user (when authentication is on) and the address. */
    public static String who(HttpServletRequest request) {
        Object user = request.getAttribute(BasicAuthFilter.USER_ATTRIBUTE);
        return (user == null ? "" : "by '" + user + "' ") + "from " + request.getRemoteAddr();
    }

    static String crossSite(HttpServletRequest request) {
        String site = request.getHeader("Sec-Fetch-Site");
        if (site != null) {
            String s = site.strip().toLowerCase(Locale.ROOT);
            if (!s.equals("same-origin") && !s.equals("none")) {
                return "Cross-site requests cannot change camera settings (Sec-Fetch-Site: " + shown(site) + ").";
            }
        }
        String origin = request.getHeader("Origin");
        if (origin != null && !sameAuthority(origin, request.getHeader("Host"), request.getScheme())) {
            return "Requests from another origin cannot change camera settings (Origin: " + shown(origin) + ").";
        }
        return null;
    }

    /** Whether the Origin names the host (and port) this request was sent to. */
    static boolean sameAuthority(String origin, String host, String scheme) {
        if (host == null || origin.equals("null")) {
            return false;
        }
        try {
            URI o = new URI(origin.strip());
            if (o.getHost() == null || o.getScheme() == null) {
                return false;
            }
            int port = o.getPort() >= 0 ? o.getPort() : defaultPort(o.getScheme());
            URI h = new URI(scheme + "://" + host.strip());
            int hostPort = h.getPort() >= 0 ? h.getPort() : defaultPort(o.getScheme());
            return o.getHost().equalsIgnoreCase(h.getHost()) && port == hostPort;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static int defaultPort(String scheme) {
        return scheme.equalsIgnoreCase("https") ? 443 : 80;
    }

    static boolean loopback(String address) {
        // Literal addresses only (dotted IPv4, or IPv6 with colons), so no name lookup can happen.
        if (address == null || !(address.matches("\\d{1,3}(\\.\\d{1,3}){3}") || address.matches("\\[?[0-9a-fA-F.]*:[0-9a-fA-F:.]*(%\\w+)?]?"))) {
            return false;
        }
        try {
            // A literal address: no name lookup happens.
            return InetAddress.getByName(address.startsWith("[") ? address.substring(1, address.length() - 1) : address)
                    .isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static String shown(String value) {
        String printable = value.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 60 ? printable.substring(0, 60) + "..." : printable;
    }
}
