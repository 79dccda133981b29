package org.pistream.launcher;

import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.jul.LevelChangePropagator;

/**
 * Logging of the embedded launcher: Logback, configured by {@code logback.xml} and the flags, with
 * JUL bridged into SLF4J. Only the launcher does this; in a container the container owns JUL.
 */
final class LogSetup {
    private LogSetup() {
    }

    static void apply(String level, boolean verbose) {
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
    }
}
