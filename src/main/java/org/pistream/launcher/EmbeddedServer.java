package org.pistream.launcher;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.resource.Resource;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.pistream.core.PiStream;
import org.pistream.core.Settings;
import org.pistream.web.PiStreamContextListener;
import org.slf4j.LoggerFactory;

/**
 * Builds the embedded Jetty server: one connector, one servlet context at {@code /} wired by the
 * same {@link PiStreamContextListener} a container uses, and, as a container would, a default
 * servlet that serves the webapp's static files (the live-view page) from the WAR itself. Tests
 * call {@link #create} with port 0 and ask {@link #uri} where it listens.
 */
public final class EmbeddedServer {
    private EmbeddedServer() {
    }

    /**
     * @param settings   validated settings (address and port are used here)
     * @param parameters the settings' sources to hand to the webapp as context parameters, with the
     *                   {@code pistream.} prefix; they outrank system properties and environment
     */
    public static Server create(Settings settings, Map<String, String> parameters) {
        return create(settings, parameters, "/");
    }

    /** The same, with the webapp at {@code contextPath} (e.g. {@code /cam}), as a container may deploy it. */
    public static Server create(Settings settings, Map<String, String> parameters, String contextPath) {
        return create(settings, parameters, List.of(), contextPath);
    }

    /** The same, with config sources below the environment, such as the {@code --config} file, for the webapp too. */
    public static Server create(Settings settings, Map<String, String> parameters, List<ConfigSource> files,
            String contextPath) {
        // Streams are async: a few threads serve hundreds of viewers. A small cap keeps a burst of
        // write callbacks from growing a thread (and its stack) per viewer on a small board.
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("http");
        threads.setDaemon(true);
        Server server = new Server(threads);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(settings.address());
        connector.setPort(settings.port());
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath(contextPath);
        parameters.forEach(context::setInitParameter);
        context.addEventListener(new PiStreamContextListener(files));
        addStaticFiles(context);
        server.setHandler(context);
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
                instanceof PiStream app) {
            app.stop();
        }
        server.stop();
    }

    /** Where a started server listens, e.g. {@code http://127.0.0.1:43123/}. */
    public static URI uri(Server server) {
        ServerConnector connector = (ServerConnector) server.getConnectors()[0];
        String host = connector.getHost();
        if (host == null || host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        }
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + connector.getLocalPort() + "/");
    }
}
