package org.pistream.web.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.Test;
import org.pistream.core.settings.AddressRange;

class ClientAddressTest {
    private final ClientAddress filter = new ClientAddress(AddressRange.parseList("127.0.0.1, ::1"));

    /** A request from {@code peer} (port 40000) with the given header lines ("Name: value"). */
    private static HttpServletRequest request(String peer, String... headers) {
        Map<String, List<String>> byName = new HashMap<>();
        for (String h : headers) {
            int colon = h.indexOf(':');
            byName.computeIfAbsent(h.substring(0, colon).toLowerCase(), k -> new ArrayList<>()).add(h.substring(colon + 1).strip());
        }
        return (HttpServletRequest) Proxy.newProxyInstance(ClientAddressTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getRemoteAddr", "getRemoteHost" -> peer;
                    case "getRemotePort" -> 40000;
                    case "getHeaders" -> Collections.enumeration(byName.getOrDefault(((String) args[0]).toLowerCase(), List.of()));
                    case "getHeader" -> byName.getOrDefault(((String) args[0]).toLowerCase(), List.of(null)).get(0);
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void aTrustedProxysHeaderNamesTheClient() {
        HttpServletRequest r = filter.resolve(request("127.0.0.1", "X-Forwarded-For: 203.0.113.7"));
        assertEquals("203.0.113.7", r.getRemoteAddr());
        assertEquals("203.0.113.7", r.getRemoteHost());
        assertEquals(0, r.getRemotePort(), "no port is known for a forwarded client");
        assertEquals("2001:db8:0:0:0:0:0:1", filter.resolve(request("0:0:0:0:0:0:0:1", "Forwarded: for=\"[2001:db8::1]\""))
                .getRemoteAddr(), "the IPv6 loopback proxy, as Tomcat names it");
        assertEquals("192.0.2.4", filter.resolve(request("[::1]", "Forwarded: for=192.0.2.4")).getRemoteAddr(),
                "and as Jetty may");
    }

    @Test
    void anyoneElsesHeaderChangesNothing() {
        HttpServletRequest spoofed = request("127.0.0.2", "X-Forwarded-For: 203.0.113.7", "Forwarded: for=203.0.113.7");
        assertSame(spoofed, filter.resolve(spoofed));
        assertEquals("127.0.0.2", filter.resolve(spoofed).getRemoteAddr());
    }

    @Test
    void malformedOrMissingHeadersLeaveTheProxysAddress() {
        HttpServletRequest bad = request("127.0.0.1", "X-Forwarded-For: \u00e9\u001b[31m");
        assertSame(bad, filter.resolve(bad));
        HttpServletRequest none = request("127.0.0.1");
        assertSame(none, filter.resolve(none));
    }

    @Test
    void trustingNobodyIgnoresEveryHeader() {
        HttpServletRequest r = request("127.0.0.1", "X-Forwarded-For: 203.0.113.7");
        assertSame(r, new ClientAddress(List.of()).resolve(r));
    }

    @Test
    void hstsOnlyOnSecureAnswers() throws Exception {
        assertEquals("max-age=31536000", hsts(new SecurityHeaders(31536000), true));
        assertEquals(null, hsts(new SecurityHeaders(31536000), false));
        assertEquals("max-age=0", hsts(new SecurityHeaders(0), true));
        assertEquals(null, hsts(new SecurityHeaders(), true));
    }

    private static String hsts(SecurityHeaders filter, boolean secure) throws Exception {
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(ClientAddressTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (p, m, a) -> m.getName().equals("isSecure") ? secure : null);
        Map<String, String> headers = new HashMap<>();
        HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(ClientAddressTest.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (p, m, a) -> {
                    if (m.getName().equals("setHeader")) {
                        headers.put((String) a[0], (String) a[1]);
                    }
                    return null;
                });
        filter.doFilter(request, response, (req, res) -> { });
        return headers.get("Strict-Transport-Security");
    }
}
