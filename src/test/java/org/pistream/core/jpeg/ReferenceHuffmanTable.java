package org.pistream.core.jpeg;

import java.util.Arrays;

/**
 * {@link ReferenceJpegVerifier}'s Huffman table: {@link HuffmanDecodeTable} before issue 18, unchanged.
 *
 * <p>One Huffman table of a frame, checked and made ready for the entropy pass.
 *
 * <p>A 9-bit lookahead table answers most codes with one array read; longer codes (10 to 16 bits)
 * take the slow path, {@link #decodeLong}. Since the verifier skips coefficient values instead of
 * reading them, an entry holds the code length plus the number of value bits that follow it, so one
 * shift consumes both. Rebuilding is skipped when a frame defines the same table as the last one
 * (cameras send identical tables in every frame). Not thread-safe; owned by one verifier.
 */
final class ReferenceHuffmanTable {
    /** Bits the lookahead table resolves at once. */
    static final int LOOKAHEAD = 9;

    /**
     * By the next {@code LOOKAHEAD} bits: {@code (codeLength + valueBits) << 8 | symbol}, or 0 when
     * the code is longer than {@code LOOKAHEAD} bits (or undefined).
     */
    final int[] lookup = new int[1 << LOOKAHEAD];
    /** Largest code of each length 1..16, -1 when there is none. */
    private final int[] maxCode = new int[17];
    /** {@code symbols[valueOffset[l] + code]} is the symbol of the {@code l}-bit {@code code}. */
    private final int[] valueOffset = new int[17];
    private final int[] symbols = new int[256];
    /** The DHT bytes (16 counts, then the symbols) this table was built from. */
    private final byte[] raw = new byte[16 + 256];
    private int rawLength = -1;

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
        Arrays.fill(lookup, 0);
        int code = 0;
        int k = 0;
        for (int bits = 1; bits <= 16; bits++) {
            int n = raw[bits - 1] & 0xFF;
            if (n == 0) {
                maxCode[bits] = -1;
            } else {
                valueOffset[bits] = k - code;
                for (int i = 0; i < n; i++, k++, code++) {
                    int symbol = raw[16 + k] & 0xFF;
                    symbols[k] = symbol;
                    if (bits <= LOOKAHEAD) {
                        int entry = ((bits + (symbol & 15)) << 8) | symbol;
                        int first = code << (LOOKAHEAD - bits);
                        Arrays.fill(lookup, first, first + (1 << (LOOKAHEAD - bits)), entry);
                    }
                }
                maxCode[bits] = code - 1;
            }
            code <<= 1;
        }
    }

    /** Forgets the built table, so the next {@link #build} rebuilds it. */
    void clear() {
        rawLength = -1;
    }

    /**
     * The entry for a code longer than {@link #LOOKAHEAD} bits at the top of {@code bits} (MSB
     * first), packed like {@link #lookup}; 0 when no code of up to 16 bits matches.
     */
    int decodeLong(long bits) {
        for (int length = LOOKAHEAD + 1; length <= 16; length++) {
            int code = (int) (bits >>> (64 - length));
            if (code <= maxCode[length]) {
                int symbol = symbols[valueOffset[length] + code];
                return ((length + (symbol & 15)) << 8) | symbol;
            }
        }
        return 0;
    }
}
