package org.pistream.web.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.pistream.core.settings.AddressRange;

class ForwardedForTest {
    private static final List<AddressRange> PROXIES = AddressRange.parseList("127.0.0.1, 10.0.0.0/8, fd00::/8");
    private static final Predicate<byte[]> TRUSTED = a -> AddressRange.anyContains(PROXIES, a);

    private static String xff(String... lines) {
        return client(ForwardedFor.resolve(List.of(lines), List.of(), TRUSTED));
    }

    private static String fwd(String... lines) {
        return client(ForwardedFor.resolve(List.of(), List.of(lines), TRUSTED));
    }

    private static String client(ForwardedFor.Result r) {
        return r.client() == null ? null : AddressRange.format(r.client());
    }

    @Test
    void xForwardedForTheRightMostAddressNotTrusted() {
        assertEquals("203.0.113.7", xff("203.0.113.7"));
        assertEquals("203.0.113.7", xff("198.51.100.1, 203.0.113.7"), "the client's own claim to the left is not believed");
        assertEquals("203.0.113.7", xff("198.51.100.1, 203.0.113.7, 10.1.1.1"), "trusted hops are skipped");
        assertEquals("203.0.113.7", xff("198.51.100.1", "203.0.113.7, 10.1.1.1"), "several header lines are one list");
        assertEquals("10.9.9.9", xff("10.9.9.9, 10.1.1.1"), "every hop trusted: the left-most");
        assertEquals("2001:db8:0:0:0:0:0:1", xff("2001:db8::1"));
        assertEquals("2001:db8:0:0:0:0:0:1", xff("[2001:db8::1]:4711"));
        assertEquals("203.0.113.7", xff("203.0.113.7:51000"));
        assertEquals("203.0.113.7", xff("garbage, , 203.0.113.7"), "what lies left of the client is never read");
    }

    @Test
    void forwardedForTheRightMostAddressNotTrusted() {
        assertEquals("192.0.2.60", fwd("for=192.0.2.60;proto=http;by=203.0.113.43"));
        assertEquals("2001:db8:cafe:0:0:0:0:17", fwd("for=\"[2001:db8:cafe::17]:4711\""));
        assertEquals("192.0.2.43", fwd("for=198.51.100.17, for=192.0.2.43"));
        assertEquals("192.0.2.43", fwd("for=198.51.100.17", "For=\"192.0.2.43\" ; proto=https, for=10.0.0.5"));
        assertEquals("192.0.2.43", fwd("for=\"_hidden\", for=192.0.2.43"));
        assertEquals("192.0.2.43", fwd("proto=https;host=\"a,b\";for=192.0.2.43"), "a comma inside quotes is no separator");
    }

    @Test
    void unknownOrObfuscatedNamesNobodyQuietly() {
        ForwardedFor.Result r = ForwardedFor.resolve(List.of(), List.of("for=unknown"), TRUSTED);
        assertNull(r.client());
        assertNull(r.problem());
        assertNull(fwd("for=192.0.2.1, for=_gazonk"));
        assertNull(fwd("proto=https"), "an element without for=");
        assertNull(xff("unknown"));
    }

    @Test
    void malformedValuesAreReportedAndNameNobody() {
        for (String bad : new String[] {"", "not-an-address", "203.0.113.7:port", "example.com", "[2001:db8::1", "1.2.3.4, ",
                "203.0.113.7 10.0.0.1", "[203.0.113.7]", "fe80::1%eth0", "\u00e9"}) {
            ForwardedFor.Result r = ForwardedFor.resolve(List.of(bad), List.of(), TRUSTED);
            assertNull(r.client(), bad);
            assertEquals("malformed", r.problem(), bad);
            assertEquals(ForwardedFor.X_FORWARDED_FOR, r.header());
            assertEquals(bad, r.value());
        }
        for (String bad : new String[] {"", "for", "for=", "for=\"192.0.2.1", "for=192.0.2.1;", "for=192.0.2.1 for=192.0.2.2",
                "for=192.0.2.1;for=192.0.2.2", "for=[2001:db8::1]", "for=1.2.3.4,", "for=bad"}) {
            ForwardedFor.Result r = ForwardedFor.resolve(List.of(), List.of(bad), TRUSTED);
            assertNull(r.client(), bad);
            assertEquals("malformed", r.problem(), bad);
            assertEquals(ForwardedFor.FORWARDED, r.header(), bad);
        }
    }

    @Test
    void bothHeadersMustAgree() {
        assertEquals("192.0.2.1", client(ForwardedFor.resolve(List.of("192.0.2.1"), List.of("for=192.0.2.1"), TRUSTED)));
        ForwardedFor.Result r = ForwardedFor.resolve(List.of("192.0.2.1"), List.of("for=198.51.100.9"), TRUSTED);
        assertNull(r.client(), "one of them is the client's own: neither is believed");
        assertNotNull(r.problem());
        assertEquals("192.0.2.1", client(ForwardedFor.resolve(List.of("192.0.2.1"), List.of("for=unknown"), TRUSTED)));
        assertNull(ForwardedFor.resolve(List.of("192.0.2.1"), List.of("for=bad"), TRUSTED).client(), "a malformed one spoils both");
    }

    @Test
    void aLongChainOfTrustedHopsNamesNobody() {
        StringBuilder chain = new StringBuilder("203.0.113.1");
        for (int i = 0; i < ForwardedFor.MAX_HOPS + 1; i++) {
            chain.append(", 10.0.0.").append(i + 1);
        }
        assertNull(xff(chain.toString()));
    }
}
