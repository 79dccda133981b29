package org.pistream.core.jpeg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * What one table read tells the verifier's entropy pass: bits to skip (code and value bits) and how
 * far the symbols move through the block, for codes the lookup resolves, for longer ones, and for
 * chains of AC symbols, checked against a plain symbol-by-symbol decode.
 */
class HuffmanDecodeTableTest {

    /** The first symbol's step ({@code advance << 5 | bitsUsed}) for the code at the top of {@code bits}, or 0. */
    private static int decode(HuffmanDecodeTable table, long bits) {
        int entry = table.lookup[(int) (bits >>> HuffmanDecodeTable.SHIFT)];
        if (entry <= 0) {
            return table.longStep(entry, bits);
        }
        return (entry >>> 26 == 0 ? entry : entry >>> 13) & 0x1FFF;
    }

    /** Builds {@code table} from {@code lengthSymbolPairs}; returns the canonical code of each symbol. */
    private static int[] build(HuffmanDecodeTable table, boolean dc, int... lengthSymbolPairs) {
        int[] t = VerifierFrames.table(lengthSymbolPairs);
        byte[] dht = TestJpegs.bytes(t);
        int total = HuffmanDecodeTable.check(dht, 0, dht.length, dc);
        assertEquals(t.length - 16, total, "the test table must be valid");
        table.build(dht, 0, total);
        int[] codes = new int[total];
        int code = 0;
        int k = 0;
        for (int length = 1; length <= 16; length++) {
            for (int n = t[length - 1]; n > 0; n--) {
                codes[k++] = code++;
            }
            code <<= 1;
        }
        return codes;
    }

    private static void assertEveryCode(HuffmanDecodeTable table, int[] pairs, int[] codes, boolean dc) {
        Random random = new Random(1);
        for (int i = 0; i < codes.length; i++) {
            int length = pairs[2 * i];
            int symbol = pairs[2 * i + 1];
            int size = symbol & 15;
            int advance = dc ? 1 : size != 0 ? (symbol >>> 4) + 1 : symbol == 0xF0 ? 16 : HuffmanDecodeTable.EOB;
            for (int trial = 0; trial < 50; trial++) {
                // whatever follows the code must not matter
                long bits = ((long) codes[i] << (64 - length)) | (random.nextLong() >>> length);
                int entry = decode(table, bits);
                assertEquals(length + size, entry & 31, "bits skipped for symbol " + symbol + ", code length " + length);
                assertEquals(advance, entry >>> 5, "advance for symbol " + symbol + ", code length " + length);
            }
        }
    }

    @Test
    void acCodesOfEveryLengthUpToSixteenBits() {
        // one code of each length 1..16: lengths above the width take a sub-table
        int[] pairs = {1, 0x01, 2, 0x00, 3, 0xF0, 4, 0x12, 5, 0x2A, 6, 0xF5, 7, 0x03, 8, 0x31, 9, 0x0A,
            10, 0x44, 11, 0x00 + 0x17, 12, 0xE2, 13, 0x09, 14, 0xFA, 15, 0x51, 16, 0x7A};
        HuffmanDecodeTable table = new HuffmanDecodeTable(false);
        int[] codes = build(table, false, pairs);
        assertEveryCode(table, pairs, codes, false);
        // the all-ones 16-bit code is reserved: undefined, whatever follows
        assertEquals(0, decode(table, -1L));
        assertEquals(0, decode(table, 0xFFFF_0000_0000_0000L));
    }

    @Test
    void dcCodesOfEveryLengthUpToTwelveBits() {
        int[] pairs = {1, 0, 2, 1, 3, 2, 4, 3, 5, 4, 6, 5, 7, 6, 8, 7, 9, 8, 10, 9, 11, 10, 12, 11};
        HuffmanDecodeTable table = new HuffmanDecodeTable(true);
        int[] codes = build(table, true, pairs);
        assertEveryCode(table, pairs, codes, true);
        assertEquals(0, decode(table, 0xFFF0_0000_0000_0000L), "12 ones: no code");
    }

    @Test
    void rebuildingWithOtherTablesForgetsTheOldCodes() {
        HuffmanDecodeTable table = new HuffmanDecodeTable(false);
        build(table, false, 2, 0x00, 2, 0x01, 12, 0x11);
        int[] pairs = {3, 0x00, 3, 0x21, 11, 0xF0, 11, 0x0A};
        int[] codes = build(table, false, pairs);
        assertEveryCode(table, pairs, codes, false);
        assertEquals(0, decode(table, 0xFFE0_0000_0000_0000L), "11 ones: no code");
    }

    @Test
    void acChainsAreTheSymbolsWholeInTheWindowAndStopWhereTheBlockCouldEnd() {
        // Short codes (so chains are long), a ZRL, an EOB, big runs, and codes longer than the width
        int[] pairs = {2, 0x01, 2, 0x00, 3, 0x11, 3, 0x02, 4, 0xF0, 4, 0x21, 5, 0x31, 5, 0xE1, 6, 0x03,
            7, 0x41, 8, 0x05, 10, 0x0A, 13, 0x71, 16, 0xFA};
        HuffmanDecodeTable table = new HuffmanDecodeTable(false);
        int[] codes = build(table, false, pairs);
        int width = HuffmanDecodeTable.WIDTH;
        Random random = new Random(2);
        int chains = 0;
        for (int trial = 0; trial < 200_000; trial++) {
            long bits = random.nextLong();
            int entry = table.lookup[(int) (bits >>> HuffmanDecodeTable.SHIFT)];
            // plain decode: symbol by symbol while the whole code lies in the first `width` bits
            int used = 0;
            int advance = 0;
            int symbols = 0;
            boolean eob = false;
            int firstStep = 0;
            while (used < width) {
                long rest = bits << used;
                int i = 0;
                while (i < codes.length && (pairs[2 * i] > 16 || (rest >>> (64 - pairs[2 * i])) != codes[i])) {
                    i++;
                }
                if (i == codes.length || pairs[2 * i] > width - used) {
                    break;
                }
                int symbol = pairs[2 * i + 1];
                int a = (symbol & 15) != 0 ? (symbol >>> 4) + 1 : symbol == 0xF0 ? 16 : HuffmanDecodeTable.EOB;
                int u = pairs[2 * i] + (symbol & 15);
                if (symbols == 0) {
                    firstStep = a << 5 | u;
                } else if (a == HuffmanDecodeTable.EOB ? advance + 1 > HuffmanDecodeTable.MAX_NEED : advance + a > HuffmanDecodeTable.MAX_NEED) {
                    break;
                }
                symbols++;
                used += u;
                if (a == HuffmanDecodeTable.EOB) {
                    eob = true;
                    break;
                }
                advance += a;
            }
            if (symbols == 0) {
                assertTrue(entry <= 0, "first code longer than the width, or undefined: no entry");
                continue;
            }
            if (symbols == 1) {
                assertEquals(firstStep, entry, Long.toHexString(bits));
                continue;
            }
            chains++;
            assertEquals(firstStep, (entry >>> 13) & 0x1FFF, "first symbol of " + Long.toHexString(bits));
            assertEquals(used, entry & 31, "bits of the chain " + Long.toHexString(bits));
            assertEquals(eob ? advance + HuffmanDecodeTable.EOB : advance, (entry >>> 5) & 0xFF, "advance " + Long.toHexString(bits));
            assertEquals(eob ? advance + 1 : advance, entry >>> 26, "coefficients needed " + Long.toHexString(bits));
        }
        assertTrue(chains > 100_000, "only " + chains + " chains");
    }
}
