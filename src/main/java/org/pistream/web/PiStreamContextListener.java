package org.pistream.web;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;

import org.pistream.core.Cameras;
import org.pistream.core.PiStream;
import org.pistream.core.fanout.FrameBroadcaster;
import org.pistream.core.settings.KeyTable;
import org.pistream.core.settings.Settings;
import org.pistream.web.control.ControlAccess;
import org.pistream.web.control.ControlsServlet;
import org.pistream.web.observe.HealthServlet;
import org.pistream.web.observe.MetricsServlet;
import org.pistream.web.observe.PiStreamCollector;
import org.pistream.web.observe.StatsServlet;
import org.pistream.web.security.AllowedRequests;
import org.pistream.web.security.BasicAuthFilter;
import org.pistream.web.security.ClientAddress;
import org.pistream.web.security.ClientsPerAddress;
import org.pistream.web.security.CorsFilter;
import org.pistream.web.security.SecurityCounters;
import org.pistream.web.security.SecurityHeaders;
import org.pistream.web.stream.ChunkWriter;
import org.pistream.web.stream.PageHeaders;
import org.pistream.web.stream.RootServlet;
import org.pistream.web.stream.SnapshotServlet;
import org.pistream.web.stream.StallWatch;
import org.pistream.web.stream.StreamServlet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Wires pi-stream into a servlet context, in a container (declared in {@code web.xml}) and in the
 * embedded launcher (added by it) alike: builds the settings, starts the camera and broadcaster,
 * registers the servlets; on shutdown or undeploy stops them, camera first, and waits for their
 * threads. An invalid setting throws, so the container marks the deployment as failed.
 */
public final class PiStreamContextListener implements ServletContextListener {
    private static final Logger log = LoggerFactory.getLogger(PiStreamContextListener.class);
    /** The context attribute holding the running {@link Cameras}. */
    public static final String APP_ATTRIBUTE = Cameras.class.getName();
    /**
     * Set by the embedded launcher: a {@code java.util.function.Supplier<Map<String, Object>>} of
     * its connection numbers, shown in {@code /stats}. Absent in a container.
     */
    public static final String CONNECTIONS_ATTRIBUTE = "org.pistream.connections";
    /**
     * Set by the embedded launcher: an {@code Integer}, the size in bytes above which its server
     * writes response bytes straight to the connection, keeping none in its buffer (see
     * {@link ChunkWriter}). Absent in a container, whose buffering is not known.
     */
    public static final String PASS_THROUGH_ATTRIBUTE = "org.pistream.passThroughAbove";
    /**
     * Set by the embedded launcher: its {@link org.pistream.web.stream.BufferWrites}, with which clients
     * write frames from off-heap copies (see {@link ChunkWriter}). Absent in a container: frames then
     * stay on the heap only.
     */
    public static final String BUFFER_WRITES_ATTRIBUTE = "org.pistream.bufferWrites";
    /**
     * Set by the embedded launcher: its {@link org.pistream.web.stream.ConnectionWrites}, with which
     * stream clients write frames straight to their connection (see {@link ChunkWriter}). Absent in
     * a container: clients write through the servlet output.
     */
    public static final String CONNECTION_WRITES_ATTRIBUTE = "org.pistream.connectionWrites";

    /** Given by the embedded launcher; null in a container, where the listener reads its own. */
    private final Settings given;
    private Cameras app;

    /** The listener a container creates from {@code web.xml}: context parameters, system, environment, defaults. */
    public PiStreamContextListener() {
        this.given = null;
    }

    /**
     * The embedded launcher's listener: runs with the settings the launcher already built and
     * validated from the same sources (flags, --config file, system, environment, defaults), instead
     * of building the configuration a second time at start-up.
     */
    public PiStreamContextListener(Settings settings) {
        this.given = settings;
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        Settings settings = given;
        if (settings == null) {
            try {
                settings = SettingsLoader.load(SettingsLoader.config(contextParameters(context), "servlet context parameters",
                        List.of(), Thread.currentThread().getContextClassLoader() != null
                                ? Thread.currentThread().getContextClassLoader()
                                : PiStreamContextListener.class.getClassLoader()));
            } catch (InvalidSettingException e) {
                // One line naming the key and the value; the exception makes the container fail the deployment.
                log.error("pi-stream cannot start at context path '{}': {}", context.getContextPath(), e.getMessage());
                throw e;
            }
        }
        String version = Version.get();
        log.debug("Settings: {}", settings);
        Cameras started = new Cameras(settings);
        started.start();
        try {
            SecurityCounters counters = new SecurityCounters();
            addProtections(context, settings, counters);
            ChunkWriter writer = ChunkWriter.of(context.getAttribute(PASS_THROUGH_ATTRIBUTE), context.getAttribute(BUFFER_WRITES_ATTRIBUTE),
                    context.getAttribute(CONNECTION_WRITES_ATTRIBUTE));
            if (writer.writesBuffers()) {
                for (PiStream camera : started.all().values()) {
                    camera.broadcaster().offHeapParts(FrameBroadcaster.OFF_HEAP_PART_BYTES);
                }
            }
            Settings server = settings;
            ControlAccess controlAccess = new ControlAccess(settings.auth() != null, settings.get(KeyTable.ALLOW_REMOTE_CONTROL));
            Function<PiStream, CameraServlet.Endpoints> endpointsOf = camera -> new CameraServlet.Endpoints(
                    new StreamServlet(camera.broadcaster(), camera.timer(), writer), new SnapshotServlet(camera, server.snapshotTimeoutMillis()),
                    new StatsServlet(started, camera, version, counters), new ControlsServlet(camera, controlAccess, counters));
            Map<String, CameraServlet.Endpoints> byName = new LinkedHashMap<>();
            for (PiStream camera : started.all().values()) {
                StallWatch stallWatch = new StallWatch(camera.broadcaster(), settings.limits().clientTimeoutSeconds(), counters);
                camera.timer().scheduleWithFixedDelay(stallWatch, stallWatch.periodMillis(), stallWatch.periodMillis(),
                        TimeUnit.MILLISECONDS);
                byName.put(camera.name(), endpointsOf.apply(camera));
            }
            // The container initialises the servlets registered here, CameraServlet those under /cam/: the
            // default camera gets a set of its own for these paths, so that no servlet is initialised twice.
            CameraServlet.Endpoints main = endpointsOf.apply(started.main());
            register(context, "stream", main.stream(), "/stream");
            register(context, "snapshot", main.snapshot(), "/snapshot");
            register(context, "stats", main.stats(), "/stats");
            register(context, "controls", main.controls(), "/controls");
            // "": the context root exactly, which serves the camera ?camera= names, the default one without it.
            register(context, "cameras", new CameraServlet(byName, started.defaultName()), "", "/" + CameraServlet.PATH + "/*");
            @SuppressWarnings("unchecked")
            Supplier<Map<String, Object>> connections = context.getAttribute(CONNECTIONS_ATTRIBUTE) instanceof Supplier<?> s
                    ? (Supplier<Map<String, Object>>) s : null;
            register(context, "metrics", new MetricsServlet(() -> metricsRegistry(started, version, counters, connections)),
                    "/metrics");
            register(context, "health", new HealthServlet(started), "/healthz");
            if (settings.limits().maxClientsPerAddress() > 0) {
                FilterRegistration.Dynamic perAddress = context.addFilter("clients-per-address",
                        new ClientsPerAddress(settings.limits().maxClientsPerAddress(), counters));
                perAddress.setAsyncSupported(true);
                perAddress.addMappingForServletNames(EnumSet.of(DispatcherType.REQUEST), true, "stream", "cameras");
            }
            // The page's static files come from the container's default servlet; these are their headers.
            FilterRegistration.Dynamic page = context.addFilter("page-headers", new PageHeaders());
            page.setAsyncSupported(true);
            page.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.FORWARD), false,
                    RootServlet.PAGE, "/assets/*");
            context.setAttribute(APP_ATTRIBUTE, started);
        } catch (RuntimeException | Error e) {
            // A container need not call contextDestroyed after a failed contextInitialized: stop the cameras here.
            started.stop();
            throw e;
        }
        app = started;
        if (started.several()) {
            log.info("pi-stream {} ready at context path '{}' with cameras {} (default: {})", version, context.getContextPath(),
                    String.join(", ", started.all().keySet()), started.defaultName());
        } else {
            log.info("pi-stream {} ready at context path '{}'", version, context.getContextPath());
        }
    }

    /**
     * The filters every request passes first, in this order: the client's address (behind trusted
     * proxies, the one they forwarded); nosniff (and HSTS) on every answer; methods and
     * bodies no endpoint takes (405, 413); OPTIONS and CORS; authentication. They are filters, not
     * connector settings, so they hold in a container too. Authentication covers every path but
     * the exempt ones, including endpoints added later.
     */
    private static void addProtections(ServletContext context, Settings settings, SecurityCounters counters) {
        if (!settings.trustedProxies().isEmpty()) {
            addFilter(context, "client-address", new ClientAddress(settings.trustedProxies()), EnumSet.of(DispatcherType.REQUEST));
            log.info("Trusting X-Forwarded-For and Forwarded from {}", settings.trustedProxies());
        }
        addFilter(context, "security-headers", new SecurityHeaders(settings.hstsMaxAgeSeconds()), EnumSet.allOf(DispatcherType.class));
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
        Cameras a = app;
        app = null;
        if (a != null) {
            // Returns once the camera process has ended and every thread pi-stream started is joined:
            // a container checks for leftover threads right after this method.
            a.stop();
            log.info("pi-stream stopped at context path '{}'", event.getServletContext().getContextPath());
        }
        event.getServletContext().removeAttribute(APP_ATTRIBUTE);
    }

    /**
     * A registry of this deployment's own, not the library's global default: a container may run
     * several pi-streams, and a redeploy must leave nothing registered behind.
     */
    private static PrometheusRegistry metricsRegistry(Cameras cameras, String version, SecurityCounters counters,
                                                      Supplier<Map<String, Object>> connections) {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new PiStreamCollector(cameras, version, counters, connections));
        // The JVM collectors one by one, not JvmMetrics: it adds JvmMemoryPoolAllocationMetrics, which
        // registers a GC notification listener with the JVM that keeps every undeployed webapp's
        // class loader alive (the drop-in redeploy test counts them).
        JvmThreadsMetrics.builder().register(registry);
        JvmBufferPoolMetrics.builder().register(registry);
        JvmClassLoadingMetrics.builder().register(registry);
        JvmCompilationMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmMemoryMetrics.builder().register(registry);
        JvmRuntimeInfoMetric.builder().register(registry);
        ProcessMetrics.builder().register(registry);
        return registry;
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
            if (name.startsWith(KeyTable.PREFIX)) {
                params.put(name, context.getInitParameter(name));
            }
        }
        return params;
    }
}
