package org.pistream.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code java -jar target/pi-stream.war ...} as a real child process: waits for its "listening on"
 * line to learn the port, keeps its output for assertions, and stops it with SIGTERM. For tests of
 * the executable WAR, its flags, exit codes, log format, JVM options and process; other tests start
 * a server in the test's JVM ({@link TestServer#start}).
 */
final class ServerProcess implements TestServer {
    private static final Pattern LISTENING = Pattern.compile("listening on (https?://\\S+/)(?: and (https://\\S+/))?");
    /** Bound to every address, the line lists each address to open; loopback's are this machine's. */
    private static final Pattern OPEN_HERE = Pattern.compile(
            "listening on every address .*?(https?://127\\.0\\.0\\.1:\\d+/)(?: and (https://127\\.0\\.0\\.1:\\d+/))? \\(this machine\\)");

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile URI uri;
    private volatile URI httpsUri;

    private ServerProcess(Process process) {
        this.process = process;
        this.reader = new Thread(this::readOutput, "server-output");
        reader.setDaemon(true);
        reader.start();
    }

    static Path war() {
        String war = System.getProperty("pistream.war", "target/pi-stream.war");
        return Path.of(war).toAbsolutePath();
    }

    static List<String> command(String... args) {
        return command(List.of(), args);
    }

    static List<String> command(List<String> jvmArgs, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ExternalTools.javaBinary());
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(war().toString());
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Starts the server and waits until it listens. */
    static ServerProcess start(String... args) throws IOException, InterruptedException {
        return start(Map.of(), List.of(), args);
    }

    /** Starts the server with extra environment variables and JVM options. */
    static ServerProcess start(Map<String, String> env, List<String> jvmArgs, String... args)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command(jvmArgs, args)).redirectErrorStream(true);
        pb.environment().putAll(env);
        return awaitListening(new ServerProcess(pb.start()));
    }

    /**
     * Starts the server with its standard error going to {@code stderr} instead of the output this
     * object keeps, for tests that read standard output on its own (log formats).
     */
    static ServerProcess startSeparateStderr(Map<String, String> env, Path stderr, String... args)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command(args)).redirectError(stderr.toFile());
        pb.environment().putAll(env);
        return awaitListening(new ServerProcess(pb.start()));
    }

    /** Waits up to 30 s for the "listening on" line; stops the server and fails with its output if none comes. */
    private static ServerProcess awaitListening(ServerProcess server) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (server.uri == null) {
            if (!server.process.isAlive() || System.nanoTime() > deadline) {
                server.close();
                throw new AssertionError("server did not start; output:\n" + server.output());
            }
            Thread.sleep(20);
        }
        return server;
    }

    /**
     * Starts any command that ends in running pi-stream (the installed {@code /usr/bin/pi-stream},
     * say) and waits for its "listening on" line.
     */
    static ServerProcess startCommand(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        return awaitListening(new ServerProcess(pb.start()));
    }

    /**
     * Starts the server on a free port and waits until it answers HTTP, for runs whose log level
     * hides the "listening on" line.
     */
    static ServerProcess startQuiet(String... args) throws IOException, InterruptedException {
        int port = freePort();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--port", String.valueOf(port), "--address", "127.0.0.1"));
        ServerProcess server = new ServerProcess(new ProcessBuilder(command(all.toArray(new String[0])))
                .redirectErrorStream(true).start());
        URI uri = URI.create("http://127.0.0.1:" + port + "/");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                server.uri = uri;
                return server;
            } catch (IOException notYet) {
                if (!server.process.isAlive() || System.nanoTime() > deadline) {
                    server.close();
                    throw new AssertionError("server did not start; output:\n" + server.output());
                }
                Thread.sleep(50);
            }
        }
    }

    /** A loopback port that was free a moment ago, for a server that must come back on the same port. */
    static int freePort() throws IOException {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /** Runs the launcher to completion (for flags that make it exit) and returns exit code and output. */
    static Result run(Duration timeout, String... args) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(args)).start();
        p.getOutputStream().close();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("launcher did not exit within " + timeout + ": " + stdout + stderr);
        }
        return new Result(p.exitValue(), stdout, stderr);
    }

    record Result(int exitCode, String stdout, String stderr) {
    }

    @Override
    public URI uri() {
        return uri;
    }

    @Override
    public URI uri(String path) {
        return uri.resolve(path);
    }

    /** The HTTPS address when the server serves HTTPS, else null. */
    @Override
    public URI httpsUri() {
        return httpsUri;
    }

    @Override
    public int port() {
        return uri.getPort();
    }

    long pid() {
        return process.pid();
    }

    Process process() {
        return process;
    }

    @Override
    public String output() {
        return String.join("\n", lines);
    }

    @Override
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Waits until an output line contains {@code text}. */
    @Override
    public boolean awaitOutput(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : lines) {
                if (line.contains(text)) {
                    return true;
                }
            }
            Thread.sleep(20);
        }
        return false;
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
                if (uri == null) {
                    // A JSON log line may escape the slashes of the URL.
                    String unescaped = line.replace("\\/", "/");
                    Matcher m = OPEN_HERE.matcher(unescaped);
                    if (!m.find()) {
                        m = LISTENING.matcher(unescaped);
                    }
                    if (m.reset().find()) {
                        URI first = URI.create(m.group(1));
                        if (first.getScheme().equals("https")) {
                            httpsUri = first; // plain HTTP off: the HTTPS port is the only one
                        } else if (m.group(2) != null) {
                            httpsUri = URI.create(m.group(2));
                        }
                        uri = first;
                    }
                }
            }
        } catch (IOException e) {
            // process ended
        }
    }

    /**
     * SIGTERM, then SIGKILL after 15 s. Returns the exit code. Signals through the process handle:
     * {@code Process.destroy()} would also close our end of its output, losing its last lines.
     */
    @Override
    public int stop() throws InterruptedException {
        return stop(Duration.ofSeconds(15));
    }

    /** The same with another grace period, e.g. the unit's TimeoutStopSec for a stop that writes a class-data archive. */
    public int stop(Duration grace) throws InterruptedException {
        process.toHandle().destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("server ignored SIGTERM for " + grace.toSeconds() + " s; output:\n" + output());
        }
        reader.join(2000);
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.toHandle().destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
