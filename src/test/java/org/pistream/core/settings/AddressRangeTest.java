package org.pistream.core.settings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class AddressRangeTest {
    private static boolean in(String range, String address) {
        return AddressRange.parse(range).contains(AddressRange.parseAddress(address));
    }

    @Test
    void singleAddressesMatchOnlyThemselves() {
        assertTrue(in("127.0.0.1", "127.0.0.1"));
        assertFalse(in("127.0.0.1", "127.0.0.2"));
        assertTrue(in("::1", "0:0:0:0:0:0:0:1"));
        assertTrue(in("::1", "[::1]"), "bracketed, as some containers give the peer");
        assertFalse(in("::1", "::2"));
        assertFalse(in("::1", "127.0.0.1"), "IPv6 loopback is not IPv4 loopback");
    }

    @Test
    void ipv4Blocks() {
        assertTrue(in("10.0.0.0/8", "10.255.1.2"));
        assertFalse(in("10.0.0.0/8", "11.0.0.0"));
        assertTrue(in("192.168.1.0/24", "192.168.1.254"));
        assertFalse(in("192.168.1.0/24", "192.168.2.1"));
        assertTrue(in("172.16.0.0/12", "172.31.255.255"));
        assertFalse(in("172.16.0.0/12", "172.32.0.0"));
        assertTrue(in("10.1.2.3/8", "10.9.9.9"), "host bits under the prefix are cleared");
        assertEquals("10.0.0.0/8", AddressRange.parse("10.1.2.3/8").toString());
        assertTrue(in("0.0.0.0/0", "203.0.113.9"));
        assertFalse(in("0.0.0.0/0", "2001:db8::1"), "an IPv4 block holds no IPv6 address");
        assertTrue(in("192.0.2.128/25", "192.0.2.200"));
        assertFalse(in("192.0.2.128/25", "192.0.2.127"));
    }

    @Test
    void ipv6Blocks() {
        assertTrue(in("fd00::/8", "fd12:3456::1"));
        assertFalse(in("fd00::/8", "fe80::1"));
        assertTrue(in("2001:db8::/32", "2001:db8:ffff::1"));
        assertFalse(in("2001:db8::/32", "2001:db9::1"));
        assertTrue(in("2001:db8:0:0:1::/79", "2001:db8::1:1:0:0"));
        assertTrue(in("::/0", "2001:db8::1"));
        assertTrue(in("fe80::/10", "fe80::1%eth0"), "a zone is ignored");
    }

    @Test
    void ipv4MappedIpv6IsTheIpv4Address() {
        assertArrayEquals(new byte[] {10, 1, 2, 3}, AddressRange.parseAddress("::ffff:10.1.2.3"));
        assertArrayEquals(new byte[] {10, 1, 2, 3}, AddressRange.parseAddress("0:0:0:0:0:ffff:a01:203"));
        assertTrue(in("10.0.0.0/8", "::ffff:10.1.2.3"));
        assertTrue(in("::ffff:127.0.0.1", "127.0.0.1"));
    }

    @Test
    void literalsOnlyNoNamesNoOddForms() {
        for (String bad : new String[] {"localhost", "example.com", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4",
                "1..3.4", "", " 1.2.3.4", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "g::1", "1.2.3.4::", ":::", "::1%",
                "[::1", "1.2.3.4/8/9", "[1.2.3.4]"}) {
            assertNull(AddressRange.parseAddress(bad), bad);
        }
        assertArrayEquals(new byte[16], AddressRange.parseAddress("::"));
        assertEquals("2001:db8:0:0:0:0:0:1", AddressRange.format(AddressRange.parseAddress("2001:0DB8::1")));
        assertEquals("1:2:3:4:5:6:7:8", AddressRange.format(AddressRange.parseAddress("1:2:3:4:5:6:7:8")));
    }

    @Test
    void badRangesSayWhy() {
        assertThrows(IllegalArgumentException.class, () -> AddressRange.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> AddressRange.parse("::/129"));
        assertThrows(IllegalArgumentException.class, () -> AddressRange.parse("10.0.0.0/"));
        assertThrows(IllegalArgumentException.class, () -> AddressRange.parse("10.0.0.0/-1"));
        assertThrows(IllegalArgumentException.class, () -> AddressRange.parse("proxy.local"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AddressRange.parseList("127.0.0.1, nginx"));
        assertTrue(e.getMessage().contains("nginx"), e.getMessage());
    }

    @Test
    void listsIgnoreBlanksAndEmptyItems() {
        assertEquals(List.of(AddressRange.parse("127.0.0.1"), AddressRange.parse("::1"), AddressRange.parse("10.0.0.0/8")),
                AddressRange.parseList(" 127.0.0.1 ,::1,, 10.0.0.0/8 "));
        assertEquals(List.of(), AddressRange.parseList(null));
        assertEquals(List.of(), AddressRange.parseList(" "));
    }
}
