package org.pistream.core.jpeg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pistream.core.jpeg.JpegVerifier.Level;
import org.pistream.core.jpeg.VerifierFrames.Subsampling;

/**
 * Real frames mutated by a seeded byte mutator (so a failure can be replayed from its seed): whatever
 * the full check accepts decodes with the JDK and, where installed, with libjpeg-turbo's djpeg without
 * a warning; the full check rejects most mutated frames; and it never accepts what the header check
 * rejects.
 */
class JpegVerifierMutationTest {
    private static final int MUTANTS = 3000;
    private static final List<byte[]> FRAMES = new ArrayList<>();

    /** How a frame is damaged. */
    enum Mutation {
        /** One bit flipped in the entropy-coded data. */
        SCAN_BIT,
        /** One to three bits flipped anywhere, headers included. */
        ANY_BITS,
        /** Every bit flipped with probability 0.0003, like {@code zzuf -r 0.0003} in issue 17. */
        ZZUF,
        /** One byte anywhere set to a random value. */
        BYTE,
        /** Cut at a random point, EOI appended. */
        CUT
    }

    @BeforeAll
    static void frames() {
        for (String name : VerifierFrames.REAL) {
            FRAMES.add(VerifierFrames.resource(name));
        }
        FRAMES.add(VerifierFrames.encode(160, 120, Subsampling.S420, 2, 1));
        FRAMES.add(VerifierFrames.encode(99, 67, Subsampling.S422, 0, 2));
        FRAMES.add(VerifierFrames.encode(64, 64, Subsampling.GRAY, 5, 3));
    }

    @Test
    void fullCheckPassesOnlyDecodableFramesAndRejectsMostMutants() {
        JpegVerifier full = new JpegVerifier(Level.FULL);
        JpegVerifier headers = new JpegVerifier(Level.HEADERS);
        Path djpeg = Djpeg.find();
        Map<Mutation, int[]> tally = new EnumMap<>(Mutation.class); // mutants, headers rejected, full rejected
        Map<JpegVerdict, Integer> reasons = new EnumMap<>(JpegVerdict.class);
        int djpegChecked = 0;
        int fullOnlySampled = 0;
        int headersPassedDjpegFailed = 0;
        for (int seed = 0; seed < MUTANTS; seed++) {
            Random random = new Random(seed);
            byte[] original = FRAMES.get(random.nextInt(FRAMES.size()));
            Mutation mutation = Mutation.values()[random.nextInt(Mutation.values().length)];
            byte[] mutant = mutate(original, mutation, random);
            if (Arrays.equals(mutant, original)) {
                continue;
            }
            JpegVerdict byFull = full.verify(mutant, 0, mutant.length);
            JpegVerdict byHeaders = headers.verify(mutant, 0, mutant.length);
            int[] t = tally.computeIfAbsent(mutation, m -> new int[3]);
            t[0]++;
            reasons.merge(byFull, 1, Integer::sum);
            if (byHeaders != JpegVerdict.OK) {
                t[1]++;
                // usually the same reason; in a multi-scan frame a damaged scan may look like a bad marker to the header check
                assertTrue(byFull != JpegVerdict.OK, "seed " + seed + ": full passed what the header check rejects");
            }
            if (byFull != JpegVerdict.OK) {
                t[2]++;
                if (byHeaders == JpegVerdict.OK && djpeg != null && seed % 10 == 0) {
                    // a sample: what only the entropy pass catches, djpeg mostly refuses too
                    fullOnlySampled++;
                    headersPassedDjpegFailed += Djpeg.exitCode(djpeg, mutant) != 0 ? 1 : 0;
                }
                continue;
            }
            assertTrue(VerifierFrames.jdkDecodes(mutant), "seed " + seed + " (" + mutation + "): passed, but the JDK cannot decode it");
            if (djpeg != null) {
                djpegChecked++;
                assertEquals(0, Djpeg.exitCode(djpeg, mutant),
                        "seed " + seed + " (" + mutation + "): passed, but djpeg fails or warns");
            }
        }
        int mutants = 0;
        int rejected = 0;
        StringBuilder report = new StringBuilder("mutants by kind: [count, headers rejected, full rejected]\n");
        for (Map.Entry<Mutation, int[]> e : tally.entrySet()) {
            int[] t = e.getValue();
            report.append(String.format("  %-8s %5d %5d %5d (%.0f%% rejected by full)%n", e.getKey(), t[0], t[1], t[2],
                    100.0 * t[2] / t[0]));
            mutants += t[0];
            rejected += t[2];
        }
        report.append("full verdicts: ").append(reasons).append('\n');
        report.append("djpeg decoded cleanly all ").append(djpegChecked).append(" mutants full passed; of ").append(fullOnlySampled)
                .append(" sampled mutants only full rejected, djpeg refused or warned about ").append(headersPassedDjpegFailed).append('\n');
        System.out.print(report);
        assertTrue(rejected > mutants * 6 / 10, "full rejected only " + rejected + " of " + mutants + "\n" + report);
        int[] zzuf = tally.get(Mutation.ZZUF);
        assertTrue(zzuf[2] > zzuf[0] * 9 / 10, "zzuf-like mutants: only " + zzuf[2] + " of " + zzuf[0] + " rejected");
    }

    @Test
    void neverThrowsWhateverTheBytes() {
        // Heavier damage than above, aimed at the headers too, and frames cut anywhere: a verdict, never an exception
        JpegVerifier full = new JpegVerifier(Level.FULL);
        JpegVerifier headers = new JpegVerifier(Level.HEADERS);
        int ok = 0;
        for (int seed = 0; seed < 20_000; seed++) {
            Random random = new Random(seed);
            byte[] frame = FRAMES.get(random.nextInt(FRAMES.size()));
            byte[] m = frame.clone();
            int span = random.nextBoolean() ? Math.min(m.length, 700) : m.length;
            for (int n = 1 + random.nextInt(8); n > 0; n--) {
                m[random.nextInt(span)] = (byte) (random.nextBoolean() ? random.nextInt(256) : 0xFF);
            }
            int length = random.nextInt(4) == 0 ? random.nextInt(m.length + 1) : m.length;
            try {
                ok += full.verify(m, 0, length) == JpegVerdict.OK ? 1 : 0;
                headers.verify(m, 0, length);
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + ": " + e, e);
            }
        }
        assertTrue(ok < 20_000 / 2, "most of these are broken, yet " + ok + " passed");
    }

    static byte[] mutate(byte[] frame, Mutation mutation, Random random) {
        byte[] m = frame.clone();
        switch (mutation) {
            case SCAN_BIT: {
                int scan = TestJpegs.scanStart(frame);
                int at = scan + random.nextInt(frame.length - 2 - scan);
                m[at] ^= (byte) (1 << random.nextInt(8));
                return m;
            }
            case ANY_BITS:
                for (int n = 1 + random.nextInt(3); n > 0; n--) {
                    m[random.nextInt(m.length)] ^= (byte) (1 << random.nextInt(8));
                }
                return m;
            case ZZUF: {
                // geometric gaps between flipped bits, rate 0.0003 per bit
                long bit = (long) (Math.log(1 - random.nextDouble()) / Math.log(1 - 0.0003));
                while (bit < 8L * m.length) {
                    m[(int) (bit / 8)] ^= (byte) (1 << (bit % 8));
                    bit += 1 + (long) (Math.log(1 - random.nextDouble()) / Math.log(1 - 0.0003));
                }
                return m;
            }
            case BYTE:
                m[random.nextInt(m.length)] = (byte) random.nextInt(256);
                return m;
            case CUT: {
                int cut = 2 + random.nextInt(frame.length - 4);
                return TestJpegs.concat(Arrays.copyOf(frame, cut), TestJpegs.bytes(0xFF, 0xD9));
            }
            default:
                throw new IllegalArgumentException(mutation.toString());
        }
    }
}
