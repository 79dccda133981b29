package org.pistream.core.jpeg;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import javax.imageio.ImageIO;

/**
 * Frames for the verifier's tests: the real frames in {@code frames/} (see its README), JPEGs the
 * JDK encodes with a chosen subsampling and restart interval, tiny hand-made JPEGs whose scan data is
 * written bit by bit, and segment surgery.
 */
final class VerifierFrames {
    /** The real frames that must pass: rpicam-vid, ffmpeg and cjpeg output. */
    static final List<String> REAL = List.of(
            "rpicam-640x480-q50.jpg", "rpicam-1280x720-q90.jpg", "ffmpeg-testsrc-1280x720.jpg",
            "ffmpeg-testsrc2-320x240-420.jpg", "ffmpeg-testsrc2-320x240-422.jpg", "ffmpeg-testsrc2-320x240-444.jpg",
            "cjpeg-100x75-restart2.jpg", "cjpeg-100x75-444-restart7blocks.jpg", "cjpeg-100x75-422-optimized.jpg",
            "cjpeg-100x75-gray-restart1.jpg", "cjpeg-100x75-three-scans.jpg");

    /** Subsampling of a JDK-encoded frame, as the luma's sampling factors (chroma is 1x1); GRAY has one component. */
    enum Subsampling {
        S420(2, 2), S422(2, 1), S444(1, 1), S440(1, 2), GRAY(1, 1);

        final int h;
        final int v;

        Subsampling(int h, int v) {
            this.h = h;
            this.v = v;
        }
    }

    private VerifierFrames() {
    }

    static byte[] resource(String name) {
        try (InputStream in = VerifierFrames.class.getResourceAsStream("frames/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test frame " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A camera-like picture (gradient, rectangles, some noise) encoded by the JDK. */
    static byte[] encode(int width, int height, Subsampling subsampling, int restartInterval, long seed) {
        Random random = new Random(seed);
        int type = subsampling == Subsampling.GRAY ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR;
        BufferedImage image = new BufferedImage(width, height, type);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, Color.getHSBColor(random.nextFloat(), 0.7f, 0.9f), width, height, Color.DARK_GRAY));
        g.fillRect(0, 0, width, height);
        for (int k = 0; k < 20 + width * height / 2000; k++) {
            g.setColor(new Color(random.nextInt(0xFFFFFF)));
            g.fillRect(random.nextInt(width), random.nextInt(height), 1 + random.nextInt(20), 1 + random.nextInt(20));
        }
        g.dispose();
        for (int k = 0; k < width * height / 8; k++) {
            image.setRGB(random.nextInt(width), random.nextInt(height), random.nextInt(0x1000000));
        }
        return TestJpegs.encode(image, restartInterval, subsampling.h, subsampling.v, 0.85f);
    }

    /** Whether the JDK's decoder reads the frame without an exception. */
    static boolean jdkDecodes(byte[] jpeg) {
        try {
            return ImageIO.read(new ByteArrayInputStream(jpeg)) != null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** A header segment: its marker code and where it starts (its FF) and ends. */
    record Segment(int marker, int start, int end) {
    }

    /** The segments from SOI's successor up to and including the first SOS. */
    static List<Segment> headerSegments(byte[] jpeg) {
        List<Segment> segments = new ArrayList<>();
        int i = 2;
        while (i + 4 <= jpeg.length) {
            int marker = jpeg[i + 1] & 0xFF;
            int end = i + 2 + (((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF));
            segments.add(new Segment(marker, i, end));
            if (marker == 0xDA) {
                break;
            }
            i = end;
        }
        return segments;
    }

    /** The first segment with this marker code. */
    static Segment segment(byte[] jpeg, int marker) {
        return headerSegments(jpeg).stream().filter(s -> s.marker() == marker).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no segment " + Integer.toHexString(marker)));
    }

    /** The frame without every header segment of this marker code. */
    static byte[] without(byte[] jpeg, int marker) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int copied = 0;
        for (Segment s : headerSegments(jpeg)) {
            if (s.marker() == marker) {
                out.write(jpeg, copied, s.start() - copied);
                copied = s.end();
            }
        }
        out.write(jpeg, copied, jpeg.length - copied);
        return out.toByteArray();
    }

    /** The frame with {@code inserted} placed at {@code at}. */
    static byte[] insert(byte[] jpeg, int at, byte[] inserted) {
        byte[] out = new byte[jpeg.length + inserted.length];
        System.arraycopy(jpeg, 0, out, 0, at);
        System.arraycopy(inserted, 0, out, at, inserted.length);
        System.arraycopy(jpeg, at, out, at + inserted.length, jpeg.length - at);
        return out;
    }

    /** A copy with byte {@code at} set to {@code value}. */
    static byte[] with(byte[] jpeg, int at, int value) {
        byte[] out = jpeg.clone();
        out[at] = (byte) value;
        return out;
    }

    /**
     * A hand-made 8-bit grayscale baseline JPEG ({@code width} x {@code height}) with one DC and one
     * AC table and the given entropy-coded bytes; {@code dc} and {@code ac} are a DHT table's 16
     * counts followed by its symbols; null leaves out the DHT segment (standard tables apply).
     */
    static byte[] tinyGray(int width, int height, int[] dc, int[] ac, int restartInterval, int... scan) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(TestJpegs.bytes(0xFF, 0xD8));
        out.writeBytes(TestJpegs.bytes(0xFF, 0xDB, 0x00, 0x43, 0x00));
        for (int k = 0; k < 64; k++) {
            out.write(1 + k);
        }
        out.writeBytes(TestJpegs.bytes(0xFF, 0xC0, 0x00, 0x0B, 0x08, height >> 8, height, width >> 8, width, 0x01,
                0x01, 0x11, 0x00));
        if (dc != null) {
            int length = 2 + 1 + dc.length + 1 + ac.length;
            out.writeBytes(TestJpegs.bytes(0xFF, 0xC4, length >> 8, length, 0x00));
            out.writeBytes(TestJpegs.bytes(dc));
            out.write(0x10);
            out.writeBytes(TestJpegs.bytes(ac));
        }
        if (restartInterval > 0) {
            out.writeBytes(TestJpegs.bytes(0xFF, 0xDD, 0x00, 0x04, restartInterval >> 8, restartInterval));
        }
        out.writeBytes(TestJpegs.bytes(0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00));
        out.writeBytes(TestJpegs.bytes(scan));
        out.writeBytes(TestJpegs.bytes(0xFF, 0xD9));
        return out.toByteArray();
    }

    /** A table with codes of the given lengths for the symbols, in order (a canonical code): {@code length, symbol, ...}. */
    static int[] table(int... lengthSymbolPairs) {
        int[] counts = new int[16];
        int n = lengthSymbolPairs.length / 2;
        int[] t = new int[16 + n];
        for (int i = 0; i < n; i++) {
            counts[lengthSymbolPairs[2 * i] - 1]++;
            t[16 + i] = lengthSymbolPairs[2 * i + 1];
        }
        System.arraycopy(counts, 0, t, 0, 16);
        return t;
    }
}
