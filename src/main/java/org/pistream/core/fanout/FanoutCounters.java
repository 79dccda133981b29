package org.pistream.core.fanout;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.pistream.core.stats.Histogram;
import org.pistream.core.stats.RateMeter;

/**
 * What the broadcaster counts while frames flow: camera frames in, placeholders and repeats, frames
 * and bytes out, frame sizes and delivery latency. Only counting happens here; {@code /stats},
 * {@code /metrics} and the stats log line read these through the snapshot the broadcaster takes.
 *
 * <p>Threading: per camera frame, the publishing thread counts (one thread at a time for the rate
 * meter: publishes of camera frames come from the camera thread); per client write, any fan-out or
 * container thread counts into adders, which stay cheap under contention.
 */
final class FanoutCounters {
    final AtomicLong framesIn = new AtomicLong();
    final AtomicLong bytesIn = new AtomicLong();
    final AtomicLong placeholderFrames = new AtomicLong();
    final AtomicLong repeatedFrames = new AtomicLong();
    final LongAdder framesOut = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final RateMeter inputRate = new RateMeter();
    /** Sizes of camera frames, in bytes (observed once per frame, on publish). */
    final Histogram frameSizes = new Histogram(8L << 10, 16L << 10, 32L << 10, 64L << 10, 128L << 10,
            256L << 10, 512L << 10, 1L << 20, 2L << 20, 4L << 20);
    /**
     * Per client and frame, nanoseconds from the frame's publish to its last byte handed to the
     * client's connection: fan-out queueing plus the write (observed by the stream client).
     */
    final Histogram deliveryLatency = new Histogram(250_000L, 500_000L, 1_000_000L, 2_500_000L, 5_000_000L,
            10_000_000L, 25_000_000L, 50_000_000L, 100_000_000L, 250_000_000L, 500_000_000L, 1_000_000_000L,
            2_500_000_000L);

    /** A camera frame of {@code length} JPEG bytes was published. */
    void cameraFrame(int length) {
        framesIn.incrementAndGet();
        bytesIn.addAndGet(length);
        frameSizes.observe(length);
        inputRate.record(System.nanoTime());
    }

    /** {@code bytes} of a frame were handed to a client's connection. */
    void sent(long bytes) {
        framesOut.increment();
        bytesOut.add(bytes);
    }
}
