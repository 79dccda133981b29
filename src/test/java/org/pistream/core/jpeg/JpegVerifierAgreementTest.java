package org.pistream.core.jpeg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pistream.core.jpeg.JpegVerifier.Level;
import org.pistream.core.jpeg.JpegVerifierMutationTest.Mutation;
import org.pistream.core.jpeg.VerifierFrames.Subsampling;

/**
 * The full check made cheaper for C1 (issue 18) gives exactly the verdict and detail of the one
 * before it ({@link ReferenceJpegVerifier}) on real and noisy frames damaged every way the bit
 * reader has edges: stuffed {@code FF00}, fill bytes and restart markers at every byte position (so
 * at every point of a refill), data cut at every byte, and frames at every offset in a larger buffer.
 */
class JpegVerifierAgreementTest {
    private static final List<byte[]> FRAMES = new ArrayList<>();

    private final JpegVerifier fast = new JpegVerifier(Level.FULL);
    private final ReferenceJpegVerifier before = new ReferenceJpegVerifier(Level.FULL);

    @BeforeAll
    static void frames() {
        for (String name : VerifierFrames.REAL) {
            FRAMES.add(VerifierFrames.resource(name));
        }
        FRAMES.add(TestJpegs.noise(48, 40, 1)); // a stuffed FF00 every few hundred bytes, long AC codes
        FRAMES.add(TestJpegs.noiseWithRestartInterval(40, 32, 2, 1));
        FRAMES.add(TestJpegs.noiseWithRestartInterval(64, 24, 3, 5));
        FRAMES.add(VerifierFrames.encode(160, 120, Subsampling.S420, 2, 1));
        FRAMES.add(VerifierFrames.encode(99, 67, Subsampling.S422, 0, 2));
        FRAMES.add(VerifierFrames.encode(64, 64, Subsampling.GRAY, 5, 3));
        FRAMES.add(VerifierFrames.encode(33, 17, Subsampling.S440, 1, 4));
    }

    private void assertSame(byte[] jpeg, int offset, int length, String what) {
        JpegVerdict expected = before.verify(jpeg, offset, length);
        JpegVerdict actual = fast.verify(jpeg, offset, length);
        assertEquals(expected, actual, what);
        assertEquals(before.detail(), fast.detail(), what);
    }

    @Test
    void everyFramePassesBoth() {
        for (byte[] frame : FRAMES) {
            assertEquals(JpegVerdict.OK, fast.verify(frame, 0, frame.length), fast.detail());
            assertEquals(JpegVerdict.OK, before.verify(frame, 0, frame.length), before.detail());
        }
    }

    @Test
    void sameVerdictsOnSeededMutants() {
        int rejected = 0;
        int mutants = 20_000;
        for (int seed = 0; seed < mutants; seed++) {
            Random random = new Random(seed);
            byte[] frame = FRAMES.get(random.nextInt(FRAMES.size()));
            byte[] m;
            int kind = random.nextInt(Mutation.values().length + 3);
            if (kind < Mutation.values().length) {
                m = JpegVerifierMutationTest.mutate(frame, Mutation.values()[kind], random);
            } else {
                // bytes the bit reader treats specially, put anywhere in the scan data
                int scan = TestJpegs.scanStart(frame);
                int at = scan + random.nextInt(frame.length - 2 - scan);
                byte[] inserted = kind == Mutation.values().length ? TestJpegs.bytes(0xFF, 0x00)
                        : kind == Mutation.values().length + 1 ? TestJpegs.bytes(0xFF, 0xFF, 0xD0 + random.nextInt(8))
                        : TestJpegs.bytes(0xFF, random.nextInt(256));
                m = VerifierFrames.insert(frame, at, inserted);
            }
            assertSame(m, 0, m.length, "seed " + seed);
            rejected += fast.verify(m, 0, m.length) == JpegVerdict.OK ? 0 : 1;
        }
        assertTrue(rejected > mutants / 2, "only " + rejected + " of " + mutants + " mutants rejected: the mutator broke");
    }

    @Test
    void sameVerdictsWithSpecialBytesAtEveryPositionOfTheScan() {
        // Stuffing, fill and restart markers land at every byte of a refill, and before or after every code
        for (byte[] frame : List.of(TestJpegs.noiseWithRestartInterval(24, 16, 7, 1), TestJpegs.noise(24, 24, 8))) {
            int scan = TestJpegs.scanStart(frame);
            for (int at = scan; at < frame.length - 2; at++) {
                for (int value : new int[] {0x00, 0xFF, 0xD0, 0xD1, 0xD7, 0xC4, frame[at] ^ 0x10}) {
                    byte[] m = VerifierFrames.with(frame, at, value);
                    assertSame(m, 0, m.length, "byte " + at + " set to " + value);
                }
                for (int[] inserted : new int[][] {{0xFF, 0x00}, {0xFF, 0xFF, 0x00}, {0xFF, 0xD0}, {0xFF, 0xFF, 0xD1}, {0xFF}}) {
                    byte[] m = VerifierFrames.insert(frame, at, TestJpegs.bytes(inserted));
                    assertSame(m, 0, m.length, "inserted " + Arrays.toString(inserted) + " at " + at);
                }
            }
        }
    }

    @Test
    void sameVerdictsWhereverTheDataEnds() {
        // The data ends mid-code, mid-value, mid-block, on a restart marker, or inside a stuffed FF00
        for (byte[] frame : List.of(TestJpegs.noiseWithRestartInterval(32, 24, 9, 2), TestJpegs.noise(40, 24, 10),
                VerifierFrames.encode(48, 32, Subsampling.S420, 0, 11))) {
            int scan = TestJpegs.scanStart(frame);
            for (int cut = scan; cut <= frame.length - 2; cut++) {
                byte[] m = TestJpegs.concat(Arrays.copyOf(frame, cut), TestJpegs.bytes(0xFF, 0xD9));
                assertSame(m, 0, m.length, "cut at " + cut);
            }
        }
    }

    @Test
    void sameVerdictsAtEveryOffsetInALargerBuffer() {
        Random random = new Random(12);
        for (byte[] frame : FRAMES) {
            for (int offset = 0; offset < 9; offset++) {
                byte[] buffer = new byte[offset + frame.length + 9];
                random.nextBytes(buffer);
                System.arraycopy(frame, 0, buffer, offset, frame.length);
                assertSame(buffer, offset, frame.length, "at offset " + offset);
                // damaged, with bytes after the frame that a reader past its end would see
                int scan = TestJpegs.scanStart(frame);
                buffer[offset + scan + random.nextInt(frame.length - 2 - scan)] = (byte) 0xFF;
                assertSame(buffer, offset, frame.length, "damaged, at offset " + offset);
            }
        }
    }

    @Test
    void longCodesPassAndAgreeWhateverTheDamage() {
        // Codes of 12 to 16 bits, past the lookup width: DC category 11 with a 12-bit code, EOB with a
        // 16-bit one, then a 15-bit AC code of size 10; three blocks, every bit flipped and every cut
        int[] dc = VerifierFrames.table(1, 0, 2, 1, 3, 2, 4, 3, 5, 4, 6, 5, 7, 6, 8, 7, 9, 8, 10, 9, 11, 10, 12, 11);
        int[] ac = VerifierFrames.table(1, 0x01, 2, 0x02, 3, 0x03, 4, 0x04, 5, 0x05, 6, 0x06, 7, 0x07, 8, 0x08,
                9, 0x09, 10, 0x11, 11, 0x12, 12, 0x13, 13, 0x14, 14, 0x15, 15, 0x0A, 16, 0x00);
        StringBuilder bits = new StringBuilder();
        for (int block = 0; block < 3; block++) {
            bits.append("111111111110").append("10110011100"); // DC: category 11 and its 11 bits
            if (block == 1) {
                bits.append("111111111111110").append("1010101010"); // size 10 after no zeros
            }
            bits.append("1111111111111110"); // EOB
        }
        while (bits.length() % 8 != 0) {
            bits.append('1');
        }
        List<Integer> scan = new ArrayList<>();
        for (int i = 0; i < bits.length(); i += 8) {
            int value = Integer.parseInt(bits.substring(i, i + 8), 2);
            scan.add(value);
            if (value == 0xFF) {
                scan.add(0x00); // stuffing
            }
        }
        byte[] frame = VerifierFrames.tinyGray(24, 8, dc, ac, 0, scan.stream().mapToInt(Integer::intValue).toArray());
        assertEquals(JpegVerdict.OK, fast.verify(frame, 0, frame.length), fast.detail());
        assertSame(frame, 0, frame.length, "as made");
        int start = TestJpegs.scanStart(frame);
        for (int at = start; at < frame.length - 2; at++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] m = frame.clone();
                m[at] ^= (byte) (1 << bit);
                assertSame(m, 0, m.length, "bit " + bit + " of byte " + at + " flipped");
            }
            byte[] cut = TestJpegs.concat(Arrays.copyOf(frame, at), TestJpegs.bytes(0xFF, 0xD9));
            assertSame(cut, 0, cut.length, "cut at " + at);
        }
    }
}
