package org.pistream.launcher;

import java.util.Set;

import org.slf4j.Marker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Keeps Jetty's own warnings about broken client requests out of the log unless their logger is at
 * DEBUG. Jetty writes one WARN per bad request for some of them (a bad {@code Host}: "HostPort - Bad
 * Authority: [...]" with the client's raw bytes; two {@code Host} headers: HttpParser), so a scanner
 * could fill the log with lines of its choosing. Those requests get their 400 all the same and are
 * counted in {@code /stats} and {@code /metrics} ({@code connections.badRequests},
 * {@code pistream_server_bad_requests_total}, see {@link ServerErrors}).
 *
 * <p>Only WARN and INFO of the loggers in {@link #LOGGERS} are held back, and only while the logger
 * is above DEBUG: {@code PISTREAM_LOG=org.eclipse.jetty.util.HostPort=debug} shows them again. Both
 * {@link LogDefaults} and {@code etc/logback.xml} install it.
 */
public final class JettyClientErrors extends TurboFilter {
    /** Jetty loggers whose WARN and INFO lines are about a client's bad request, nothing else. */
    static final Set<String> LOGGERS = Set.of("org.eclipse.jetty.util.HostPort", "org.eclipse.jetty.http.HttpParser");

    /** For Logback (Joran and LogDefaults). */
    public JettyClientErrors() {
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level == null || level.levelInt < Level.INFO_INT || level.levelInt >= Level.ERROR_INT
                || !LOGGERS.contains(logger.getName())) {
            return FilterReply.NEUTRAL;
        }
        return logger.getEffectiveLevel().levelInt <= Level.DEBUG_INT ? FilterReply.NEUTRAL : FilterReply.DENY;
    }
}
