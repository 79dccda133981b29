package org.pistream.it;

import java.net.URI;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A server under attack with an {@link HonestViewer} watching it, and the server's numbers
 * before the attack: after each attack a test checks that the viewer was not disturbed and that
 * nothing the attack took (a stream slot, a connection, a request thread) is still taken.
 */
final class WatchedServer implements AutoCloseable {
    private static final Duration MAX_GAP = Duration.ofSeconds(2);

    private final TestServer server;
    private final HonestViewer viewer;
    private final int baselineConnections;
    private final int baselineBusyThreads;

    private WatchedServer(TestServer server, HonestViewer viewer, JsonNode baseline) {
        this.server = server;
        this.viewer = viewer;
        this.baselineConnections = baseline.at("/connections/open").asInt();
        this.baselineBusyThreads = baseline.at("/connections/busyThreads").asInt();
    }

    /** Starts a server in this JVM with these flags, and the viewer once the stream flows. */
    static WatchedServer start(String... args) throws Exception {
        TestServer server = TestServer.start(args);
        HonestViewer viewer = null;
        try {
            viewer = HonestViewer.watch(server.uri());
            viewer.assertStreaming(3, Duration.ofSeconds(10), Duration.ofSeconds(10));
            JsonNode baseline = Http.awaitStats(server.uri(), Duration.ofSeconds(5), s -> s.at("/clients/connected").asInt() == 1);
            viewer.resetLongestGap();
            return new WatchedServer(server, viewer, baseline);
        } catch (Exception | AssertionError e) {
            if (viewer != null) {
                viewer.close();
            }
            server.close();
            throw e;
        }
    }

    TestServer server() {
        return server;
    }

    URI uri() {
        return server.uri();
    }

    HonestViewer viewer() {
        return viewer;
    }

    int baselineConnections() {
        return baselineConnections;
    }

    /**
     * The viewer kept getting frames (no wait over 2 s since the last check, {@code parts} more now),
     * and {@code /stats} is back at the baseline: one stream, no more admitted connections than
     * before, no refused one still open, no more busy request threads.
     */
    void assertUndisturbedAndBackToBaseline(int parts) throws Exception {
        viewer.assertStreaming(parts, Duration.ofSeconds(5), MAX_GAP);
        Http.awaitStats(uri(), Duration.ofSeconds(10), s -> s.at("/clients/connected").asInt() == 1
                && s.at("/connections/open").asInt() <= baselineConnections
                && s.at("/connections/refusedOpen").asInt() == 0
                && s.at("/connections/busyThreads").asInt() <= baselineBusyThreads);
        viewer.resetLongestGap();
    }

    @Override
    public void close() throws Exception {
        try {
            viewer.close();
        } finally {
            server.stop();
        }
    }
}
