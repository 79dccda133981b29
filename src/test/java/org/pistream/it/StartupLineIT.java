package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * {@code java -jar pi-stream.war} as a Pi owner starts it: the start-up line names the addresses to
 * open from another device, and each answers; a port in use is one line on standard error and
 * nothing else, not even Jetty's start and stop lines.
 */
class StartupLineIT {
    private static final Duration EXIT = Duration.ofSeconds(60);

    /** This machine's IPv4 addresses other than loopback, with their interface: what the line must list. */
    private static List<String[]> ipv4Addresses() throws Exception {
        List<String[]> found = new ArrayList<>();
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nif.isUp() && !nif.isLoopback()) {
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLinkLocalAddress()) {
                        found.add(new String[] {nif.getName(), a.getHostAddress()});
                    }
                }
            }
        }
        return found;
    }

    @Test
    void boundToEveryAddressTheLineListsEachAddressToOpenAndEachAnswers() throws Exception {
        try (ServerProcess server = ServerProcess.start("--camera", "test-pattern:64x48@5", "--port", "0", "--stats-interval", "0")) {
            String line = server.lines().stream().filter(l -> l.contains(" listening on ")).findFirst().orElseThrow();
            int port = server.port();
            System.out.println("Start-up line: " + line);
            assertTrue(line.contains(" listening on every address (camera: test-pattern:64x48@5): open "), line);
            assertTrue(line.endsWith("http://127.0.0.1:" + port + "/ (this machine)"), line);
            List<String[]> addresses = ipv4Addresses();
            for (String[] a : addresses) {
                String url = "http://" + a[1] + ":" + port + "/";
                assertTrue(line.contains("open " + url + " (" + a[0] + ")") || line.contains(", " + url + " (" + a[0] + ")"), line);
                // What a phone on that network would open: the server answers there.
                assertEquals(200, Http.get(URI.create(url + "healthz")).statusCode(), url);
            }
            assertEquals(addresses.size() + 1, line.split("http://").length - 1, "each address once, and loopback: " + line);
        }
    }

    @Test
    void boundToOneAddressTheLineIsThatAddress() throws Exception {
        try (ServerProcess server = ServerProcess.start("--camera", "test-pattern:64x48@5", "--port", "0", "--address", "127.0.0.1")) {
            String line = server.lines().stream().filter(l -> l.contains(" listening on ")).findFirst().orElseThrow();
            assertTrue(line.contains(" listening on http://127.0.0.1:" + server.port() + "/ (camera: test-pattern:64x48@5)"), line);
            assertTrue(!line.contains("every address") && !line.contains("this machine"), line);
        }
    }

    @Test
    void portInUseOnEveryAddressIsOnlyTheOneLineWithTheNextPort() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("0.0.0.0", 0));
            int port = taken.getLocalPort();
            long started = System.nanoTime();
            ServerProcess.Result result = ServerProcess.run(EXIT, "--camera", "test-pattern", "--port", String.valueOf(port));
            System.out.println("Port in use: exit " + result.exitCode() + " after " + (System.nanoTime() - started) / 1_000_000
                    + " ms; stderr: " + result.stderr().strip());
            assertEquals(1, result.exitCode(), result.toString());
            assertEquals("", result.stdout(), "no Jetty start or stop lines, no camera lines");
            assertEquals(List.of("pi-stream: Port " + port + " already in use on 0.0.0.0: is another pi-stream or webcam server"
                    + " running? Stop it, or start pi-stream with --port " + (port + 1)), result.stderr().lines().toList());
        }
    }
}
