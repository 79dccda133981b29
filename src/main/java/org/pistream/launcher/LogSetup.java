package org.pistream.launcher;

import java.util.Map;

import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;

/**
 * Logging of the embedded launcher: Logback, configured by {@link LogDefaults} (or the file that
 * {@code -Dlogback.configurationFile} names) and the flags, with JUL bridged into SLF4J. Only the launcher does this; in a container the container owns JUL.
 *
 * <p>Levels are applied in this order, later ones winning for the loggers they name: the root
 * level ({@code --log-level}; Jetty never below INFO), {@code --verbose} (pi-stream at DEBUG), then
 * each entry of {@code PISTREAM_LOG} ({@link LogLevels}).
 */
final class LogSetup {
    static final String JSON = "json";

    private LogSetup() {
    }

    /**
     * @param format    {@code text} (the pattern of LogDefaults or the configuration file) or {@code json} (one object per line)
     * @param perLogger levels by logger name from {@link LogLevels#parse}; {@link LogLevels#ROOT} is the root
     */
    static void apply(String level, boolean verbose, String format, Map<String, String> perLogger) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        // Keeps JUL's levels in step, so disabled JUL records cost nothing on their way to SLF4J.
        LevelChangePropagator propagator = new LevelChangePropagator();
        propagator.setContext(context);
        propagator.setResetJUL(true);
        context.addListener(propagator);
        propagator.start();
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();

        Level root = Level.toLevel(level, Level.INFO);
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(root);
        // Jetty follows the chosen level but never below INFO: its DEBUG output would drown ours.
        context.getLogger("org.eclipse.jetty").setLevel(root.isGreaterOrEqual(Level.INFO) ? root : Level.INFO);
        if (verbose) {
            context.getLogger("org.pistream").setLevel(Level.DEBUG);
        }
        perLogger.forEach((name, value) -> context.getLogger(LogLevels.ROOT.equals(name)
                ? org.slf4j.Logger.ROOT_LOGGER_NAME : name).setLevel(Level.toLevel(value)));
        if (JSON.equals(format)) {
            useJson(context);
        }
    }

    /**
     * Replaces the console's pattern with Logback's JSON encoder: one object per line with time,
     * level, thread, logger, the formatted message, MDC, key-value pairs and any exception. The raw
     * message template and its arguments are left out: the formatted message says it once.
     */
    private static void useJson(LoggerContext context) {
        Appender<ILoggingEvent> appender = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender(LogDefaults.CONSOLE);
        if (!(appender instanceof ConsoleAppender<ILoggingEvent> console)) {
            throw new IllegalStateException("the Logback configuration has no ConsoleAppender named " + LogDefaults.CONSOLE);
        }
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithContext(false);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        console.stop();
        console.setEncoder(encoder);
        console.start();
    }
}
