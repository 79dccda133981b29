package org.pistream.it;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * A pi-stream server that a test talks to over real sockets: in this JVM ({@link InProcessServer},
 * what most tests use: no JVM to start) or as {@code java -jar pi-stream.war} ({@link ServerProcess},
 * for tests of the executable WAR itself, its flags, exit codes, log format and process).
 */
interface TestServer extends AutoCloseable {

    /** Starts a server in this JVM with these flags and waits until it listens. */
    static TestServer start(String... args) throws Exception {
        return InProcessServer.start(args);
    }

    /** Where it listens first: the plain-HTTP address when there is one. */
    URI uri();

    default URI uri(String path) {
        return uri().resolve(path);
    }

    /** The HTTPS address when the server serves HTTPS, else null. */
    URI httpsUri();

    default int port() {
        return uri().getPort();
    }

    /** Its log lines so far, one string. */
    default String output() {
        return String.join("\n", lines());
    }

    /** Its log lines so far. */
    List<String> lines();

    /** Waits until a log line contains {@code text}. */
    default boolean awaitOutput(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            if (lines().stream().anyMatch(l -> l.contains(text))) {
                return true;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        return false;
    }

    /**
     * Stops it and waits until it has; its last log lines are then in {@link #lines()}. Returns the
     * process's exit code, or 0 for a server in this JVM (one that does not stop cleanly fails).
     */
    int stop() throws Exception;

    /** Stops it if it still runs; never throws for a server already stopped. */
    @Override
    void close() throws Exception;
}
