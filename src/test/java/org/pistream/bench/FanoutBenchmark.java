package org.pistream.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.pistream.core.fanout.Frame;
import org.pistream.core.fanout.FrameBroadcaster;
import org.pistream.core.fanout.FrameSubscriber;
import org.pistream.core.fanout.Subscription;

/**
 * The broadcaster's own cost per frame: publish one 31 KB frame and wait until every subscriber has
 * taken it. Subscribers do no I/O, so this is the fan-out machinery alone (framing, ring, wake-ups,
 * polling, counters). Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is the allocation per
 * frame, which must not grow with the number of subscribers.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FanoutBenchmark {
    @Param({"10", "100", "500"})
    public int subscribers;

    private final byte[] jpeg = new byte[31 * 1024];
    private final AtomicLong delivered = new AtomicLong();
    private FrameBroadcaster broadcaster;
    private final List<Subscription> subscriptions = new ArrayList<>();
    private long micros = 1_700_000_000_000_000L;

    @Setup
    public void setUp() {
        jpeg[0] = (byte) 0xFF;
        jpeg[1] = (byte) 0xD8;
        broadcaster = new FrameBroadcaster(32, subscribers, Math.min(4, Runtime.getRuntime().availableProcessors()));
        broadcaster.start();
        for (int i = 0; i < subscribers; i++) {
            subscriptions.add(broadcaster.subscribe(new FrameSubscriber() {
                @Override
                public void deliver(Subscription s) {
                    Frame f;
                    while ((f = s.poll()) != null) {
                        s.sent(f.part().length);
                        delivered.incrementAndGet();
                    }
                }

                @Override
                public void broadcasterClosed(Subscription s) {
                }
            }));
        }
    }

    @TearDown
    public void tearDown() {
        broadcaster.stop();
    }

    @Benchmark
    public long publishToAll() {
        long target = delivered.get() + subscribers;
        broadcaster.publish(jpeg, 0, jpeg.length, micros++);
        while (delivered.get() < target) {
            Thread.onSpinWait();
        }
        return target;
    }
}
