package org.pistream.core.settings;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An IP address or a CIDR block ({@code 10.0.0.0/8}, {@code fd00::/8}, {@code 127.0.0.1}), as
 * {@code trusted-proxies} lists them. Literals only: nothing here ever asks DNS. An IPv4-mapped IPv6
 * address ({@code ::ffff:10.1.2.3}) is the IPv4 address it maps, in a range and in a peer alike,
 * so a dual-stack socket's peer matches an IPv4 entry.
 */
public final class AddressRange {
    private final byte[] network;
    private final int prefix;
    private final String text;

    private AddressRange(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    /**
     * {@code ADDRESS} or {@code ADDRESS/PREFIX}; host bits set under the prefix are cleared
     * ({@code 10.1.2.3/8} is {@code 10.0.0.0/8}).
     *
     * @throws IllegalArgumentException when it is neither
     */
    public static AddressRange parse(String value) {
        String v = value.strip();
        int slash = v.indexOf('/');
        byte[] address = parseAddress(slash < 0 ? v : v.substring(0, slash));
        if (address == null) {
            throw new IllegalArgumentException("'" + v + "' is not an IP address or CIDR block");
        }
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = v.substring(slash + 1);
            if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > bits) {
                throw new IllegalArgumentException("'" + v + "' has a prefix length that is not 0 to " + bits);
            }
            prefix = Integer.parseInt(p);
        }
        byte[] network = address.clone();
        for (int i = 0; i < network.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            network[i] &= (byte) (0xFF << (8 - keep));
        }
        return new AddressRange(network, prefix, format(network) + (prefix == bits ? "" : "/" + prefix));
    }

    /**
     * Ranges separated by commas; blanks and empty items are ignored; null is none.
     *
     * @throws IllegalArgumentException naming the first item that is not a range
     */
    public static List<AddressRange> parseList(String text) {
        List<AddressRange> ranges = new ArrayList<>();
        if (text != null) {
            for (String item : text.split(",")) {
                if (!item.isBlank()) {
                    ranges.add(parse(item));
                }
            }
        }
        return List.copyOf(ranges);
    }

    /** Whether {@code address} (4 or 16 bytes, as {@link #parseAddress} gives) lies in this range. */
    public boolean contains(byte[] address) {
        if (address == null || address.length != network.length) {
            return false;
        }
        for (int i = 0; i < network.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            int mask = (0xFF << (8 - keep)) & 0xFF;
            if ((address[i] & mask) != (network[i] & 0xFF)) {
                return false;
            }
        }
        return true;
    }

    /**
     * An IP address literal as bytes: dotted IPv4 (four decimal parts, no leading zeros), or IPv6
     * (with {@code ::}, an IPv4 tail, optionally in brackets, a zone {@code %eth0} ignored). IPv4-mapped
     * IPv6 comes back as its 4 IPv4 bytes. Null for anything else, host names included.
     */
    public static byte[] parseAddress(String text) {
        if (text == null || text.isEmpty() || text.length() > 64) {
            return null;
        }
        String t = text;
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
            if (t.indexOf(':') < 0) {
                return null; // brackets hold IPv6 only
            }
        }
        if (t.indexOf(':') < 0) {
            return ipv4(t);
        }
        int zone = t.indexOf('%');
        if (zone >= 0) {
            if (zone == t.length() - 1) {
                return null;
            }
            t = t.substring(0, zone);
        }
        byte[] v6 = ipv6(t);
        if (v6 == null) {
            return null;
        }
        boolean mapped = true;
        for (int i = 0; i < 10; i++) {
            mapped &= v6[i] == 0;
        }
        if (mapped && v6[10] == (byte) 0xFF && v6[11] == (byte) 0xFF) {
            return Arrays.copyOfRange(v6, 12, 16);
        }
        return v6;
    }

    /** The usual text of an address from {@link #parseAddress}: {@code 10.1.2.3}, {@code 2001:db8:0:0:0:0:0:1}. */
    public static String format(byte[] address) {
        try {
            return InetAddress.getByAddress(address).getHostAddress(); // bytes given: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + address.length, e);
        }
    }

    private static byte[] ipv4(String t) {
        String[] parts = t.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (!p.matches("0|[1-9]\\d{0,2}") || Integer.parseInt(p) > 255) {
                return null;
            }
            b[i] = (byte) Integer.parseInt(p);
        }
        return b;
    }

    private static byte[] ipv6(String t) {
        int gap = t.indexOf("::");
        if (gap >= 0 && t.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        List<Integer> head = groups(gap < 0 ? t : t.substring(0, gap), gap < 0);
        List<Integer> tail = gap < 0 ? List.of() : groups(t.substring(gap + 2), true);
        if (head == null || tail == null) {
            return null;
        }
        int count = head.size() + tail.size();
        if (gap < 0 ? count != 8 : count > 7) {
            return null;
        }
        byte[] b = new byte[16];
        int i = 0;
        for (int g : head) {
            b[i++] = (byte) (g >> 8);
            b[i++] = (byte) g;
        }
        i = 16 - tail.size() * 2;
        for (int g : tail) {
            b[i++] = (byte) (g >> 8);
            b[i++] = (byte) g;
        }
        return b;
    }

    /** 16-bit groups separated by ':', the last may be an IPv4 address (two groups); empty text is none; null if bad. */
    private static List<Integer> groups(String s, boolean ipv4Last) {
        List<Integer> groups = new ArrayList<>();
        if (s.isEmpty()) {
            return groups;
        }
        String[] parts = s.split(":", -1);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (ipv4Last && i == parts.length - 1 && p.indexOf('.') >= 0) {
                byte[] v4 = ipv4(p);
                if (v4 == null) {
                    return null;
                }
                groups.add(((v4[0] & 0xFF) << 8) | (v4[1] & 0xFF));
                groups.add(((v4[2] & 0xFF) << 8) | (v4[3] & 0xFF));
            } else if (p.matches("[0-9A-Fa-f]{1,4}")) {
                groups.add(Integer.parseInt(p, 16));
            } else {
                return null;
            }
        }
        return groups;
    }

    /** Whether any of {@code ranges} contains {@code address}. */
    public static boolean anyContains(List<AddressRange> ranges, byte[] address) {
        for (AddressRange r : ranges) {
            if (r.contains(address)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AddressRange r && r.prefix == prefix && Arrays.equals(r.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefix;
    }

    /** {@code 10.0.0.0/8}, or the address alone for a single one. */
    @Override
    public String toString() {
        return text;
    }
}
