package org.pistream.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;

class LogDefaultsTest {

    @Test
    void buildsWhatEtcLogbackXmlSays() throws Exception {
        LoggerContext fromCode = new LoggerContext();
        assertEquals(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, new LogDefaults().configure(fromCode));
        LoggerContext fromXml = new LoggerContext();
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(fromXml);
        joran.doConfigure(Path.of("etc", "logback.xml").toFile());

        assertEquals(describe(fromXml), describe(fromCode));
        assertEquals(List.of("root INFO", "org.eclipse.jetty INFO", "appender CONSOLE ConsoleAppender " + LogDefaults.PATTERN,
                "turbo filter JettyClientErrors", "status listener NopStatusListener"), describe(fromCode));
    }

    @Test
    void jettysWarningsAboutBadRequestsOnlyAtDebug() {
        LoggerContext context = new LoggerContext();
        new LogDefaults().configure(context);
        for (String name : JettyClientErrors.LOGGERS) {
            ch.qos.logback.classic.Logger jetty = context.getLogger(name);
            assertFalse(jetty.isWarnEnabled(), name);
            assertTrue(jetty.isErrorEnabled(), name);
            jetty.setLevel(ch.qos.logback.classic.Level.DEBUG);
            assertTrue(jetty.isWarnEnabled(), name + " at DEBUG");
        }
        assertTrue(context.getLogger("org.eclipse.jetty.server.Server").isWarnEnabled(), "Jetty's other warnings");
        assertTrue(context.getLogger("org.eclipse.jetty.util.HostPortX").isWarnEnabled(), "by name, not by prefix");
    }

    @Test
    void leavesAConfigurationFileToLogback() {
        String before = System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY);
        System.setProperty(ClassicConstants.CONFIG_FILE_PROPERTY, "etc/logback.xml");
        try {
            LoggerContext context = new LoggerContext();
            assertEquals(ExecutionStatus.INVOKE_NEXT_IF_ANY, new LogDefaults().configure(context));
            assertEquals(List.of("root DEBUG"), describe(context)); // Logback's untouched default
        } finally {
            if (before == null) {
                System.clearProperty(ClassicConstants.CONFIG_FILE_PROPERTY);
            } else {
                System.setProperty(ClassicConstants.CONFIG_FILE_PROPERTY, before);
            }
        }
    }

    /** Levels set, root appenders with their encoder's pattern, and status listeners: what the launcher relies on. */
    private static List<String> describe(LoggerContext context) {
        List<String> lines = new ArrayList<>();
        context.getLoggerList().stream().filter(l -> l.getLevel() != null)
                .forEach(l -> lines.add(l.getName().toLowerCase(java.util.Locale.ROOT).equals("root") ? "root " + l.getLevel()
                        : l.getName() + " " + l.getLevel()));
        for (Iterator<Appender<ILoggingEvent>> it = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders();
                it.hasNext(); ) {
            Appender<ILoggingEvent> a = it.next();
            ConsoleAppender<ILoggingEvent> console = assertInstanceOf(ConsoleAppender.class, a);
            PatternLayoutEncoder encoder = assertInstanceOf(PatternLayoutEncoder.class, console.getEncoder());
            lines.add("appender " + a.getName() + " " + a.getClass().getSimpleName() + " " + encoder.getPattern());
        }
        context.getTurboFilterList().forEach(f -> lines.add("turbo filter " + f.getClass().getSimpleName()));
        context.getStatusManager().getCopyOfStatusListenerList()
                .forEach(l -> lines.add("status listener " + l.getClass().getSimpleName()));
        return lines;
    }
}
