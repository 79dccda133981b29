package org.pistream.web.security;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

import org.pistream.core.settings.AddressRange;

/**
 * Who the client is, from the forwarding headers a trusted proxy sent: {@code X-Forwarded-For}
 * ({@code client, proxy1, proxy2}) and RFC 7239's {@code Forwarded} ({@code for=client;proto=https,
 * for="[2001:db8::1]:4711"}). Each proxy appends the address it saw, so only the right end of a
 * header is the trusted proxies' word; anything to its left may be the client's invention. The
 * client is therefore the right-most address that is not itself a trusted proxy (the left-most
 * when every one is trusted).
 *
 * <p>A header whose right end cannot be read (not an address, {@code unknown}, an obfuscated
 * {@code _name}) names nobody; a malformed one is reported so it can be logged. When a request
 * carries both headers and they name different clients, neither is believed: a proxy that
 * appends to one passes the other through from the client as it came, so a disagreement means one
 * of them is the client's. In every such case the peer (the proxy) stays the client address.
 */
final class ForwardedFor {
    static final String X_FORWARDED_FOR = "X-Forwarded-For";
    static final String FORWARDED = "Forwarded";
    /** Hops read from the right at most; a longer chain of trusted proxies names nobody. */
    static final int MAX_HOPS = 32;

    /**
     * What the headers say.
     *
     * @param client  the client's address (4 or 16 bytes), or null: keep the peer's
     * @param problem why a header present was not believed, for the log (client text escaped by the caller), or null
     * @param header  the header the problem is about, or null
     * @param value   that header's value as sent, or null
     */
    record Result(byte[] client, String problem, String header, String value) {
        static final Result NONE = new Result(null, null, null, null);
    }

    /** One header's verdict: an address, nothing usable (quietly), or malformed (to be logged). */
    private record Verdict(byte[] address, boolean malformed) {
        static final Verdict ABSENT = new Verdict(null, false);
        static final Verdict UNUSABLE = new Verdict(null, false);
        static final Verdict MALFORMED = new Verdict(null, true);
    }

    private ForwardedFor() {
    }

    /**
     * @param xForwardedFor the {@code X-Forwarded-For} header lines in order (empty: none)
     * @param forwarded     the {@code Forwarded} header lines in order (empty: none)
     * @param trusted       whether an address is a trusted proxy
     */
    static Result resolve(List<String> xForwardedFor, List<String> forwarded, Predicate<byte[]> trusted) {
        Verdict x = xForwardedFor.isEmpty() ? Verdict.ABSENT : pick(xForwardedForHops(String.join(",", xForwardedFor)), trusted);
        Verdict f = forwarded.isEmpty() ? Verdict.ABSENT : pick(forwardedHops(String.join(",", forwarded)), trusted);
        if (x.malformed()) {
            return new Result(null, "malformed", X_FORWARDED_FOR, String.join(", ", xForwardedFor));
        }
        if (f.malformed()) {
            return new Result(null, "malformed", FORWARDED, String.join(", ", forwarded));
        }
        if (x.address() != null && f.address() != null && !Arrays.equals(x.address(), f.address())) {
            return new Result(null, "it names another client than the Forwarded header (" + AddressRange.format(f.address()) + ")",
                    X_FORWARDED_FOR, String.join(", ", xForwardedFor));
        }
        byte[] client = x.address() != null ? x.address() : f.address();
        return client == null ? Result.NONE : new Result(client, null, null, null);
    }

    /** The right-most hop not trusted, from hops in header order; each is an address, {@link #UNKNOWN} or null (malformed). */
    private static Verdict pick(List<byte[]> hops, Predicate<byte[]> trusted) {
        if (hops == null) {
            return Verdict.MALFORMED;
        }
        int read = 0;
        for (int i = hops.size() - 1; i >= 0 && read < MAX_HOPS; i--, read++) {
            byte[] hop = hops.get(i);
            if (hop == null) {
                return Verdict.MALFORMED;
            }
            if (hop == UNKNOWN) {
                return Verdict.UNUSABLE;
            }
            if (!trusted.test(hop) || i == 0) {
                return new Verdict(hop, false);
            }
        }
        return Verdict.UNUSABLE;
    }

    /** Stands for a hop that is there but says no address ({@code unknown}, {@code _hidden}). */
    private static final byte[] UNKNOWN = new byte[0];

    /** The hops of an {@code X-Forwarded-For} value in order; an empty or malformed item is null. */
    static List<byte[]> xForwardedForHops(String value) {
        List<byte[]> hops = new ArrayList<>();
        for (String item : value.split(",", -1)) {
            String node = item.strip();
            hops.add(node.isEmpty() ? null : node(node));
        }
        return hops;
    }

    /**
     * The {@code for=} nodes of a {@code Forwarded} value in order (RFC 7239: elements separated by
     * commas, pairs by semicolons, values tokens or quoted strings); an element without {@code for}
     * is {@link #UNKNOWN}. Null when the value does not follow the grammar.
     */
    static List<byte[]> forwardedHops(String value) {
        List<byte[]> hops = new ArrayList<>();
        int i = 0;
        int n = value.length();
        while (true) {
            String forNode = null;
            boolean any = false;
            while (true) { // one element: pairs separated by ';'
                i = skipBlanks(value, i);
                int nameStart = i;
                while (i < n && isTokenChar(value.charAt(i))) {
                    i++;
                }
                if (i == nameStart || i >= n || value.charAt(i) != '=') {
                    return null;
                }
                String name = value.substring(nameStart, i).toLowerCase(Locale.ROOT);
                i++;
                StringBuilder v = new StringBuilder();
                if (i < n && value.charAt(i) == '"') {
                    i++;
                    boolean closed = false;
                    while (i < n) {
                        char c = value.charAt(i++);
                        if (c == '"') {
                            closed = true;
                            break;
                        }
                        if (c == '\\') {
                            if (i >= n) {
                                return null;
                            }
                            c = value.charAt(i++);
                        }
                        v.append(c);
                    }
                    if (!closed) {
                        return null;
                    }
                } else {
                    int start = i;
                    while (i < n && isTokenChar(value.charAt(i))) {
                        i++;
                    }
                    if (i == start) {
                        return null;
                    }
                    v.append(value, start, i);
                }
                if (name.equals("for")) {
                    if (forNode != null) {
                        return null; // two for= in one element
                    }
                    forNode = v.toString();
                }
                any = true;
                i = skipBlanks(value, i);
                if (i < n && value.charAt(i) == ';') {
                    i++;
                    continue;
                }
                break;
            }
            if (!any) {
                return null;
            }
            hops.add(forNode == null ? UNKNOWN : node(forNode));
            if (i >= n) {
                return hops;
            }
            if (value.charAt(i) != ',') {
                return null;
            }
            i++;
        }
    }

    /**
     * A node as proxies write it: {@code 192.0.2.60}, {@code 192.0.2.60:4711}, {@code 2001:db8::1},
     * {@code [2001:db8::1]}, {@code [2001:db8::1]:4711}; {@code unknown} and obfuscated
     * {@code _name}s are {@link #UNKNOWN}; anything else null.
     */
    static byte[] node(String text) {
        if (text.equalsIgnoreCase("unknown") || text.startsWith("_")) {
            return UNKNOWN;
        }
        String address;
        String port = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                return null;
            }
            address = text.substring(1, close);
            if (address.indexOf(':') < 0) {
                return null;
            }
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return null;
                }
                port = rest.substring(1);
            }
        } else {
            int colon = text.indexOf(':');
            if (colon >= 0 && colon == text.lastIndexOf(':')) { // IPv4 with a port
                address = text.substring(0, colon);
                port = text.substring(colon + 1);
            } else {
                address = text;
            }
        }
        if (port != null && !port.matches("\\d{1,5}|_[A-Za-z0-9._-]{1,64}")) {
            return null;
        }
        if (address.indexOf('%') >= 0) {
            return null; // a zone means nothing beyond the proxy's own host
        }
        return AddressRange.parseAddress(address);
    }

    private static int skipBlanks(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static boolean isTokenChar(char c) {
        return c > 0x20 && c < 0x7F && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
    }
}
