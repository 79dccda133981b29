package org.pistream.web.observe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.function.Supplier;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.pistream.web.stream.AsyncResponses;
import org.pistream.web.stream.NoCache;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * {@code /metrics}: the registry in the Prometheus text exposition format (version 0.0.4), which
 * every Prometheus, VictoriaMetrics, Grafana Agent and Telegraf scraper reads. The body is built in
 * memory (a few kilobytes) and written without blocking a thread.
 *
 * <p>The registry is built at the first scrape, not at start-up: its JVM collectors load the JDK's
 * management classes, which would delay the first frame on a small board. Requests run on container
 * threads; the first one to need the registry builds it under this servlet's lock.
 */
public final class MetricsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final transient Supplier<PrometheusRegistry> factory;
    private transient PrometheusRegistry registry;

    /** @param factory builds the registry, once, at the first scrape */
    public MetricsServlet(Supplier<PrometheusRegistry> factory) {
        this.factory = factory;
    }

    private synchronized PrometheusRegistry registry() {
        if (registry == null) {
            registry = factory.get();
        }
        return registry;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
        Text.WRITER.write(body, registry().scrape());
        NoCache.apply(response);
        AsyncContext async = request.startAsync();
        AsyncResponses.send(async, CONTENT_TYPE, body.toByteArray(), 0, body.size());
    }

    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) {
        NoCache.apply(response);
        response.setContentType(CONTENT_TYPE);
    }

    /** Loaded at the first scrape, with the exposition format's classes. */
    private static final class Text {
        static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();
    }
}
