package org.pistream.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.pistream.core.fanout.Frame;
import org.pistream.core.fanout.FrameBroadcaster;
import org.pistream.core.fanout.FrameSubscriber;
import org.pistream.core.fanout.Subscription;
import org.pistream.core.stats.Histogram;
import org.pistream.core.stats.RateMeter;

/**
 * What the stats accounting costs per frame per client, against the same loop with it disabled.
 * Per client write, {@code StreamClient.deliver} calls {@link Subscription#sent} (the client's
 * counters and the broadcaster's adders) and observes the delivery latency; per camera frame,
 * {@code publish} feeds the rate meter and the frame-size histogram. Each thread stands for a
 * fan-out thread with its own client; all share one broadcaster, as in the server, so the adders
 * are contended the way they are there. Run it as docs/BENCHMARKS.md shows.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(2)
public class AccountingBenchmark {

    /** The broadcaster and one published 31 KB frame, shared by all threads. */
    @State(Scope.Benchmark)
    public static class Shared {
        FrameBroadcaster broadcaster;
        Frame frame;
        RateMeter inputRate;
        /** The broadcaster's frame-size buckets (FanoutCounters), which the benchmark cannot reach. */
        Histogram frameSizes;

        @Setup(Level.Trial)
        public void start() {
            broadcaster = new FrameBroadcaster(32, 1000, 1);
            broadcaster.start();
            byte[] jpeg = new byte[31 * 1024];
            frame = broadcaster.publish(jpeg, 0, jpeg.length, 1_700_000_000_000_000L);
            inputRate = new RateMeter();
            frameSizes = new Histogram(8L << 10, 16L << 10, 32L << 10, 64L << 10, 128L << 10, 256L << 10, 512L << 10,
                    1L << 20, 2L << 20, 4L << 20);
        }

        @TearDown(Level.Trial)
        public void stop() {
            broadcaster.stop();
        }
    }

    /** One client per thread, as one fan-out thread drains one client at a time. */
    @State(Scope.Thread)
    public static class Client {
        Subscription subscription;

        @Setup(Level.Trial)
        public void subscribe(Shared shared) {
            subscription = shared.broadcaster.subscribe(new FrameSubscriber() {
                @Override
                public void deliver(Subscription s) {
                    // The benchmark methods do the work a real client does after its write.
                }

                @Override
                public void broadcasterClosed(Subscription s) {
                }
            });
        }
    }

    /** The reference: the same reads of the frame, no counting. */
    @Benchmark
    public void perClientWriteDisabled(Shared shared, Client client, Blackhole bh) {
        Frame f = shared.frame;
        bh.consume(f.part().length);
        bh.consume(f.publishedNanos());
        bh.consume(client.subscription);
    }

    /** Accounting on: the client's and the broadcaster's counters, then the latency histogram. */
    @Benchmark
    public void perClientWriteAccounted(Shared shared, Client client) {
        Frame f = shared.frame;
        client.subscription.sent(f.part().length);
        shared.broadcaster.deliveryLatency().observe(System.nanoTime() - f.publishedNanos());
    }

    /** Per camera frame (30 a second, not 30 per client): rate meter and frame-size histogram. */
    @Benchmark
    public void perFrameAccounted(Shared shared) {
        shared.inputRate.record(System.nanoTime());
        shared.frameSizes.observe(shared.frame.jpegLength());
    }
}
