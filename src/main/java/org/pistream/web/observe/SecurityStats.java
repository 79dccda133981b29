package org.pistream.web.observe;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.pistream.core.settings.Settings;
import org.pistream.web.security.SecurityCounters;

/** The protections' numbers in {@code /stats}, added to the report {@link StatsReport} builds. */
public final class SecurityStats {
    private SecurityStats() {
    }

    /**
     * @param connections the embedded server's connection numbers, or null in a container
     */
    @SuppressWarnings("unchecked")
    public static void addTo(Map<String, Object> report, Settings settings, SecurityCounters counters,
                      Supplier<Map<String, Object>> connections) {
        Object clients = report.get("clients");
        if (clients instanceof Map<?, ?> map) {
            Map<String, Object> c = (Map<String, Object>) map;
            c.put("maxPerAddress", settings.limits().maxClientsPerAddress());
            c.put("rejectedPerAddress", counters.refusedPerAddress.sum());
            c.put("timedOut", counters.clientTimeouts.sum());
        }
        Map<String, Object> auth = new LinkedHashMap<>();
        auth.put("enabled", settings.auth() != null);
        auth.put("failures", counters.authFailures.sum());
        auth.put("throttled", counters.authThrottled.sum());
        report.put("auth", auth);
        if (connections != null) {
            report.put("connections", connections.get());
        }
    }
}
