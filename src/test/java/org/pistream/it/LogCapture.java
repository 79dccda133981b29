package org.pistream.it;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.spi.FilterReply;

/**
 * The log lines of servers that run in this JVM, each server's apart. A server's threads all belong
 * to its own {@link ThreadGroup} (every thread a server makes inherits its group from the thread
 * that started it, see {@link InProcessServer}), so an event is the server's whose group the logging
 * thread is in. An event from a thread of no server (a JDK pool, say) goes to every open server.
 *
 * <p>Each server logs at its own levels, as its own JVM would after {@code LogSetup}: the root level
 * ({@code --log-level}), Jetty never below INFO, pi-stream at DEBUG with {@code --verbose}. A turbo
 * filter decides for the server's threads; other threads keep the JVM's configuration.
 */
final class LogCapture {
    /** Levels and lines of one server. */
    static final class Sink {
        private final ThreadGroup group;
        private final Level root;
        private final boolean verbose;
        private final List<String> lines = new CopyOnWriteArrayList<>();

        private Sink(ThreadGroup group, Level root, boolean verbose) {
            this.group = group;
            this.root = root;
            this.verbose = verbose;
        }

        List<String> lines() {
            return List.copyOf(lines);
        }

        /** Whether the server's own JVM would log this (see LogSetup.apply). */
        boolean enabled(String logger, Level level) {
            Level threshold = root;
            if (logger.startsWith("org.eclipse.jetty") && !root.isGreaterOrEqual(Level.INFO)) {
                threshold = Level.INFO;
            } else if (verbose && logger.startsWith("org.pistream") && root.isGreaterOrEqual(Level.DEBUG)) {
                threshold = Level.DEBUG;
            }
            return level.isGreaterOrEqual(threshold);
        }
    }

    private static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n%ex";
    private static final Map<ThreadGroup, Sink> SINKS = new ConcurrentHashMap<>();
    private static boolean installed;

    private LogCapture() {
    }

    /** Starts keeping the lines of the server whose threads are in {@code group}. */
    static synchronized Sink open(ThreadGroup group, String logLevel, boolean verbose) {
        install();
        Sink sink = new Sink(group, Level.toLevel(logLevel, Level.INFO), verbose);
        SINKS.put(group, sink);
        return sink;
    }

    /** Stops keeping them; the lines kept stay readable. */
    static void close(Sink sink) {
        SINKS.remove(sink.group);
    }

    /** The sink of the server the current thread works for, or null. */
    private static Sink current() {
        if (SINKS.isEmpty()) {
            return null;
        }
        for (ThreadGroup g = Thread.currentThread().getThreadGroup(); g != null; g = g.getParent()) {
            Sink sink = SINKS.get(g);
            if (sink != null) {
                return sink;
            }
        }
        return null;
    }

    private static void install() {
        if (installed) {
            return;
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.setPattern(PATTERN);
        layout.start();

        TurboFilter levels = new TurboFilter() {
            @Override
            public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
                Sink sink = current();
                if (sink == null || level == null) {
                    return FilterReply.NEUTRAL;
                }
                return sink.enabled(logger.getName(), level) ? FilterReply.ACCEPT : FilterReply.DENY;
            }
        };
        levels.setContext(context);
        levels.start();
        context.addTurboFilter(levels);

        AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                List<String> lines = layout.doLayout(event).lines().toList();
                Sink sink = current();
                if (sink != null) {
                    sink.lines.addAll(lines);
                } else {
                    SINKS.values().forEach(s -> s.lines.addAll(lines));
                }
            }
        };
        appender.setContext(context);
        appender.setName("in-process-servers");
        appender.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
        installed = true;
    }
}
