package org.pistream.launcher;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.servlet.HttpOutput;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.resource.Resource;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.pistream.core.Cameras;
import org.pistream.core.settings.KeyTable;
import org.pistream.core.settings.Settings;
import org.pistream.web.PiStreamContextListener;
import org.pistream.web.stream.BufferWrites;
import org.slf4j.LoggerFactory;

/**
 * Builds the embedded Jetty server: a plain-HTTP connector and, with a key store, an HTTPS one
 * (HTTP/2 and HTTP/1.1); one servlet context at {@code /} wired by the same
 * {@link PiStreamContextListener} a container uses, and, as a container would, a default servlet
 * that serves the webapp's static files (the live-view page) from the WAR itself. Tests call
 * {@link #start(String...)} with {@code --port 0} and ask the {@link Running} server where it listens.
 *
 * <p>What belongs to the connector is set here, because in a container the container owns it:
 * request head and URI size (431, 414), URI checks (400), no server name, connection limits and
 * the request-head deadline ({@link ConnectionGuard}), and idle timeouts. What belongs to the
 * webapp (methods, bodies, authentication, CORS, stream limits) is in its filters.
 */
public final class EmbeddedServer {
    /** Request line plus headers; larger heads get 431 (a longer request line, 414). Jetty's default, stated. */
    static final int MAX_REQUEST_HEAD_BYTES = 8192;
    /** Jetty's per-response output buffer: its default, stated, because it sets the memory per viewer (see create). */
    static final int OUTPUT_BUFFER_BYTES = 32768;
    /** Beyond max-connections, connections are still accepted up to this many more, to be answered 503. */
    static final int MIN_REFUSAL_ROOM = 16;
    /** A connection inside a request with no traffic for this long past the client timeout is closed by Jetty. */
    static final int IDLE_MARGIN_SECONDS = 10;

    private EmbeddedServer() {
    }

    /**
     * Starts a server from command-line flags, as {@code java -jar pi-stream.war FLAGS} would, in this
     * JVM: the same flags, {@code --config} file, system properties and environment, and the same
     * settings. What the launcher does for the process is left out: it sets up no logging (the caller's
     * Logback configuration applies), installs no shutdown hook and never exits. With
     * {@code --port 0} the server listens on a free port; {@link Running#uri()} says which. Tests use
     * this; {@code --help} and {@code --version} are the launcher's.
     *
     * @throws IllegalArgumentException with the line the launcher prints for a bad flag, value or file
     * @throws Exception                what Jetty throws when it cannot start (a port in use, say); the
     *                                  server is then stopped
     */
    public static Running start(String... args) throws Exception {
        LauncherOptions options = new LauncherOptions(KeyTable.standard());
        String refused = Launcher.parse(options, args);
        if (refused != null) {
            throw new IllegalArgumentException(refused);
        }
        if (options.help || options.version) {
            throw new IllegalArgumentException("--help and --version print and exit: run the launcher for them");
        }
        Launcher.Configured configured;
        try {
            configured = Launcher.configure(options);
        } catch (Launcher.UsageException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        Server server = create(configured.settings(), "/");
        try {
            server.start();
        } catch (Exception e) {
            try {
                stop(server);
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return new Running(server, configured.settings());
    }

    /**
     * A server that {@link #start(String...)} started. {@link #close()} ends the streams, stops Jetty
     * and the camera, and returns when they have stopped; closing twice is harmless.
     */
    public static final class Running implements AutoCloseable {
        private final Server server;
        private final Settings settings;
        private final List<URI> uris;

        private Running(Server server, Settings settings) {
            this.server = server;
            this.settings = settings;
            this.uris = List.copyOf(EmbeddedServer.uris(server));
        }

        /** Where it listens first: the plain-HTTP address when there is one, else the HTTPS one. */
        public URI uri() {
            return uris.get(0);
        }

        /** Every address it listens on, plain HTTP first. */
        public List<URI> uris() {
            return uris;
        }

        /** The settings the flags gave. */
        public Settings settings() {
            return settings;
        }

        /** The cameras the webapp runs, or null before its context started (tests look inside the fan-out). */
        public Cameras cameras() {
            ServletContextHandler context = server.getDescendant(ServletContextHandler.class);
            return context != null && context.getServletContext().getAttribute(PiStreamContextListener.APP_ATTRIBUTE)
                    instanceof Cameras app ? app : null;
        }

        @Override
        public void close() throws Exception {
            if (!server.isStopped()) {
                stop(server);
            }
        }

        @Override
        public String toString() {
            return "EmbeddedServer.Running{" + server.getState() + " " + uris + "}";
        }
    }

    /**
     * @param settings validated settings (address, ports, limits and TLS are used here); the webapp's
     *                 listener runs with them as they are and reads no configuration of its own
     */
    public static Server create(Settings settings) {
        return create(settings, "/");
    }

    /** The same, with the webapp at {@code contextPath} (e.g. {@code /cam}), as a container may deploy it. */
    public static Server create(Settings settings, String contextPath) {
        // Streams are async: a few threads serve hundreds of viewers. A small cap keeps a burst of
        // write callbacks from growing a thread (and its stack) per viewer on a small board.
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("http");
        threads.setDaemon(true);
        Server server = new Server(threads);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(MAX_REQUEST_HEAD_BYTES);
        // Each open response keeps an output buffer of this size (direct memory) while it lasts, and a
        // stream lasts as long as its viewer: 2,000 viewers hold 64 MB (etc/jvm-pi.options sizes
        // MaxDirectMemorySize for that). Smaller is not cheaper: Jetty then writes a 31 KB frame in
        // buffer-sized pieces, and 8 KB tripled the CPU at 500 viewers (docs/BENCHMARKS.md).
        http.setOutputBufferSize(OUTPUT_BUFFER_BYTES);
        Settings.Limits limits = settings.limits();
        long idleMillis = TimeUnit.SECONDS.toMillis(Math.max(limits.clientTimeoutSeconds(), limits.headerTimeoutSeconds())
                + IDLE_MARGIN_SECONDS);

        Settings.Tls tls = settings.tls();
        ServerConnector plain = null;
        if (tls == null || tls.plainHttp() != Settings.PlainHttp.OFF) {
            plain = new ServerConnector(server, new RequestLineCheck(http));
            plain.setHost(settings.address());
            plain.setPort(settings.port());
            server.addConnector(plain);
        }
        ServerConnector secure = null;
        if (tls != null) {
            secure = TlsConnector.create(server, http, tls, settings.address());
            server.addConnector(secure);
        }

        ConnectionGuard guard = new ConnectionGuard(server, limits.maxConnections(), limits.maxConnectionsPerAddress(),
                limits.headerTimeoutSeconds());
        server.addBean(guard);
        for (Connector c : server.getConnectors()) {
            ((ServerConnector) c).setIdleTimeout(idleMillis);
            ((ServerConnector) c).addBean(guard, false); // its accept listener; the server manages its life
        }
        // A hard stop beyond the refusal room: past it, Jetty stops accepting until connections close.
        int hardCap = limits.maxConnections() + Math.max(MIN_REFUSAL_ROOM, limits.maxConnections() / 4);
        server.addBean(new NetworkConnectionLimit(hardCap, server));
        ServerErrors errors = new ServerErrors();
        server.setErrorHandler(errors);

        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath(contextPath);
        Supplier<Map<String, Object>> connectionStats = () -> {
            Map<String, Object> stats = guard.stats();
            stats.put("busyThreads", threads.getBusyThreads());
            stats.put("badRequests", errors.badRequests());
            return stats;
        };
        context.setAttribute(PiStreamContextListener.CONNECTIONS_ATTRIBUTE, connectionStats);
        // Jetty's HttpOutput copies a write into its buffer only up to the aggregation size (capped by
        // the buffer size), after flushing what it holds; larger writes go to the connection as they are.
        context.setAttribute(PiStreamContextListener.PASS_THROUGH_ATTRIBUTE,
                Math.min(http.getOutputAggregationSize(), http.getOutputBufferSize()));
        // Frames written as direct buffers go to the socket as they are; Servlet 6.0 can only write
        // arrays, which the JDK copies into a temporary direct buffer per client and frame.
        BufferWrites bufferWrites = (out, buffer) -> {
            if (out instanceof HttpOutput jetty) {
                jetty.write(buffer);
                return true;
            }
            return false;
        };
        context.setAttribute(PiStreamContextListener.BUFFER_WRITES_ATTRIBUTE, bufferWrites);
        // Stream clients write frames straight to their HTTP/1 connection (see ConnectionWrites).
        context.setAttribute(PiStreamContextListener.CONNECTION_WRITES_ATTRIBUTE, new JettyConnectionWrites());
        context.addEventListener(new PiStreamContextListener(settings));
        addStaticFiles(context);

        Handler app = context;
        if (secure != null && plain != null && tls.plainHttp() == Settings.PlainHttp.REDIRECT) {
            ServerConnector https = secure;
            app = new HttpsRedirect(https::getLocalPort, context);
        }
        server.setHandler(new AdmissionHandler(guard, app));
        server.setStopTimeout(5000);
        return server;
    }

    /**
     * The default servlet, as a container has one, over the webapp's root. WEB-INF and META-INF
     * are protected targets (404), as in a container; Jetty rejects ambiguous paths ({@code ..}
     * segments that leave the context, encoded separators or dots) before any servlet sees them,
     * and its alias checks refuse a resource whose real name differs from the requested one.
     */
    private static void addStaticFiles(ServletContextHandler context) {
        Resource root = WebResources.locate(ResourceFactory.of(context));
        if (root == null) {
            LoggerFactory.getLogger(EmbeddedServer.class).warn(
                    "No web resources found (neither -D{} nor ./webapp): the live-view page is missing",
                    WebResources.WAR_PROPERTY);
            return;
        }
        context.setBaseResource(root);
        context.setProtectedTargets(new String[] {"/WEB-INF", "/META-INF"});
        ServletHolder files = new ServletHolder("default", DefaultServlet.class);
        files.setInitParameter("dirAllowed", "false");
        files.setInitParameter("redirectWelcome", "false");
        files.setInitParameter("etags", "true");
        files.setAsyncSupported(true);
        context.addServlet(files, "/");
    }

    /**
     * Ends the streams first (each gets its closing boundary), then stops Jetty. Jetty's graceful
     * stop would otherwise wait its whole stop timeout for the endless stream requests to finish
     * before the context, which ends them, is stopped.
     */
    public static void stop(Server server) throws Exception {
        ServletContextHandler context = server.getDescendant(ServletContextHandler.class);
        if (context != null && context.getServletContext().getAttribute(PiStreamContextListener.APP_ATTRIBUTE)
                instanceof Cameras app) {
            app.stop();
        }
        server.stop();
    }

    /** Where a started server listens first, e.g. {@code http://127.0.0.1:43123/} (the plain port when there is one). */
    public static URI uri(Server server) {
        return uris(server).get(0);
    }

    /** Every address a started server listens on, plain HTTP first. */
    public static List<URI> uris(Server server) {
        List<URI> uris = new ArrayList<>();
        for (Connector c : server.getConnectors()) {
            ServerConnector connector = (ServerConnector) c;
            String host = connector.getHost();
            if (host == null || host.equals("0.0.0.0") || host.equals("::")) {
                host = "127.0.0.1";
            }
            if (host.contains(":")) {
                host = "[" + host + "]";
            }
            String scheme = connector.getConnectionFactory(SslConnectionFactory.class) != null ? "https" : "http";
            uris.add(URI.create(scheme + "://" + host + ":" + connector.getLocalPort() + "/"));
        }
        return uris;
    }
}
