package org.pistream.it;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A well-behaved viewer that keeps reading {@code /stream} on its own thread while a test attacks
 * the server, with the strict {@link MjpegClient}. It remembers how many parts it got, the longest
 * wait between two parts, and the first failure, so a test can show the attack did not disturb it.
 */
final class HonestViewer implements AutoCloseable {
    private final MjpegClient client;
    private final Thread reader;
    private final AtomicLong parts = new AtomicLong();
    private final AtomicLong longestGapNanos = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean closing;

    private HonestViewer(MjpegClient client) {
        this.client = client;
        this.reader = new Thread(this::read, "honest-viewer");
        reader.setDaemon(true);
        reader.start();
    }

    static HonestViewer watch(URI base, Map<String, String> headers) throws IOException {
        MjpegClient client = MjpegClient.open(base, "/stream", headers);
        if (client.status() != 200) {
            client.close();
            throw new AssertionError("the honest viewer got " + client.status());
        }
        return new HonestViewer(client);
    }

    static HonestViewer watch(URI base) throws IOException {
        return watch(base, Map.of());
    }

    private void read() {
        long last = System.nanoTime();
        try {
            while (!closing) {
                MjpegClient.Part part = client.readPart();
                if (part == null) {
                    throw new IOException("the server ended the stream");
                }
                long now = System.nanoTime();
                longestGapNanos.accumulateAndGet(now - last, Math::max);
                last = now;
                parts.incrementAndGet();
            }
        } catch (IOException | RuntimeException e) {
            if (!closing) {
                failure.set(e);
            }
        }
    }

    long parts() {
        return parts.get();
    }

    /** The longest time between two parts since the viewer started (or since the last reset). */
    Duration longestGap() {
        return Duration.ofNanos(longestGapNanos.get());
    }

    void resetLongestGap() {
        longestGapNanos.set(0);
    }

    /**
     * Asserts the viewer is still getting frames: no failure so far, {@code count} more parts
     * within {@code timeout}, and no wait between parts longer than {@code maxGap}.
     */
    void assertStreaming(int count, Duration timeout, Duration maxGap) throws InterruptedException {
        long start = parts.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (parts.get() < start + count && failure.get() == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Throwable t = failure.get();
        if (t != null) {
            throw new AssertionError("the honest viewer's stream failed: " + t, t);
        }
        if (parts.get() < start + count) {
            throw new AssertionError("the honest viewer got " + (parts.get() - start) + " of " + count + " parts in " + timeout);
        }
        if (longestGap().compareTo(maxGap) > 0) {
            throw new AssertionError("the honest viewer waited " + longestGap().toMillis() + " ms for a part");
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        closing = true;
        client.close();
        reader.join(2000);
    }
}
