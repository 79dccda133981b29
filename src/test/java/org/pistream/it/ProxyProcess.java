package org.pistream.it;

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
