package org.pistream.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.pistream.core.jpeg.JpegVerdict;
import org.pistream.core.jpeg.JpegVerifier;
import org.pistream.core.jpeg.ReferenceJpegVerifier;

/**
 * Cost of checking one camera frame with {@link JpegVerifier} at each level, cycling through 30
 * frames per size from {@code bench/verify-frames.sh} ({@code -Dframes.dir=DIR}, default
 * {@code /tmp/pistream-bench/verify-frames}): {@code rpicam} is the real rpicam-vid (virtual camera,
 * colour bars, quality 85), {@code testsrc2} ffmpeg's testsrc2 with sensor-like noise (the heavy case),
 * {@code feeder} the frames {@code bench/run.sh} streams (the shared {@code make-frames.sh}, ~137 KB at 1080p).
 * {@code verifyFullBefore} is the full check as it was before issue 18 ({@link ReferenceJpegVerifier}),
 * to compare both in one run; {@code PI_OPTIONS=1 bench/jmh.sh} weighs them under the shipped C1-only options.
 * The score is microseconds per frame; at 30 fps the share of one core is {@code score * 30 / 10^6}.
 *
 * <p>The score is wall time, which other processes on a shared machine inflate. So each measurement
 * iteration also prints the benchmark thread's CPU time per frame ({@code cpu-us-per-frame}), which
 * they inflate much less.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class VerifierBenchmark {
    @Param({"640x480", "1280x720", "1920x1080"})
    public String size;

    @Param({"rpicam", "testsrc2", "feeder"})
    public String source;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private byte[][] frames;
    private int next;
    private long calls;
    private long cpuAtStart;
    private final JpegVerifier headers = new JpegVerifier(JpegVerifier.Level.HEADERS);
    private final JpegVerifier full = new JpegVerifier(JpegVerifier.Level.FULL);
    private final ReferenceJpegVerifier before = new ReferenceJpegVerifier(JpegVerifier.Level.FULL);

    @Setup
    public void load() {
        Path dir = Path.of(System.getProperty("frames.dir", "/tmp/pistream-bench/verify-frames"), source + "-" + size);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("no frames in " + dir + ": run bench/verify-frames.sh first");
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> jpegs = files.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
            frames = new byte[jpegs.size()][];
            long bytes = 0;
            for (int i = 0; i < frames.length; i++) {
                frames[i] = Files.readAllBytes(jpegs.get(i));
                bytes += frames[i].length;
                for (JpegVerifier v : List.of(headers, full)) {
                    if (v.verify(frames[i], 0, frames[i].length) != JpegVerdict.OK) {
                        throw new IllegalStateException(jpegs.get(i) + " does not pass " + v + ": " + v.detail());
                    }
                }
                if (before.verify(frames[i], 0, frames[i].length) != JpegVerdict.OK) {
                    throw new IllegalStateException(jpegs.get(i) + " does not pass the reference: " + before.detail());
                }
            }
            System.out.printf("%n%s: %d frames, %d bytes average%n", dir, frames.length, bytes / frames.length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Setup(Level.Iteration)
    public void startCpuClock() {
        calls = 0;
        cpuAtStart = THREADS.getCurrentThreadCpuTime();
    }

    @TearDown(Level.Iteration)
    public void printCpuPerFrame(BenchmarkParams params) {
        double micros = (THREADS.getCurrentThreadCpuTime() - cpuAtStart) / 1e3 / Math.max(1, calls);
        String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        System.out.printf("%ncpu-us-per-frame %s %s %s %.2f%n", method, source, size, micros);
    }

    private byte[] nextFrame() {
        calls++;
        byte[] f = frames[next];
        next = next + 1 == frames.length ? 0 : next + 1;
        return f;
    }

    @Benchmark
    public JpegVerdict verifyHeaders() {
        byte[] f = nextFrame();
        return headers.verify(f, 0, f.length);
    }

    @Benchmark
    public JpegVerdict verifyFull() {
        byte[] f = nextFrame();
        return full.verify(f, 0, f.length);
    }

    @Benchmark
    public JpegVerdict verifyFullBefore() {
        byte[] f = nextFrame();
        return before.verify(f, 0, f.length);
    }
}
