package org.pistream.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real servlet container distribution (unpacked from Maven Central by the build) run as a child
 * process with a base folder of its own under {@code target/}, listening on a free loopback port
 * that it picks and logs. Subclasses know how their container is set up, started and told to
 * deploy; this class runs the process, keeps its console output and stops it with SIGTERM.
 */
abstract class ServletContainer implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    protected final Path home;
    protected final Path base;
    private final List<String> console = new CopyOnWriteArrayList<>();
    private Process process;
    private Thread reader;
    private volatile int port = -1;

    /**
     * @param homeProperty the system property (set by the build) naming the unpacked distribution
     * @param base         this run's base folder; emptied first
     */
    protected ServletContainer(String homeProperty, Path base) throws IOException {
        String dir = System.getProperty(homeProperty);
        if (dir == null || !Files.isDirectory(Path.of(dir))) {
            throw new AssertionError("System property " + homeProperty + " must name the unpacked container ("
                    + dir + "); run the tests with 'mvn verify', which unpacks it in pre-integration-test");
        }
        this.home = Path.of(dir).toAbsolutePath();
        this.base = base.toAbsolutePath();
        deleteTree(this.base);
        Files.createDirectories(this.base.resolve("wars"));
        // The WAR hot deployments point at: a copy, so the container never holds target/pi-stream.war open.
        Files.copy(ServerProcess.war(), war(), StandardCopyOption.REPLACE_EXISTING);
    }

    /** What the reports call this container, e.g. "Tomcat". */
    abstract String name();

    /** The command that runs the container in the foreground, in {@link #base}. */
    protected abstract List<String> command();

    /** Extra environment variables of the container process. */
    protected Map<String, String> environment() {
        return Map.of();
    }

    /** The console line that carries the port the container picked; group 1 is the port. */
    protected abstract Pattern portLine();

    /** A console line the container prints once it has started and deployed what was installed. */
    protected abstract String startedLine();

    /**
     * Installs the WAR before the container starts, the way an operator does: copied into the
     * container's {@code webapps/} with a context XML file that carries {@code parameters}.
     */
    abstract void install(String contextPath, Map<String, String> parameters) throws IOException;

    /** Where the context XML file that hot-deploys {@code contextPath} goes. */
    protected abstract Path descriptor(String contextPath);

    /** A context XML file that deploys the WAR in {@code base/wars} at {@code contextPath} with {@code parameters}. */
    protected abstract String descriptorXml(String contextPath, Map<String, String> parameters);

    /** The class of the container's per-webapp class loader. */
    abstract String webappClassLoaderClass();

    /** Hot-deploys the WAR in {@code base/wars} at {@code contextPath}: one context XML file, written in one step. */
    final void deploy(String contextPath, Map<String, String> parameters) throws IOException {
        writeAtomically(descriptor(contextPath), descriptorXml(contextPath, parameters));
    }

    /** Undeploys what {@link #deploy} deployed, by removing its context XML file. */
    final void undeploy(String contextPath) throws IOException {
        Files.delete(descriptor(contextPath));
    }

    /** The log line the container prints when a context fails to start. */
    abstract Pattern failedStartLine(String contextPath);

    /** The log line the container prints when it has removed a context. */
    abstract Pattern undeployedLine(String contextPath);

    /**
     * Whether the webapp's log lines written while the container's JVM shuts down reach the log.
     * They go through JUL, whose handlers the JVM closes in a shutdown hook of its own; Tomcat's
     * log manager keeps them open until Tomcat has stopped, a plain JVM does not.
     */
    abstract boolean logsWebappLinesAtShutdown();

    /** Log files the container writes besides its console, read by {@link #log()}. */
    protected List<Path> logFiles() {
        return List.of();
    }

    final Path war() {
        return base.resolve("wars").resolve("pi-stream.war");
    }

    final void start() throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command()).directory(base.toFile()).redirectErrorStream(true);
        pb.environment().putAll(environment());
        process = pb.start();
        process.getOutputStream().close();
        reader = new Thread(this::readConsole, name() + "-console");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (port < 0 || !console.stream().anyMatch(l -> l.contains(startedLine()))) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError(name() + " did not start within " + START_TIMEOUT + "; console:\n" + consoleText());
            }
            Thread.sleep(50);
        }
    }

    /** Stops the container with SIGTERM, as a service manager does; returns its exit code. */
    final int stop() throws InterruptedException {
        process.toHandle().destroy();
        if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(name() + " ignored SIGTERM for " + STOP_TIMEOUT + "; console:\n" + consoleText());
        }
        reader.join(5000);
        return process.exitValue();
    }

    final boolean isRunning() {
        return process != null && process.isAlive();
    }

    final ProcessHandle processHandle() {
        return process.toHandle();
    }

    /** Where {@code contextPath} is served, with a trailing slash, e.g. {@code http://127.0.0.1:41234/cam/front/}. */
    final URI uri(String contextPath) {
        return URI.create("http://127.0.0.1:" + port + contextPath + "/");
    }

    /** Console output and log files, as they are now. */
    final String log() {
        StringBuilder sb = new StringBuilder(consoleText());
        for (Path file : logFiles()) {
            try {
                sb.append('\n').append(Files.readString(file, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sb.toString();
    }

    final List<String> logLines() {
        return log().lines().toList();
    }

    final String consoleText() {
        return String.join("\n", console);
    }

    /** How many log lines contain {@code text}. */
    final long count(String text) {
        return logLines().stream().filter(l -> l.contains(text)).count();
    }

    /** Waits until at least {@code n} log lines contain {@code text}. */
    final void awaitCount(String text, long n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count(text) < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name() + ": expected " + n + " log lines with '" + text + "' within " + timeout
                        + "; log:\n" + log());
            }
            Thread.sleep(100);
        }
    }

    /** Waits until a log line matches {@code pattern}; returns it. */
    final String awaitLine(Pattern pattern, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (String line : logLines()) {
                if (pattern.matcher(line).find()) {
                    return line;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name() + ": no log line matched " + pattern + " within " + timeout + "; log:\n" + log());
            }
            Thread.sleep(100);
        }
    }

    /** Writes a file in one step, so a container scanning its folder never sees it half written. */
    private void writeAtomically(Path target, String content) throws IOException {
        Path tmp = base.resolve("wars").resolve(target.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Escapes text for an XML attribute or element. */
    protected static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    protected static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    protected static String javaHome() {
        return System.getProperty("java.home");
    }

    /** JVM options that keep a container small and quick to start on a two-core machine. */
    protected static List<String> jvmOptions() {
        return new ArrayList<>(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-Xshare:auto"));
    }

    private void readConsole() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                console.add(line);
                if (port < 0) {
                    Matcher m = portLine().matcher(line);
                    if (m.find()) {
                        port = Integer.parseInt(m.group(1));
                    }
                }
            }
        } catch (IOException e) {
            // The process ended.
        }
    }

    /** Ends the container if a test left it running: SIGTERM, then SIGKILL. */
    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.toHandle().destroy();
            try {
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
