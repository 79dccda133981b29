package org.pistream.launcher;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;

/**
 * The launcher's default Logback configuration, built in code: the same console appender, pattern
 * and levels as {@code etc/logback.xml}, without parsing XML at start-up (Logback's Joran and the
 * JDK's XML parser cost a cold JVM a few hundred milliseconds). Logback finds this class through
 * {@code META-INF/services/ch.qos.logback.classic.spi.Configurator} in the launcher jar and runs it
 * before its own configurators.
 *
 * <p>When {@code -Dlogback.configurationFile} names a file (for example {@code etc/logback.xml},
 * edited), this class does nothing and Logback reads that file as usual. {@link LogSetup} then
 * applies the flags on top of either; {@code --log-format json} needs a ConsoleAppender named
 * {@value #CONSOLE}. Called once, on the thread of the first SLF4J call.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogDefaults extends ContextAwareBase implements Configurator {
    /** The console appender's name, as in etc/logback.xml. */
    static final String CONSOLE = "CONSOLE";
    /** The console pattern, as in etc/logback.xml. */
    static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n";

    /** For the ServiceLoader. */
    public LogDefaults() {
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY) != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        NopStatusListener quiet = new NopStatusListener();
        context.getStatusManager().add(quiet);

        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName(CONSOLE);
        console.setEncoder(encoder);
        console.start();

        // Jetty is chatty below INFO even when pi-stream itself logs at DEBUG.
        context.getLogger("org.eclipse.jetty").setLevel(Level.INFO);
        // ...and writes a WARN per bad request for some client errors: those only at DEBUG.
        JettyClientErrors clientErrors = new JettyClientErrors();
        clientErrors.setContext(context);
        clientErrors.start();
        context.addTurboFilter(clientErrors);
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
