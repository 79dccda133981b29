package org.pistream.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.pistream.core.settings.Key;
import org.pistream.core.settings.KeyTable;
import org.pistream.core.source.detect.CameraDetector;
import org.pistream.core.source.detect.CameraListing;
import org.pistream.core.settings.Settings;
import org.pistream.web.InvalidSettingException;
import org.pistream.web.SettingsLoader;
import org.pistream.web.Version;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.beust.jcommander.ParameterException;

/**
 * {@code java -jar pi-stream.war [flags]}: parses the flags, reads the {@code --config} file if one
 * is given, sets up logging, starts the embedded server and waits. A bad flag, value or config file
 * prints one line and exits 2; a port in use exits 1.
 * {@code java -jar pi-stream.war hash-password} prints a password hash instead ({@link HashPasswordCommand});
 * {@code java -jar pi-stream.war cameras} lists the cameras found ({@link CameraDetector}).
 */
public final class Launcher {
    /** Set by the bootstrap: the folder it unpacked the server into, removed at shutdown. */
    static final String EXTRACTED_PROPERTY = "pistream.extracted";
    private static final String JETTY_REFERENCES_PER_CACHE_LINE = "org.eclipse.jetty.util.referencesPerCacheLine";

    /** {@code java -jar pi-stream.war cameras}: lists the cameras found on this machine, with a config line for each. */
    static final String CAMERAS_COMMAND = "cameras";

    private Launcher() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals(HashPasswordCommand.NAME)) {
            if (args.length > 1) {
                fail(2, "unexpected argument: " + args[1] + " (" + HashPasswordCommand.NAME + " reads the password from standard input)");
            }
            int status = HashPasswordCommand.run(System.console(), System.in, System.out, System.err);
            System.out.flush();
            System.exit(status);
        }
        if (args.length > 0 && args[0].equals(CAMERAS_COMMAND)) {
            if (args.length > 1) {
                fail(2, "unexpected argument: " + args[1] + " (" + CAMERAS_COMMAND + " takes none)");
            }
            System.out.print(CameraListing.format(CameraDetector.forThisMachine().detect()));
            System.out.flush();
            System.exit(0);
        }
        LauncherOptions options = new LauncherOptions(KeyTable.standard());
        String refused = parse(options, args);
        if (refused != null) {
            fail(2, refused);
        }
        if (options.help) {
            System.out.print(Help.text(options));
            return;
        }
        if (options.version) {
            System.out.println("pi-stream " + Version.get());
            return;
        }
        Configured configured = null;
        try {
            configured = configure(options);
        } catch (UsageException e) {
            fail(2, e.getMessage());
        }
        Settings settings = configured.settings();
        Map<String, String> perLogger = Map.of();
        try {
            perLogger = LogLevels.parse(System.getenv(LogLevels.ENVIRONMENT_VARIABLE));
        } catch (IllegalArgumentException e) {
            fail(2, e.getMessage());
        }
        LogSetup.apply(settings.logLevel(), settings.verbose(), settings.logFormat(), perLogger);
        Logger log = LoggerFactory.getLogger(Launcher.class);
        if (options.config != null) {
            log.info("Settings from {} where no flag, -D or environment variable sets them", options.config);
        }

        skipJettyMBeanProbe();
        Server server = EmbeddedServer.create(settings, "/");
        OctoPiCheck.Found octoPi = OctoPiCheck.forThisMachine().find();
        // The ports first, before Jetty or a camera starts: a port in use is then the one line below.
        String unbound = openConnectors(server, settings.address(), octoPi);
        if (unbound != null) {
            fail(1, unbound);
        }
        if (octoPi != null && servesPort(settings, OctoPiCheck.WEBCAM_PORT)) {
            log.warn(octoPiWarning(octoPi, settings));
        }
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly(server);
            if (hasCause(e, BindException.class)) {
                String ports = settings.tls() == null ? "Port " + settings.port()
                        : "Port " + settings.port() + " or " + settings.tls().port();
                fail(1, ports + " already in use on " + settings.address() + ": is another pi-stream running?");
            }
            log.error("pi-stream failed to start", e);
            fail(1, "failed to start: " + firstLine(String.valueOf(e.getMessage())));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("Shutting down");
            stopQuietly(server);
            deleteExtracted();
        }, "shutdown"));
        log.info("pi-stream {} listening on {}", Version.get(),
                OpenUrls.describe(OpenUrls.of(server), OpenUrls.ofThisMachine(), settings.cameraDescription()));
        try {
            server.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Binds each connector's port, as Jetty would at its start; returns the line to print for a port
     * that cannot be had, or null when all are bound.
     */
    private static String openConnectors(Server server, String address, OctoPiCheck.Found octoPi) {
        for (Connector c : server.getConnectors()) {
            ServerConnector connector = (ServerConnector) c;
            try {
                connector.open();
            } catch (IOException e) {
                boolean tls = connector.getConnectionFactory(SslConnectionFactory.class) != null;
                return bindFailure(connector.getPort(), address, (tls ? KeyTable.TLS_PORT : KeyTable.PORT).flagName(), e, octoPi);
            }
        }
        return null;
    }

    /**
     * The one line for a port that cannot be bound: in use (by OctoPi's webcam service, when that is
     * here and the port is its 8080), with the flag for the next port; or why else it failed.
     */
    static String bindFailure(int port, String address, String flag, IOException e, OctoPiCheck.Found octoPi) {
        // Jetty wraps the JDK's exception ("Failed to bind to /0.0.0.0:8080"); the JDK's says why.
        Throwable why = e;
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof BindException) {
                why = c;
                break;
            }
        }
        String reason = firstLine(String.valueOf(why.getMessage()));
        if (!(why instanceof BindException) || !reason.toLowerCase(java.util.Locale.ROOT).contains("in use")) {
            String hint = port > 0 && port < 1024 && reason.contains("ermission") ? " (ports below 1024 need root)" : "";
            return "cannot listen on " + address + " port " + port + ": " + reason + hint;
        }
        String other = flag + " " + (port < 65535 ? port + 1 : port - 1);
        if (octoPi != null && port == OctoPiCheck.WEBCAM_PORT) {
            return "Port " + port + " already in use on " + address + ": " + octoPi.describe()
                    + " serves OctoPi's webcam there; start pi-stream with " + other + ", or free the port (" + octoPi.stopAdvice() + ")";
        }
        return "Port " + port + " already in use on " + address + ": is another pi-stream or webcam server running? Stop it, or start"
                + " pi-stream with " + other;
    }

    /** The start-up warning on a machine with OctoPi's webcam service, when pi-stream takes its port too. */
    static String octoPiWarning(OctoPiCheck.Found octoPi, Settings settings) {
        boolean tls = settings.tls() != null && settings.tls().port() == OctoPiCheck.WEBCAM_PORT;
        Key<Integer> key = tls ? KeyTable.TLS_PORT : KeyTable.PORT;
        return "This looks like " + octoPi.describe() + ": OctoPi's webcam service uses port " + OctoPiCheck.WEBCAM_PORT
                + " too, and cannot start (or stops working) while pi-stream holds it. Start pi-stream with " + key.flagName() + " "
                + (OctoPiCheck.WEBCAM_PORT + 1) + ", or free the port (" + octoPi.stopAdvice() + ")";
    }

    private static boolean servesPort(Settings settings, int port) {
        boolean plain = settings.tls() == null || settings.tls().plainHttp() != Settings.PlainHttp.OFF;
        return (plain && settings.port() == port) || (settings.tls() != null && settings.tls().port() == port);
    }

    /** What the flags ask for: the validated settings. */
    record Configured(Settings settings) {
    }

    /** A flag, value or {@code --config} file the launcher refuses; the message is the one line it prints before exit code 2. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Reads the {@code --config} file if the options name one and builds the settings from the flags,
     * system properties, environment, that file and the bundled defaults.
     */
    static Configured configure(LauncherOptions options) throws UsageException {
        Map<String, String> flags;
        try {
            flags = options.toConfig();
        } catch (ParameterException e) {
            throw new UsageException(e.getMessage(), e);
        }
        List<ConfigSource> files = List.of();
        if (options.config != null) {
            try {
                files = List.of(ConfigFile.read(Path.of(options.config)));
            } catch (ConfigFile.UnusableException e) {
                throw new UsageException(e.getMessage(), e);
            }
        }
        Config config = SettingsLoader.config(flags, "command-line flags", files, Launcher.class.getClassLoader());
        try {
            return new Configured(SettingsLoader.load(config));
        } catch (InvalidSettingException e) {
            throw new UsageException(e.getMessage() + where(config, e.key(), files, options.config), e);
        }
    }

    /** JCommander's complaint about {@code args} as the launcher prints it, or null when they parse. */
    static String parse(LauncherOptions options, String[] args) {
        try {
            options.parse(args);
            return null;
        } catch (ParameterException e) {
            return describe(e) + " (see --help)";
        }
    }

    /**
     * Jetty pads some arrays to a cache line and, unless told, asks the platform MBean server how
     * large a reference is: starting JMX for that costs a small board about a tenth of a second of
     * start-up. With compressed oops (any heap under 32 GB; pi-stream runs with 64 MB) a reference is
     * 4 bytes, 16 to a 64-byte line, which is what Jetty would find. A -D given by the operator wins.
     */
    private static void skipJettyMBeanProbe() {
        if (System.getProperty(JETTY_REFERENCES_PER_CACHE_LINE) == null) {
            System.setProperty(JETTY_REFERENCES_PER_CACHE_LINE, "16");
        }
    }

    private static void stopQuietly(Server server) {
        try {
            EmbeddedServer.stop(server);
        } catch (Exception e) {
            LoggerFactory.getLogger(Launcher.class).warn("Stopping the server failed: {}", e.toString());
        }
    }

    private static void deleteExtracted() {
        String dir = System.getProperty(EXTRACTED_PROPERTY);
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(Path.of(dir))) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // Best effort: the next start removes folders of processes that are gone.
        }
    }

    /** " (in FILE)" when the bad value came from the --config file, so the operator knows where to fix it. */
    private static String where(Config config, String key, List<ConfigSource> files, String file) {
        if (files.isEmpty() || key == null) {
            return "";
        }
        String source = config.getConfigValue(key).getSourceName();
        return files.get(0).getName().equals(source) ? " (in " + file + ")" : "";
    }

    /** JCommander calls a stray word a "main parameter"; say what the user did instead. */
    private static String describe(ParameterException e) {
        String message = firstLine(String.valueOf(e.getMessage()));
        String prefix = "Was passed main parameter '";
        if (message.startsWith(prefix)) {
            String word = message.substring(prefix.length(), Math.max(prefix.length(), message.indexOf('\'', prefix.length())));
            return (word.startsWith("-") ? "unknown flag: " : "unexpected argument: ") + word;
        }
        return message;
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static void fail(int code, String message) {
        System.err.println("pi-stream: " + message);
        System.exit(code);
    }
}
