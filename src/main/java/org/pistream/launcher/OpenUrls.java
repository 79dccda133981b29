package org.pistream.launcher;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;

/**
 * Where to open a started server, for the start-up line. Bound to one address, that address; bound
 * to every address (the default {@code 0.0.0.0}), each address of this machine's network
 * interfaces, which a headless Pi's owner types on a phone, and loopback for this machine:
 * {@code every address (camera: X): open http://192.168.1.23:8080/ (eth0) or http://127.0.0.1:8080/ (this machine)}.
 */
final class OpenUrls {
    static final String THIS_MACHINE = "this machine";
    /** A board with docker or VPN interfaces can have many; the line stays readable. */
    static final int MOST_ADDRESSES = 6;

    private OpenUrls() {
    }

    /** A connector as it listens: its scheme, the host it was given (null or a wildcard for every address) and its port. */
    record Bound(String scheme, String host, int port) {
        boolean everyAddress() {
            return host == null || host.isEmpty() || host.equals("0.0.0.0") || isIpv6Wildcard();
        }

        boolean isIpv6Wildcard() {
            return host != null && (host.equals("::") || host.equals("[::]") || host.equals("0:0:0:0:0:0:0:0"));
        }

        String url(String address) {
            String h = address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address;
            return scheme + "://" + h + ":" + port + "/";
        }
    }

    /** One address of one network interface, e.g. eth0's 192.168.1.23. */
    record InterfaceAddress(String name, InetAddress address) {
    }

    /** The started server's connectors, plain HTTP first. */
    static List<Bound> of(Server server) {
        List<Bound> bound = new ArrayList<>();
        for (Connector c : server.getConnectors()) {
            ServerConnector connector = (ServerConnector) c;
            String scheme = connector.getConnectionFactory(SslConnectionFactory.class) != null ? "https" : "http";
            bound.add(new Bound(scheme, connector.getHost(), connector.getLocalPort()));
        }
        return bound;
    }

    /**
     * The addresses of this machine's interfaces that are up, IPv4 first; loopback and link-local
     * addresses left out (a browser cannot open an IPv6 link-local one without the interface's zone).
     */
    static List<InterfaceAddress> ofThisMachine() {
        List<InterfaceAddress> v4 = new ArrayList<>();
        List<InterfaceAddress> v6 = new ArrayList<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nif.getInetAddresses())) {
                    if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isAnyLocalAddress()) {
                        continue;
                    }
                    (address instanceof Inet4Address ? v4 : v6).add(new InterfaceAddress(nif.getName(), address));
                }
            }
        } catch (SocketException e) {
            // No interface list (a locked-down container): loopback is still worth showing.
        }
        v4.addAll(v6);
        return v4;
    }

    /**
     * What follows "listening on" in the start-up line: the URLs of one bound address, with the
     * camera; for every address, the URLs to open from another device and from this machine.
     */
    static String describe(List<Bound> bound, List<InterfaceAddress> addresses, String camera) {
        if (bound.isEmpty() || !bound.get(0).everyAddress()) {
            List<String> urls = new ArrayList<>();
            for (Bound b : bound) {
                urls.add(b.url(b.host()));
            }
            return String.join(" and ", urls) + " (camera: " + camera + ")";
        }
        boolean ipv6 = bound.get(0).isIpv6Wildcard();
        List<String> groups = new ArrayList<>();
        int left = 0;
        for (InterfaceAddress a : addresses) {
            if (!ipv6 && !(a.address() instanceof Inet4Address)) {
                continue; // 0.0.0.0 is IPv4's every address
            }
            if (groups.size() == MOST_ADDRESSES) {
                left++;
                continue;
            }
            groups.add(urls(bound, shortForm(a.address())) + " (" + a.name() + ")");
        }
        if (left > 0) {
            groups.add(left + " more address" + (left == 1 ? "" : "es"));
        }
        groups.add(urls(bound, "127.0.0.1") + " (" + THIS_MACHINE + ")");
        String last = groups.remove(groups.size() - 1);
        String open = groups.isEmpty() ? last : String.join(", ", groups) + " or " + last;
        return "every address (camera: " + camera + "): open " + open;
    }

    /** An address as people type it: IPv6 with its longest run of zero groups as "::" (RFC 5952), no zone. */
    static String shortForm(InetAddress address) {
        String text = address.getHostAddress().replaceFirst("%.*$", "");
        if (address instanceof Inet4Address) {
            return text;
        }
        String[] groups = text.split(":");
        int bestStart = -1;
        int bestLength = 1; // a single zero group stays "0"
        for (int i = 0; i < groups.length; i++) {
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j);
        }
        if (bestStart < 0) {
            return text;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail;
    }

    private static String urls(List<Bound> bound, String address) {
        List<String> urls = new ArrayList<>();
        for (Bound b : bound) {
            urls.add(b.url(address));
        }
        return String.join(" and ", urls);
    }
}
