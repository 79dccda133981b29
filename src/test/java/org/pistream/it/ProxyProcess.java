package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A reverse proxy (nginx, HAProxy) as a child process of the test, in the foreground, with its own
 * configuration and files: never the machine's service. Ready once its port accepts connections;
 * closed with SIGTERM.
 */
final class ProxyProcess implements AutoCloseable {
    private static final Path PACKAGING = Path.of("packaging");

    private final Process process;
    private final Path log;
    private final int port;

    private ProxyProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts {@code command}, which must listen on loopback {@code port}; its output goes to {@code log}. */
    static ProxyProcess start(List<String> command, int port, Path log) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ProxyProcess proxy = new ProxyProcess(p, log, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return proxy;
            } catch (IOException notYet) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    proxy.close();
                    throw new AssertionError(String.join(" ", command) + " did not start:\n" + proxy.output());
                }
                Thread.sleep(20);
            }
        }
    }

    /**
     * nginx in the foreground on loopback {@code port}: the main file of Debian's nginx.conf cut to
     * what a test's own nginx needs (pid, logs and temporary files under {@code dir}), with
     * {@code http} as its http block's contents.
     */
    static ProxyProcess nginx(Path dir, int port, int workerConnections, String http) throws IOException, InterruptedException {
        String conf = "worker_processes 1;\n"
                + "pid " + dir.resolve("nginx.pid") + ";\n"
                + "error_log " + dir.resolve("error.log") + " info;\n"
                + "events { worker_connections " + workerConnections + "; }\n"
                + "http {\n"
                + "  access_log " + dir.resolve("access.log") + ";\n"
                + "  client_body_temp_path " + dir.resolve("body") + ";\n"
                + "  proxy_temp_path " + dir.resolve("proxy") + ";\n"
                + "  fastcgi_temp_path " + dir.resolve("fastcgi") + ";\n"
                + "  uwsgi_temp_path " + dir.resolve("uwsgi") + ";\n"
                + "  scgi_temp_path " + dir.resolve("scgi") + ";\n"
                + http
                + "}\n";
        Path nginxConf = dir.resolve("nginx.conf");
        Files.writeString(nginxConf, conf);
        return start(List.of(tool("nginx").toString(), "-e", dir.resolve("error.log").toString(), "-p", dir.toString(),
                "-c", nginxConf.toString(), "-g", "daemon off;"), port, dir.resolve("nginx.out"));
    }

    /** HAProxy in the foreground with the configuration {@code cfg}, which must bind loopback {@code port}. */
    static ProxyProcess haproxy(Path dir, int port, String cfg) throws IOException, InterruptedException {
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, cfg);
        return start(List.of(tool("haproxy").toString(), "-db", "-f", file.toString()), port, dir.resolve("haproxy.out"));
    }

    /** A proxy from Debian's packages; /usr/sbin may be missing from a user's PATH. */
    static Path tool(String program) {
        Path inSbin = Path.of("/usr/sbin", program);
        return ExternalTools.find(program) == null && Files.isExecutable(inSbin) ? inSbin : ExternalTools.require(program);
    }

    /** A new directory under the build directory for one proxy's files. */
    static Path directory(String prefix) throws IOException {
        return Files.createTempDirectory(Path.of(System.getProperty("pistream.build.dir", "target")), prefix);
    }

    /** A file under {@code packaging/}, as shipped. */
    static String shipped(String path) throws IOException {
        return Files.readString(PACKAGING.resolve(path), StandardCharsets.UTF_8);
    }

    /** The absolute path of a file under {@code packaging/}, for an include. */
    static Path shippedPath(String path) {
        return PACKAGING.resolve(path).toAbsolutePath();
    }

    /**
     * {@code text} with {@code from} replaced; fails unless {@code from} occurs exactly once, so a
     * test changes a shipped file's addresses and nothing else.
     */
    static String replaceOnce(String text, String from, String to) {
        int at = text.indexOf(from);
        assertTrue(at >= 0 && text.indexOf(from, at + 1) < 0, "the shipped file has '" + from + "' once");
        return text.substring(0, at) + to + text.substring(at + from.length());
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + "/" + path);
    }

    String output() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    @Override
    public void close() throws InterruptedException {
        process.toHandle().destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
