package org.pistream.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * {@code /metrics}: the registry in the Prometheus text exposition format (version 0.0.4), which
 * every Prometheus, VictoriaMetrics, Grafana Agent and Telegraf scraper reads. The body is built in
 * memory (a few kilobytes) and written without blocking a thread.
 */
final class MetricsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final PrometheusTextFormatWriter TEXT = PrometheusTextFormatWriter.create();

    private final transient PrometheusRegistry registry;

    MetricsServlet(PrometheusRegistry registry) {
        this.registry = registry;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
        TEXT.write(body, registry.scrape());
        NoCache.apply(response);
        AsyncContext async = request.startAsync();
        AsyncResponses.send(async, TEXT.getContentType(), body.toByteArray(), 0, body.size());
    }

    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) {
        NoCache.apply(response);
        response.setContentType(TEXT.getContentType());
    }
}
