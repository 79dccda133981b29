package org.pistream.core.jpeg;

import java.util.Arrays;

/**
 * One Huffman table of a frame, checked and made ready for {@link JpegVerifier}'s entropy pass.
 *
 * <p>The verifier skips coefficient values instead of reading them, so a step of the pass is: read
 * the next {@link #WIDTH} bits, look them up, shift out the code and the value bits of every symbol
 * the entry resolves, and move through the block by the coefficients those symbols cover. An entry
 * resolves a chain of as many symbols as have their whole code in those bits: an AC table's
 * {@link #lookup} chains AC symbols, and {@link #blockStart} makes the lookup for the start of a
 * block, its DC difference followed by AC symbols, so a block of a camera frame (DC, a few AC, EOB)
 * takes one to three steps instead of one per symbol. Fewer dependent reads per block is what pays,
 * under C1 and C2 alike. Codes longer than the width take the slow path: their entry points to a
 * sub-table for the bits after the first {@code WIDTH} ({@link #longStep}). Rebuilding is skipped
 * when a frame defines the same table as the last one (cameras send identical tables in every
 * frame; ffmpeg optimises them per frame). Not thread-safe; owned by one verifier.
 *
 * <p>An entry packs two steps of 13 bits, each {@code advance << 5 | bitsUsed}: bits 0-12 the whole
 * chain, bits 13-25 its first symbol alone, and in bits 26-30 the coefficients the chain needs left
 * in the block ({@code k + need <= 64}); otherwise only the first symbol is taken. The advance is 1
 * for a DC difference, run + 1 for an AC coefficient, 16 for ZRL, and {@link #EOB} plus the
 * coefficients before it for a chain ending with EOB. 0 means the first code is undefined, a
 * negative entry that it is longer than the width. Single-symbol entries have need 0.
 */
final class HuffmanDecodeTable {
    /**
     * Bits resolved per read: 8 KB a lookup. Measured from 10 to 14 bits, the speed hardly changes
     * (what costs is the latency of each dependent read and the mispredicted branch at each block's
     * end, not cache misses), so the smaller tables win.
     */
    static final int WIDTH = 11;
    /** {@code 64 - WIDTH}: the bit buffer shifted right by it is the index into a lookup. */
    static final int SHIFT = 64 - WIDTH;
    /** Bits of a code longer than {@link #WIDTH} after its first {@code WIDTH} (codes have at most 16). */
    private static final int LONG_BITS = 16 - WIDTH;
    /** Most coefficients a chain may need left in its block: keeps entries positive (bits 26-30). */
    static final int MAX_NEED = 31;
    /** Advance of an EOB: ends the block wherever it is (above any k + 16). */
    static final int EOB = 128;

    /** By the next {@link #WIDTH} bits: for an AC table the packed entry above; for DC its first symbol's step. */
    int[] lookup;
    /** DC or AC: decides what a symbol means. */
    private final boolean dc;
    /** By the next {@link #WIDTH} bits: the first symbol's step and (bits 13+) its code length, or 0. */
    private int[] single;
    /** Sub-tables of {@code 1 << LONG_BITS} steps for the codes longer than {@link #WIDTH} bits. */
    private int[] longSteps = new int[0];
    /** The DHT bytes (16 counts, then the symbols) this table was built from. */
    private final byte[] raw = new byte[16 + 256];
    private int rawLength = -1;
    /** Counts the builds that changed the table, so tables derived from it know when to follow. */
    private int version;

    /** An empty table for DC ({@code dc}) or AC symbols. */
    HuffmanDecodeTable(boolean dc) {
        this.dc = dc;
    }

    /**
     * Checks a table definition: {@code dht[countsAt..countsAt+16)} are the counts of codes of each
     * length, followed by the symbols. Returns the number of symbols, or -1 when the table cannot be
     * built or cannot occur in an 8-bit sequential JPEG: no codes or more than 256, a code space
     * over-subscribed (the all-ones code of a length is reserved, as libjpeg requires), a DC category
     * above 11, an AC size above 10, or an AC symbol with size 0 that is neither EOB nor ZRL.
     * Symbols past {@code end} make it -1 too.
     */
    static int check(byte[] dht, int countsAt, int end, boolean dc) {
        if (countsAt + 16 > end) {
            return -1;
        }
        int total = 0;
        int code = 0;
        for (int length = 1; length <= 16; length++) {
            int n = dht[countsAt + length - 1] & 0xFF;
            total += n;
            code += n;
            if (code >= (1 << length)) {
                return -1; // over-subscribed, or uses the reserved all-ones code
            }
            code <<= 1;
        }
        if (total == 0 || total > 256 || countsAt + 16 + total > end) {
            return -1;
        }
        for (int i = countsAt + 16, stop = i + total; i < stop; i++) {
            int symbol = dht[i] & 0xFF;
            if (dc) {
                if (symbol > 11) {
                    return -1;
                }
            } else {
                int size = symbol & 15;
                int run = symbol >>> 4;
                if (size > 10 || (size == 0 && run != 0 && run != 15)) {
                    return -1;
                }
            }
        }
        return total;
    }

    /**
     * Builds the decoding tables from a definition {@link #check} accepted ({@code total} symbols),
     * unless this table was built from the same bytes already.
     */
    void build(byte[] dht, int countsAt, int total) {
        int length = 16 + total;
        if (rawLength == length && Arrays.equals(raw, 0, length, dht, countsAt, countsAt + length)) {
            return;
        }
        System.arraycopy(dht, countsAt, raw, 0, length);
        rawLength = length;
        version++;
        if (single == null) {
            // on first use: most frames define four of the eight tables
            single = new int[1 << WIDTH];
            lookup = new int[1 << WIDTH];
        }
        Arrays.fill(single, 0);
        int subTables = 0;
        int code = 0;
        int k = 0;
        for (int bits = 1; bits <= 16; bits++) {
            int n = raw[bits - 1] & 0xFF;
            for (int i = 0; i < n; i++, k++, code++) {
                int step = step(bits, raw[16 + k] & 0xFF);
                if (bits <= WIDTH) {
                    int first = code << (WIDTH - bits);
                    Arrays.fill(single, first, first + (1 << (WIDTH - bits)), step | bits << 13);
                } else {
                    // a long code: its first WIDTH bits lead to a sub-table of the 16 - WIDTH bits after them
                    int prefix = code >>> (bits - WIDTH);
                    if (single[prefix] == 0) {
                        int base = subTables++ << LONG_BITS;
                        if (base + (1 << LONG_BITS) > longSteps.length) {
                            // grows only while the tables seen grow: no allocation per frame after that
                            longSteps = Arrays.copyOf(longSteps,
                                    Math.max(2 * longSteps.length, base + (1 << LONG_BITS)));
                        }
                        Arrays.fill(longSteps, base, base + (1 << LONG_BITS), 0);
                        single[prefix] = ~base;
                    }
                    int first = ~single[prefix] + ((code << (16 - bits)) & ((1 << LONG_BITS) - 1));
                    Arrays.fill(longSteps, first, first + (1 << (16 - bits)), step);
                }
            }
            code <<= 1;
        }
        if (dc) {
            for (int i = 0; i < lookup.length; i++) {
                lookup[i] = single[i] < 0 ? single[i] : single[i] & 0x1FFF; // one symbol: the step alone
            }
        } else {
            chain(lookup, single, single);
        }
    }

    /** How many times this table was built from new bytes. */
    int version() {
        return version;
    }

    /**
     * Fills {@code into} (as {@link #lookup}) with the lookup for the start of a block: its DC
     * difference from {@code dc}, then as many AC symbols from {@code ac} as are whole in the window.
     * That makes a block with few coefficients (DC, one or two AC, EOB) one step.
     */
    static void blockStart(int[] into, HuffmanDecodeTable dc, HuffmanDecodeTable ac) {
        chain(into, dc.single, ac.single);
    }

    /**
     * Fills {@code lookup} with each index's chain: the first symbol from {@code firstSymbols} (steps
     * with their code lengths, as {@link #single}), then AC symbols from {@code single} (an AC
     * table's) while their whole code lies in the window.
     */
    private static void chain(int[] lookup, int[] firstSymbols, int[] single) {
        int width = WIDTH;
        int mask = lookup.length - 1;
        for (int i = 0; i <= mask; i++) {
            if (firstSymbols[i] < 0) {
                lookup[i] = firstSymbols[i]; // a long code: its sub-table
                continue;
            }
            int first = firstSymbols[i] & 0x1FFF;
            int used = first & 31;
            int advance = first >>> 5;
            int symbols = 1;
            boolean eob = advance == EOB;
            if (first == 0 || eob) {
                lookup[i] = first;
                continue;
            }
            while (used < width) {
                int next = single[(i << used) & mask];
                if (next <= 0 || (next >>> 13) > width - used) {
                    break; // the next code is not whole in the window
                }
                int a = (next >>> 5) & 0xFF;
                if (a == EOB) {
                    if (advance + 1 <= MAX_NEED) {
                        eob = true;
                        used += next & 31;
                        symbols++;
                    }
                    break;
                }
                if (advance + a > MAX_NEED) {
                    break;
                }
                advance += a;
                used += next & 31;
                symbols++;
            }
            if (symbols == 1) {
                lookup[i] = first;
            } else {
                int need = eob ? advance + 1 : advance;
                lookup[i] = need << 26 | first << 13 | (eob ? advance + EOB : advance) << 5 | used;
            }
        }
    }

    /** Forgets the built table, so the next {@link #build} rebuilds it. */
    void clear() {
        rawLength = -1;
    }

    /**
     * The step (a one-symbol entry) for a {@link #lookup} entry that is not positive: {@code ~base}
     * of the sub-table of a code longer than {@link #WIDTH} bits, read with the bits after the first
     * {@code WIDTH} at the top of {@code bits} (MSB first); 0 when no code of up to 16 bits matches.
     */
    int longStep(int entry, long bits) {
        return entry == 0 ? 0 : longSteps[~entry + ((int) (bits >>> (64 - 16)) & ((1 << LONG_BITS) - 1))];
    }

    /** The step {@code advance << 5 | bitsUsed} of {@code symbol} with a code of {@code length} bits. */
    private int step(int length, int symbol) {
        int size = symbol & 15;
        int advance;
        if (dc) {
            advance = 1;
        } else if (size != 0) {
            advance = (symbol >>> 4) + 1;
        } else {
            advance = symbol == 0xF0 ? 16 : EOB; // check() let only ZRL and EOB have size 0
        }
        return advance << 5 | (length + size);
    }
}
