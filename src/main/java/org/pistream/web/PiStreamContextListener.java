package org.pistream.web;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;

import org.pistream.core.PiStream;
import org.pistream.core.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires pi-stream into a servlet context, in a container (declared in {@code web.xml}) and in the
 * embedded launcher (added by it) alike: builds the settings, starts the camera and broadcaster,
 * registers the servlets; on shutdown or undeploy stops them, camera first, and waits for their
 * threads. An invalid setting throws, so the container marks the deployment as failed.
 */
public final class PiStreamContextListener implements ServletContextListener {
    private static final Logger log = LoggerFactory.getLogger(PiStreamContextListener.class);
    public static final String APP_ATTRIBUTE = PiStream.class.getName();

    private PiStream app;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        Settings settings;
        try {
            settings = SettingsLoader.load(SettingsLoader.config(contextParameters(context), "servlet context parameters",
                    Thread.currentThread().getContextClassLoader() != null
                            ? Thread.currentThread().getContextClassLoader()
                            : PiStreamContextListener.class.getClassLoader()));
        } catch (InvalidSettingException e) {
            // One line naming the key and the value; the exception makes the container fail the deployment.
            log.error("pi-stream cannot start at context path '{}': {}", context.getContextPath(), e.getMessage());
            throw e;
        }
        String version = Version.get();
        log.debug("Settings: {}", settings);
        PiStream started = new PiStream(settings);
        started.start();
        try {
            StreamServlet stream = new StreamServlet(started.broadcaster(), started.timer());
            register(context, "stream", stream, "/stream");
            SnapshotServlet snapshot = new SnapshotServlet(started);
            register(context, "snapshot", snapshot, "/snapshot");
            register(context, "root", new RootServlet(stream, snapshot), ""); // "": the context root exactly
            register(context, "stats", new StatsServlet(started, version), "/stats");
            // The page's static files come from the container's default servlet; these are their headers.
            FilterRegistration.Dynamic page = context.addFilter("page-headers", new PageHeaders());
            page.setAsyncSupported(true);
            page.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.FORWARD), false,
                    RootServlet.PAGE, "/assets/*");
            context.setAttribute(APP_ATTRIBUTE, started);
        } catch (RuntimeException | Error e) {
            // A container need not call contextDestroyed after a failed contextInitialized: stop the camera here.
            started.stop();
            throw e;
        }
        app = started;
        log.info("pi-stream {} ready at context path '{}'", version, context.getContextPath());
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        PiStream a = app;
        app = null;
        if (a != null) {
            // Returns once the camera process has ended and every thread pi-stream started is joined:
            // a container checks for leftover threads right after this method.
            a.stop();
            log.info("pi-stream stopped at context path '{}'", event.getServletContext().getContextPath());
        }
        event.getServletContext().removeAttribute(APP_ATTRIBUTE);
    }

    private static void register(ServletContext context, String name, jakarta.servlet.Servlet servlet, String... mappings) {
        ServletRegistration.Dynamic registration = context.addServlet(name, servlet);
        registration.setAsyncSupported(true);
        registration.addMapping(mappings);
    }

    /** Context parameters named {@code pistream.*}: per-deployment settings in a container, flags in the launcher. */
    private static Map<String, String> contextParameters(ServletContext context) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String name : Collections.list(context.getInitParameterNames())) {
            if (name.startsWith(ConfigKeys.PREFIX)) {
                params.put(name, context.getInitParameter(name));
            }
        }
        return params;
    }
}
