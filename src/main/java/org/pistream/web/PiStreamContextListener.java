package org.pistream.web;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
    /**
     * Set by the embedded launcher: a {@code java.util.function.Supplier<Map<String, Object>>} of
     * its connection numbers, shown in {@code /stats}. Absent in a container.
     */
    public static final String CONNECTIONS_ATTRIBUTE = "org.pistream.connections";

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
            log.error("pi-stream cannot start: {}", e.getMessage());
            throw e;
        }
        String version = Version.get();
        log.debug("Settings: {}", settings);
        app = new PiStream(settings);
        app.start();
        context.setAttribute(APP_ATTRIBUTE, app);

        SecurityCounters counters = new SecurityCounters();
        StallWatch stallWatch = new StallWatch(app.broadcaster(), settings.limits().clientTimeoutSeconds(), counters);
        app.timer().scheduleWithFixedDelay(stallWatch, stallWatch.periodMillis(), stallWatch.periodMillis(), TimeUnit.MILLISECONDS);
        addProtections(context, settings, counters);

        StreamServlet stream = new StreamServlet(app.broadcaster());
        register(context, "stream", stream, "/stream");
        register(context, "root", new RootServlet(stream), ""); // "": the context root exactly
        register(context, "snapshot", new SnapshotServlet(app), "/snapshot");
        register(context, "stats", new StatsServlet(app, version, counters), "/stats");
        if (settings.limits().maxClientsPerAddress() > 0) {
            FilterRegistration.Dynamic perAddress = context.addFilter("clients-per-address",
                    new ClientsPerAddress(settings.limits().maxClientsPerAddress(), counters));
            perAddress.setAsyncSupported(true);
            perAddress.addMappingForServletNames(EnumSet.of(DispatcherType.REQUEST), true, "stream", "root");
        }
        // The page's static files come from the container's default servlet; these are their headers.
        FilterRegistration.Dynamic page = context.addFilter("page-headers", new PageHeaders());
        page.setAsyncSupported(true);
        page.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.FORWARD), false,
                RootServlet.PAGE, "/assets/*");
        log.info("pi-stream {} ready at context path '{}'", version, context.getContextPath());
    }

    /**
     * The filters every request passes first, in this order: nosniff on every answer; methods and
     * bodies no endpoint takes (405, 413); OPTIONS and CORS; authentication. They are filters, not
     * connector settings, so they hold in a container too. Authentication covers every path but
     * the exempt ones, including endpoints added later.
     */
    private static void addProtections(ServletContext context, Settings settings, SecurityCounters counters) {
        addFilter(context, "security-headers", new SecurityHeaders(), EnumSet.allOf(DispatcherType.class));
        addFilter(context, "allowed-requests", new AllowedRequests(), EnumSet.of(DispatcherType.REQUEST));
        addFilter(context, "cors", new CorsFilter(settings.allowedOrigins(), settings.auth() != null),
                EnumSet.of(DispatcherType.REQUEST));
        if (settings.auth() != null) {
            addFilter(context, "basic-auth", new BasicAuthFilter(settings.auth(), counters), EnumSet.of(DispatcherType.REQUEST));
            log.info("HTTP Basic authentication on for user '{}' (exempt: {})", settings.auth().user(),
                    settings.auth().exemptPaths());
        }
        if (!settings.allowedOrigins().isEmpty()) {
            log.info("CORS: {} may read {}", settings.allowedOrigins(), CorsFilter.PATHS);
        }
    }

    private static void addFilter(ServletContext context, String name, jakarta.servlet.Filter filter,
                                  EnumSet<DispatcherType> dispatch) {
        FilterRegistration.Dynamic registration = context.addFilter(name, filter);
        registration.setAsyncSupported(true);
        registration.addMappingForUrlPatterns(dispatch, true, "/*");
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        PiStream a = app;
        app = null;
        if (a != null) {
            a.stop();
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
