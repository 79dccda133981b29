package org.pistream.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class OpenUrlsTest {
    private static final OpenUrls.Bound PLAIN_EVERY = new OpenUrls.Bound("http", "0.0.0.0", 8080);

    private static OpenUrls.InterfaceAddress address(String name, String ip) throws UnknownHostException {
        return new OpenUrls.InterfaceAddress(name, InetAddress.getByName(ip));
    }

    @Test
    void oneAddressIsThatAddress() {
        assertEquals("http://192.168.1.23:8080/ (camera: test pattern)",
                OpenUrls.describe(List.of(new OpenUrls.Bound("http", "192.168.1.23", 8080)), List.of(), "test pattern"));
        assertEquals("http://127.0.0.1:8080/ and https://127.0.0.1:8443/ (camera: rpicam)", OpenUrls.describe(
                List.of(new OpenUrls.Bound("http", "127.0.0.1", 8080), new OpenUrls.Bound("https", "127.0.0.1", 8443)), List.of(), "rpicam"));
        assertEquals("http://[fd00::2]:8080/ (camera: x)",
                OpenUrls.describe(List.of(new OpenUrls.Bound("http", "fd00::2", 8080)), List.of(), "x"));
    }

    @Test
    void everyAddressListsEachInterfacesIpv4AddressAndThisMachine() throws Exception {
        List<OpenUrls.InterfaceAddress> here = List.of(address("eth0", "192.168.1.23"), address("wlan0", "10.0.0.7"),
                address("eth0", "fd00::23"));
        assertEquals("every address (camera: rpicam): open http://192.168.1.23:8080/ (eth0), http://10.0.0.7:8080/ (wlan0)"
                + " or http://127.0.0.1:8080/ (this machine)", OpenUrls.describe(List.of(PLAIN_EVERY), here, "rpicam"));
        // "::" is IPv6's every address, which takes IPv4 too.
        assertEquals("every address (camera: c): open http://192.168.1.23:8080/ (eth0), http://10.0.0.7:8080/ (wlan0),"
                + " http://[fd00::23]:8080/ (eth0) or http://127.0.0.1:8080/ (this machine)",
                OpenUrls.describe(List.of(new OpenUrls.Bound("http", "::", 8080)), here, "c"));
        assertEquals("every address (camera: c): open http://192.168.1.23:8080/ and https://192.168.1.23:8443/ (eth0)"
                + " or http://127.0.0.1:8080/ and https://127.0.0.1:8443/ (this machine)", OpenUrls.describe(
                List.of(PLAIN_EVERY, new OpenUrls.Bound("https", "0.0.0.0", 8443)), here.subList(0, 1), "c"));
        assertEquals("every address (camera: c): open http://127.0.0.1:8080/ (this machine)",
                OpenUrls.describe(List.of(new OpenUrls.Bound("http", null, 8080)), List.of(), "c"), "no network yet");
    }

    @Test
    void ipv6IsShownShort() throws Exception {
        assertEquals("fd00::23", OpenUrls.shortForm(InetAddress.getByName("fd00:0:0:0:0:0:0:23")));
        assertEquals("2001:db8::1:0:0:1", OpenUrls.shortForm(InetAddress.getByName("2001:db8:0:0:1:0:0:1")));
        assertEquals("2001:db8:0:1:1:1:1:1", OpenUrls.shortForm(InetAddress.getByName("2001:db8:0:1:1:1:1:1")));
        assertEquals("fd00::", OpenUrls.shortForm(InetAddress.getByName("fd00::")));
        assertEquals("192.0.2.2", OpenUrls.shortForm(InetAddress.getByName("192.0.2.2")));
    }

    @Test
    void manyAddressesAreCountedNotListed() throws Exception {
        List<OpenUrls.InterfaceAddress> many = new ArrayList<>();
        for (int i = 1; i <= OpenUrls.MOST_ADDRESSES + 3; i++) {
            many.add(address("veth" + i, "172.17.0." + i));
        }
        String line = OpenUrls.describe(List.of(PLAIN_EVERY), many, "c");
        assertEquals(OpenUrls.MOST_ADDRESSES + 1, line.split("http://").length - 1, line);
        assertEquals(true, line.endsWith(", 3 more addresses or http://127.0.0.1:8080/ (this machine)"), line);
    }

    @Test
    void thisMachinesAddressesLeaveOutLoopbackAndLinkLocal() {
        for (OpenUrls.InterfaceAddress a : OpenUrls.ofThisMachine()) {
            assertEquals(false, a.address().isLoopbackAddress() || a.address().isLinkLocalAddress(), a.toString());
        }
    }
}
