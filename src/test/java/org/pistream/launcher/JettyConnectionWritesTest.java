package org.pistream.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pistream.web.stream.ConnectionWrites;

/**
 * The launcher's writes straight to a stream's connection, in a real Jetty on a loopback port: a
 * response whose headers went out through the servlet output gets its body bytes from the
 * connection's own writes, in order, each write reported done; a wrapped request gets none.
 */
class JettyConnectionWritesTest {
    private Server server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    private int start(HttpServlet servlet) throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(servlet), "/*");
        server.setHandler(context);
        server.start();
        return connector.getLocalPort();
    }

    private static String get(int port) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void bodyBytesWrittenToTheConnectionFollowTheHeadersInOrderAndEachWriteIsReportedDone() throws Exception {
        List<Throwable> results = new ArrayList<>();
        CompletableFuture<ConnectionWrites.Connection> found = new CompletableFuture<>();
        int port = start(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws java.io.IOException {
                response.setContentType("text/plain");
                response.setHeader("Connection", "close");
                AsyncContext async = request.startAsync();
                response.getOutputStream().write("first ".getBytes(StandardCharsets.US_ASCII));
                response.getOutputStream().flush(); // blocking here: the headers and "first " are out
                ConnectionWrites.Connection c = new JettyConnectionWrites().of(request, failure -> {
                    results.add(failure);
                });
                found.complete(c);
                if (c == null) {
                    async.complete();
                    return;
                }
                for (int i = 0; i < 3; i++) {
                    c.write(ByteBuffer.wrap(("part" + i + " ").getBytes(StandardCharsets.US_ASCII)));
                }
                c.write(ByteBuffer.allocateDirect(4).put("end.".getBytes(StandardCharsets.US_ASCII)).flip());
                async.complete();
            }
        });
        String response = get(port);
        assertNotNull(found.get(5, TimeUnit.SECONDS), "an HTTP/1.1 request has a connection to write to");
        assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
        assertTrue(response.endsWith("\r\n\r\nfirst part0 part1 part2 end."), response);
        assertEquals(4, results.size(), "every write reported");
        assertArrayEquals(new Throwable[4], results.toArray(new Throwable[0]), "none failed");
    }

    @Test
    void aWriteToAClosedConnectionReportsItsFailure() throws Exception {
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        int port = start(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws java.io.IOException {
                response.setHeader("Connection", "close");
                AsyncContext async = request.startAsync();
                response.getOutputStream().flush();
                ConnectionWrites.Connection c = new JettyConnectionWrites().of(request, failure::complete);
                c.abort();
                c.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                async.complete();
            }
        });
        get(port);
        assertNotNull(failure.get(5, TimeUnit.SECONDS), "the write failed and said so");
    }

    @Test
    void aRequestTheServerDidNotMakeHasNoConnection() throws Exception {
        CompletableFuture<Boolean> none = new CompletableFuture<>();
        int port = start(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) {
                none.complete(new JettyConnectionWrites().of(new FakeRequest(request).request, failure -> { }) == null);
            }
        });
        get(port);
        assertTrue(none.get(5, TimeUnit.SECONDS));
    }

    /** Holds a request that is not Jetty's own (a proxy's view of it), as a filter could pass on. */
    private static final class FakeRequest {
        final HttpServletRequest request;

        FakeRequest(HttpServletRequest wrapped) {
            this.request = (HttpServletRequest) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> method.invoke(wrapped, args));
        }
    }
}
