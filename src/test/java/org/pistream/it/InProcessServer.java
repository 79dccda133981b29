package org.pistream.it;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.pistream.core.Cameras;
import org.pistream.launcher.EmbeddedServer;

/**
 * A server started in this JVM with {@link EmbeddedServer#start(String...)}: the flags of
 * {@code java -jar}, real sockets, a real camera child process, and no JVM to start.
 *
 * <p>It is started on a thread of a {@link ThreadGroup} of its own, {@code pi-stream@N}; every
 * thread it makes (Jetty's pool, the camera's reader, the fan-out) inherits that group. The group
 * gives each server its own log lines ({@link LogCapture}) and lets {@link #stop()} check that
 * stopping left no thread of the server running.
 *
 * <p>What differs from {@code java -jar}: system properties and environment are this JVM's, logging
 * is the test's Logback (levels are kept per server, formats are not: {@code --log-format} does
 * nothing here), no shutdown hook, no exit code. Tests of those use {@link ServerProcess}.
 */
final class InProcessServer implements TestServer {
    private static final AtomicInteger COUNT = new AtomicInteger();
    private static final long START_SECONDS = 30;
    private static final long THREADS_GONE_MILLIS = 5000;

    private final String name;
    private final ThreadGroup group;
    private final LogCapture.Sink log;
    private final EmbeddedServer.Running running;
    private boolean stopped;

    private InProcessServer(String name, ThreadGroup group, LogCapture.Sink log, EmbeddedServer.Running running) {
        this.name = name;
        this.group = group;
        this.log = log;
        this.running = running;
    }

    static InProcessServer start(String... args) throws Exception {
        String name = "pi-stream@" + COUNT.incrementAndGet();
        ThreadGroup group = new ThreadGroup(name);
        List<String> flags = Arrays.asList(args);
        int at = flags.lastIndexOf("--log-level");
        LogCapture.Sink log = LogCapture.open(group, at >= 0 && at + 1 < flags.size() ? flags.get(at + 1) : "info",
                flags.contains("--verbose"));
        // Started on a thread of the group, so that the threads the server makes are in it.
        FutureTask<EmbeddedServer.Running> start = new FutureTask<>(() -> EmbeddedServer.start(args));
        Thread starter = new Thread(group, start, "start@" + name);
        starter.start();
        try {
            return new InProcessServer(name, group, log, start.get(START_SECONDS, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
            LogCapture.close(log);
            throw new AssertionError(name + " did not start: " + e.getCause() + "; log:\n" + String.join("\n", log.lines()),
                    e.getCause());
        } catch (TimeoutException e) {
            LogCapture.close(log);
            throw new AssertionError(name + " did not start within " + START_SECONDS + " s; log:\n"
                    + String.join("\n", log.lines()) + "\n" + stacks(group));
        }
    }

    @Override
    public URI uri() {
        return running.uri();
    }

    /** The cameras the server runs: for tests that look inside the fan-out. */
    Cameras cameras() {
        return running.cameras();
    }

    @Override
    public URI httpsUri() {
        List<URI> uris = running.uris();
        return uris.stream().filter(u -> u.getScheme().equals("https")).findFirst().orElse(null);
    }

    @Override
    public List<String> lines() {
        return log.lines();
    }

    /** Stops the server, then fails if a thread it made still runs after a few seconds. */
    @Override
    public synchronized int stop() throws Exception {
        if (stopped) {
            return 0;
        }
        stopped = true;
        try {
            running.close();
        } finally {
            LogCapture.close(log);
        }
        List<Thread> left = awaitThreadsGone();
        if (!left.isEmpty()) {
            throw new AssertionError(name + " left " + left.size() + " thread(s) running after it stopped:\n" + stacks(group));
        }
        return 0;
    }

    @Override
    public void close() throws Exception {
        stop();
    }

    /**
     * Waits for the group's threads to end. Java 17's HttpClient has no close(): its selector thread
     * ends once the client is garbage, so a collection is asked for before giving up.
     */
    private List<Thread> awaitThreadsGone() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(THREADS_GONE_MILLIS);
        boolean collected = false;
        while (true) {
            List<Thread> left = threads(group);
            if (left.isEmpty() || System.nanoTime() > deadline) {
                return left;
            }
            if (!collected && left.stream().allMatch(t -> t.getName().startsWith("HttpClient-"))) {
                System.gc();
                collected = true;
            }
            Thread.sleep(20);
        }
    }

    private static List<Thread> threads(ThreadGroup group) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && inGroup(t, group))
                .collect(Collectors.toList());
    }

    private static boolean inGroup(Thread t, ThreadGroup group) {
        for (ThreadGroup g = t.getThreadGroup(); g != null; g = g.getParent()) {
            if (g == group) {
                return true;
            }
        }
        return false;
    }

    private static String stacks(ThreadGroup group) {
        StringBuilder out = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            if (inGroup(t, group)) {
                out.append('"').append(t.getName()).append("\"\n");
                for (StackTraceElement e : stack) {
                    out.append("    at ").append(e).append('\n');
                }
            }
        });
        return out.toString();
    }

    @Override
    public String toString() {
        return name + " " + running;
    }
}
