package org.pistream.bench;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.pistream.core.jpeg.JpegFrameSplitter;
import org.pistream.core.jpeg.SplitterCounters;

/**
 * Splitter throughput on camera-like MJPEG: the frames of {@code -Dframes=DIR} (e.g. the shared
 * bench's make-frames.sh output) or, without it, 60 generated 640x480 frames of about 30 KB.
 * The {@code bytes} counter is the throughput in bytes per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SplitterBenchmark {
    private static final int CHUNK = 64 * 1024; // what the camera reader reads at a time

    private byte[] stream;
    private JpegFrameSplitter splitter;
    private Blackhole sink;

    /** Bytes split per second, reported by JMH next to the operation rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    @Setup
    public void setUp(Blackhole blackhole) throws IOException {
        sink = blackhole;
        stream = loadOrMake();
        splitter = new JpegFrameSplitter(4 * 1024 * 1024, (jpeg, off, len) -> sink.consume(len), new SplitterCounters());
    }

    @Benchmark
    public void splitStream(Bytes bytes) {
        for (int i = 0; i < stream.length; i += CHUNK) {
            splitter.feed(stream, i, Math.min(CHUNK, stream.length - i));
        }
        bytes.bytes += stream.length;
    }

    private static byte[] loadOrMake() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String dir = System.getProperty("frames");
        if (dir != null) {
            try (Stream<Path> files = Files.list(Path.of(dir))) {
                List<Path> jpegs = files.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
                for (Path p : jpegs) {
                    out.write(Files.readAllBytes(p));
                }
            }
            return out.toByteArray();
        }
        Random random = new Random(1);
        for (int n = 0; n < 60; n++) {
            BufferedImage image = new BufferedImage(640, 480, BufferedImage.TYPE_3BYTE_BGR);
            Graphics2D g = image.createGraphics();
            g.setPaint(new GradientPaint(0, 0, Color.getHSBColor(n / 60f, 0.7f, 0.9f), 640, 480, Color.DARK_GRAY));
            g.fillRect(0, 0, 640, 480);
            for (int k = 0; k < 400; k++) {
                g.setColor(new Color(random.nextInt(0xFFFFFF)));
                g.fillRect(random.nextInt(640), random.nextInt(480), 4 + random.nextInt(20), 4 + random.nextInt(20));
            }
            g.dispose();
            ImageIO.write(image, "jpeg", out);
        }
        return out.toByteArray();
    }
}
