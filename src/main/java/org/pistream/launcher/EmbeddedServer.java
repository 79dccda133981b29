package org.pistream.launcher;

import java.net.URI;
import java.util.Map;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.pistream.core.PiStream;
import org.pistream.core.Settings;
import org.pistream.web.PiStreamContextListener;

/**
 * Builds the embedded Jetty server: one connector, one servlet context at {@code /} wired by the
 * same {@link PiStreamContextListener} a container uses. Tests call {@link #create} with port 0
 * and ask {@link #uri} where it listens.
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
        QueuedThreadPool threads = new QueuedThreadPool(200, 4);
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
        context.setContextPath("/");
        parameters.forEach(context::setInitParameter);
        context.addEventListener(new PiStreamContextListener());
        server.setHandler(context);
        server.setStopTimeout(5000);
        return server;
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
