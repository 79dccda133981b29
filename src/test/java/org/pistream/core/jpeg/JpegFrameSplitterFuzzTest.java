package org.pistream.core.jpeg;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Thousands of randomly mutated and randomly cut camera streams (fixed seeds, so a failure can be
 * replayed): whatever the input, every frame the splitter emits is a structurally well-formed JPEG
 * and its buffer stays under the limit.
 */
class JpegFrameSplitterFuzzTest {
    private static final int STREAMS = 3000;
    private static final int MAX_FRAME = 64 * 1024;
    private static final List<byte[]> FRAMES = new ArrayList<>();

    @BeforeAll
    static void frames() {
        FRAMES.add(TestJpegs.noise(48, 32, 1));
        FRAMES.add(TestJpegs.noiseWithRestartInterval(64, 48, 2, 2));
        FRAMES.add(TestJpegs.withExifThumbnail(TestJpegs.noise(40, 40, 3), TestJpegs.noise(8, 8, 4)));
        FRAMES.add(TestJpegs.noise(16, 16, 5));
    }

    @Test
    void everyEmittedFrameIsWellFormedWhateverTheInput() {
        long emitted = 0;
        for (int seed = 0; seed < STREAMS; seed++) {
            Random random = new Random(seed);
            byte[] stream = mutate(baseStream(random), random);
            List<byte[]> out = new ArrayList<>();
            JpegFrameSplitter splitter = new JpegFrameSplitter(MAX_FRAME,
                    (jpeg, offset, length) -> out.add(java.util.Arrays.copyOfRange(jpeg, offset, offset + length)),
                    new SplitterCounters());
            for (int i = 0; i < stream.length; ) {
                int n = Math.min(stream.length - i, 1 + random.nextInt(random.nextBoolean() ? 16 : 8192));
                splitter.feed(stream, i, n);
                i += n;
                assertTrue(splitter.bufferCapacity() <= MAX_FRAME, "seed " + seed);
            }
            splitter.endOfStream();
            for (byte[] frame : out) {
                String problem = structuralProblem(frame);
                if (problem != null) {
                    fail("seed " + seed + ": emitted a malformed frame (" + problem + ")");
                }
                assertTrue(frame.length <= MAX_FRAME, "seed " + seed);
            }
            emitted += out.size();
        }
        assertTrue(emitted > STREAMS, "the mutations must leave most frames intact, emitted only " + emitted);
    }

    private static byte[] baseStream(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int frames = 2 + random.nextInt(5);
        for (int i = 0; i < frames; i++) {
            if (random.nextInt(4) == 0) {
                byte[] junk = new byte[random.nextInt(40)];
                random.nextBytes(junk);
                out.writeBytes(junk);
            }
            out.writeBytes(FRAMES.get(random.nextInt(FRAMES.size())));
        }
        return out.toByteArray();
    }

    /** A few random edits: flipped bytes, inserted markers, cuts, repeats, truncation. */
    private static byte[] mutate(byte[] data, Random random) {
        byte[] d = data;
        int edits = random.nextInt(6);
        for (int e = 0; e < edits && d.length > 4; e++) {
            int at = random.nextInt(d.length);
            switch (random.nextInt(6)) {
                case 0 -> d[at] = (byte) random.nextInt(256);
                case 1 -> d = splice(d, at, 0, new byte[] {(byte) 0xFF, (byte) (0xC0 + random.nextInt(64))});
                case 2 -> d = splice(d, at, Math.min(d.length - at, random.nextInt(200)), new byte[0]);
                case 3 -> {
                    int len = Math.min(d.length - at, random.nextInt(300));
                    d = splice(d, at, 0, java.util.Arrays.copyOfRange(d, at, at + len));
                }
                case 4 -> d = java.util.Arrays.copyOf(d, at);
                default -> d = splice(d, at, 0, new byte[] {(byte) 0xFF, (byte) 0xD8});
            }
        }
        return d;
    }

    private static byte[] splice(byte[] d, int at, int remove, byte[] insert) {
        byte[] out = new byte[d.length - remove + insert.length];
        System.arraycopy(d, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(d, at + remove, out, at + insert.length, d.length - at - remove);
        return out;
    }

    /**
     * Checks the structure independently of the splitter: SOI; marker segments with lengths that
     * fit; at least one scan, whose entropy data holds FF only as FF00, a restart marker or fill
     * before a marker; the last two bytes are EOI and nothing follows it. Returns null when well-formed.
     */
    static String structuralProblem(byte[] f) {
        int n = f.length;
        if (n < 4 || (f[0] & 0xFF) != 0xFF || (f[1] & 0xFF) != 0xD8) {
            return "no SOI";
        }
        if ((f[n - 2] & 0xFF) != 0xFF || (f[n - 1] & 0xFF) != 0xD9) {
            return "no EOI at the end";
        }
        boolean scans = false;
        int i = 2;
        while (i < n) {
            if ((f[i] & 0xFF) != 0xFF) {
                return "expected a marker at " + i;
            }
            while (i < n && (f[i] & 0xFF) == 0xFF) {
                i++;
            }
            if (i >= n) {
                return "ends in fill bytes";
            }
            int marker = f[i++] & 0xFF;
            if (marker == 0xD9) {
                return i == n ? (scans ? null : "no scan") : "bytes after EOI";
            }
            if (marker == 0xD8 || marker == 0x00) {
                return "marker " + Integer.toHexString(marker) + " inside a frame";
            }
            if ((marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
                continue;
            }
            if (i + 2 > n) {
                return "segment length cut off";
            }
            int length = ((f[i] & 0xFF) << 8) | (f[i + 1] & 0xFF);
            if (length < 2 || i + length > n) {
                return "segment length " + length + " does not fit";
            }
            i += length;
            if (marker == 0xDA) {
                scans = true;
                while (i < n) {
                    if ((f[i] & 0xFF) != 0xFF) {
                        i++;
                        continue;
                    }
                    int next = i + 1 < n ? f[i + 1] & 0xFF : -1;
                    if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) {
                        i += 2;
                    } else if (next == 0xFF) {
                        i++;
                    } else {
                        break; // a marker ends the scan
                    }
                }
            }
        }
        return "no EOI";
    }
}
