package org.pistream.core.jpeg;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

import org.pistream.core.jpeg.JpegVerifier.Level;

/**
 * The oracle for {@link JpegVerifier}: the verifier as it was before issue 18 made its entropy pass
 * cheaper under C1 (commit f8f266b, renamed, with {@link JpegVerifier.Level}), kept unchanged so tests
 * can check that the fast one gives the same verdict and detail for every frame, and
 * {@code VerifierBenchmark} can weigh both in one run. Do not optimise it.
 */
public final class ReferenceJpegVerifier {

    /** Default limit for width and height: above every Raspberry Pi camera (the HQ camera is 4056x3040). */
    public static final int DEFAULT_MAX_DIMENSION = 8192;

    /** A minimal frame with the standard tables, taken from the step that inserts them, so the two cannot differ. */
    private static final byte[] STANDARD_TABLES_FRAME = HuffmanTables.insertIfMissing(
            new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xDA, 0, 2, (byte) 0xFF, (byte) 0xD9}, 0, 8);
    private static final VarHandle BIG_ENDIAN_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final int MAX_COMPONENTS = 4;
    private static final int MAX_BLOCKS_IN_MCU = 10;

    private final Level level;
    private final int maxWidth;
    private final int maxHeight;

    // Per-frame state, reset by verify().
    private String detail;
    private boolean sofSeen;
    private boolean dhtSeen;
    private int scans;
    private int width;
    private int height;
    private int components;
    private int maxH;
    private int maxV;
    private int restartInterval;
    private final int[] componentId = new int[MAX_COMPONENTS];
    private final int[] samplingH = new int[MAX_COMPONENTS];
    private final int[] samplingV = new int[MAX_COMPONENTS];
    private final int[] quantTable = new int[MAX_COMPONENTS];
    private final boolean[] scanned = new boolean[MAX_COMPONENTS];
    private final boolean[] quantDefined = new boolean[4];
    /** Slots 0..3 are DC tables 0..3, slots 4..7 AC tables 0..3. */
    private final boolean[] huffmanDefined = new boolean[8];
    private final ReferenceHuffmanTable[] huffman = new ReferenceHuffmanTable[8];

    // The scan being checked.
    private int scanComponents;
    private final int[] scanComponent = new int[MAX_COMPONENTS];
    private final int[] scanDc = new int[MAX_COMPONENTS];
    private final int[] scanAc = new int[MAX_COMPONENTS];
    private final ReferenceHuffmanTable[] blockDc = new ReferenceHuffmanTable[MAX_BLOCKS_IN_MCU];
    private final ReferenceHuffmanTable[] blockAc = new ReferenceHuffmanTable[MAX_BLOCKS_IN_MCU];
    private JpegVerdict scanFailure;

    // The bit reader of the scan being decoded.
    private byte[] data;
    private int dataEnd;
    private int pos;
    private long bits;
    private int count;
    private int padding;
    private int markerAt;

    /** A verifier with the {@link #DEFAULT_MAX_DIMENSION} limits. */
    public ReferenceJpegVerifier(Level level) {
        this(level, DEFAULT_MAX_DIMENSION, DEFAULT_MAX_DIMENSION);
    }

    /** A verifier that also rejects frames wider than {@code maxWidth} or taller than {@code maxHeight}. */
    public ReferenceJpegVerifier(Level level, int maxWidth, int maxHeight) {
        this.level = Objects.requireNonNull(level, "level");
        if (maxWidth < 1 || maxWidth > 65535) {
            throw new IllegalArgumentException("maxWidth must be 1..65535, was: " + maxWidth);
        }
        if (maxHeight < 1 || maxHeight > 65535) {
            throw new IllegalArgumentException("maxHeight must be 1..65535, was: " + maxHeight);
        }
        this.maxWidth = maxWidth;
        this.maxHeight = maxHeight;
        for (int i = 0; i < huffman.length; i++) {
            huffman[i] = new ReferenceHuffmanTable();
        }
    }

    public Level level() {
        return level;
    }

    /**
     * Checks the frame {@code jpeg[offset, offset + length)}: SOI to EOI, nothing before or after.
     * Returns {@link JpegVerdict#OK} or the reason to reject it; {@link #detail()} then says what failed.
     */
    public JpegVerdict verify(byte[] jpeg, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, jpeg.length);
        detail = null;
        sofSeen = false;
        dhtSeen = false;
        scans = 0;
        components = 0;
        restartInterval = 0;
        for (int i = 0; i < 4; i++) {
            quantDefined[i] = false;
        }
        for (int i = 0; i < 8; i++) {
            huffmanDefined[i] = false;
        }
        int end = offset + length;
        if (length < 4 || jpeg[offset] != (byte) 0xFF || jpeg[offset + 1] != (byte) 0xD8) {
            return fail(JpegVerdict.BAD_MARKERS, "no SOI at the start");
        }
        if (jpeg[end - 2] != (byte) 0xFF || jpeg[end - 1] != (byte) 0xD9) {
            return fail(JpegVerdict.BAD_MARKERS, "no EOI at the end");
        }
        int i = offset + 2;
        while (true) {
            if (i + 1 >= end || jpeg[i] != (byte) 0xFF) {
                return fail(JpegVerdict.BAD_MARKERS, "no marker where a segment must start");
            }
            int marker = jpeg[i + 1] & 0xFF;
            if (marker == 0xFF) {
                i++; // fill byte
                continue;
            }
            if (marker == 0xD9) {
                return endOfImage(i, end);
            }
            if (marker == 0x01) {
                i += 2; // TEM: no parameters
                continue;
            }
            if (marker == 0x00 || marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7)) {
                return fail(JpegVerdict.BAD_MARKERS, "SOI, RSTn or FF00 outside the scan data");
            }
            if (i + 4 > end) {
                return fail(JpegVerdict.BAD_MARKERS, "segment length past the end");
            }
            int segmentEnd = i + 2 + (((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF));
            if (segmentEnd < i + 4 || segmentEnd > end - 2) {
                return fail(JpegVerdict.BAD_MARKERS, "segment length below 2 or past the end");
            }
            int p = i + 4;
            JpegVerdict verdict;
            switch (marker) {
                case 0xDB:
                    verdict = quantTables(jpeg, p, segmentEnd);
                    break;
                case 0xC4:
                    verdict = huffmanTables(jpeg, p, segmentEnd);
                    break;
                case 0xC0:
                case 0xC1:
                    verdict = frameHeader(jpeg, p, segmentEnd);
                    break;
                case 0xDD:
                    verdict = restartInterval(jpeg, p, segmentEnd);
                    break;
                case 0xDA: {
                    verdict = scanHeader(jpeg, p, segmentEnd);
                    if (verdict != JpegVerdict.OK) {
                        return verdict;
                    }
                    int next = scanData(jpeg, segmentEnd, end);
                    if (next < 0) {
                        return scanFailure;
                    }
                    i = next;
                    continue;
                }
                case 0xC2: case 0xC3: case 0xC5: case 0xC6: case 0xC7: case 0xC9: case 0xCA: case 0xCB:
                case 0xCC: case 0xCD: case 0xCE: case 0xCF:
                    return fail(JpegVerdict.UNSUPPORTED, "progressive, lossless, hierarchical or arithmetic-coded frame");
                case 0xDC:
                    return fail(JpegVerdict.UNSUPPORTED, "DNL marker");
                default:
                    if ((marker >= 0xE0 && marker <= 0xEF) || marker == 0xFE) {
                        verdict = JpegVerdict.OK; // APPn, COM
                    } else {
                        return fail(JpegVerdict.BAD_MARKERS, "reserved or unexpected marker");
                    }
            }
            if (verdict != JpegVerdict.OK) {
                return verdict;
            }
            i = segmentEnd;
        }
    }

    /** What failed in the last {@link #verify} that did not return OK, for a log line; null after OK. */
    public String detail() {
        return detail;
    }

    @Override
    public String toString() {
        return "ReferenceJpegVerifier{" + level.key() + " max=" + maxWidth + "x" + maxHeight + "}";
    }

    private JpegVerdict fail(JpegVerdict verdict, String what) {
        detail = what;
        return verdict;
    }

    private JpegVerdict endOfImage(int i, int end) {
        if (i + 2 != end) {
            return fail(JpegVerdict.BAD_MARKERS, "EOI before the end of the frame");
        }
        if (!sofSeen) {
            return fail(JpegVerdict.BAD_MARKERS, "no SOF");
        }
        if (scans == 0) {
            return fail(JpegVerdict.BAD_MARKERS, "no SOS");
        }
        for (int c = 0; c < components; c++) {
            if (!scanned[c]) {
                return fail(JpegVerdict.BAD_SCAN_HEADER, "a component is in no scan");
            }
        }
        return JpegVerdict.OK;
    }

    private JpegVerdict quantTables(byte[] b, int p, int end) {
        if (p == end) {
            return fail(JpegVerdict.BAD_QUANT_TABLE, "empty DQT");
        }
        while (p < end) {
            int precision = (b[p] & 0xFF) >>> 4;
            int id = b[p] & 0x0F;
            if (precision > 1 || id > 3) {
                return fail(JpegVerdict.BAD_QUANT_TABLE, "DQT precision or id out of range");
            }
            int size = precision == 0 ? 64 : 128;
            p++;
            if (p + size > end) {
                return fail(JpegVerdict.BAD_QUANT_TABLE, "DQT shorter than its tables");
            }
            for (int k = 0; k < size; k += precision + 1) {
                int step = precision == 0 ? b[p + k] : (b[p + k] | b[p + k + 1]);
                if (step == 0) {
                    return fail(JpegVerdict.BAD_QUANT_TABLE, "DQT step of zero");
                }
            }
            quantDefined[id] = true;
            p += size;
        }
        return JpegVerdict.OK;
    }

    private JpegVerdict huffmanTables(byte[] b, int p, int end) {
        if (p == end) {
            return fail(JpegVerdict.BAD_HUFFMAN_TABLE, "empty DHT");
        }
        dhtSeen = true;
        while (p < end) {
            int tableClass = (b[p] & 0xFF) >>> 4;
            int id = b[p] & 0x0F;
            if (tableClass > 1 || id > 3) {
                return fail(JpegVerdict.BAD_HUFFMAN_TABLE, "DHT class or id out of range");
            }
            int total = ReferenceHuffmanTable.check(b, p + 1, end, tableClass == 0);
            if (total < 0) {
                return fail(JpegVerdict.BAD_HUFFMAN_TABLE,
                        "DHT over-subscribed, empty, past the segment end, or with impossible symbols");
            }
            int slot = tableClass * 4 + id;
            if (level == Level.FULL) {
                huffman[slot].build(b, p + 1, total);
            }
            huffmanDefined[slot] = true;
            p += 17 + total;
        }
        return JpegVerdict.OK;
    }

    private JpegVerdict frameHeader(byte[] b, int p, int end) {
        if (sofSeen) {
            return fail(JpegVerdict.BAD_FRAME_HEADER, "second SOF");
        }
        sofSeen = true;
        if (end - p < 6) {
            return fail(JpegVerdict.BAD_FRAME_HEADER, "SOF too short");
        }
        int precision = b[p] & 0xFF;
        height = ((b[p + 1] & 0xFF) << 8) | (b[p + 2] & 0xFF);
        width = ((b[p + 3] & 0xFF) << 8) | (b[p + 4] & 0xFF);
        int n = b[p + 5] & 0xFF;
        if (n < 1 || n > MAX_COMPONENTS || end - p != 6 + 3 * n) {
            return fail(JpegVerdict.BAD_FRAME_HEADER, "SOF component count not 1..4 or length wrong");
        }
        if (precision != 8) {
            return fail(JpegVerdict.UNSUPPORTED, "sample precision other than 8 bits");
        }
        if (width == 0) {
            return fail(JpegVerdict.BAD_FRAME_HEADER, "width 0");
        }
        if (height == 0) {
            return fail(JpegVerdict.UNSUPPORTED, "height 0 (defined by a later DNL)");
        }
        if (width > maxWidth || height > maxHeight) {
            return fail(JpegVerdict.TOO_LARGE, "width or height above the limit");
        }
        maxH = 1;
        maxV = 1;
        for (int c = 0; c < n; c++) {
            int q = p + 6 + 3 * c;
            componentId[c] = b[q] & 0xFF;
            samplingH[c] = (b[q + 1] & 0xFF) >>> 4;
            samplingV[c] = b[q + 1] & 0x0F;
            quantTable[c] = b[q + 2] & 0xFF;
            scanned[c] = false;
            if (samplingH[c] < 1 || samplingH[c] > 4 || samplingV[c] < 1 || samplingV[c] > 4) {
                return fail(JpegVerdict.BAD_FRAME_HEADER, "sampling factor not 1..4");
            }
            if (quantTable[c] > 3) {
                return fail(JpegVerdict.BAD_FRAME_HEADER, "quantisation table id above 3");
            }
            for (int d = 0; d < c; d++) {
                if (componentId[d] == componentId[c]) {
                    return fail(JpegVerdict.BAD_FRAME_HEADER, "two components with the same id");
                }
            }
            maxH = Math.max(maxH, samplingH[c]);
            maxV = Math.max(maxV, samplingV[c]);
        }
        for (int c = 0; c < n; c++) {
            // libjpeg (and so every browser) cannot upsample by a fraction: 3:2 and the like do not decode
            if (maxH % samplingH[c] != 0 || maxV % samplingV[c] != 0) {
                return fail(JpegVerdict.BAD_FRAME_HEADER, "sampling factors not integral ratios");
            }
        }
        components = n;
        return JpegVerdict.OK;
    }

    private JpegVerdict restartInterval(byte[] b, int p, int end) {
        if (end - p != 2) {
            return fail(JpegVerdict.BAD_MARKERS, "DRI length not 4");
        }
        restartInterval = ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
        return JpegVerdict.OK;
    }

    private JpegVerdict scanHeader(byte[] b, int p, int end) {
        if (!sofSeen) {
            return fail(JpegVerdict.BAD_MARKERS, "SOS before SOF");
        }
        if (scans == 0 && !dhtSeen) {
            // No tables: the publish step will insert the standard ones before this scan; check against them.
            int dhtEnd = 4 + (((STANDARD_TABLES_FRAME[4] & 0xFF) << 8) | (STANDARD_TABLES_FRAME[5] & 0xFF));
            JpegVerdict standard = huffmanTables(STANDARD_TABLES_FRAME, 6, dhtEnd);
            if (standard != JpegVerdict.OK) {
                throw new IllegalStateException("the standard Huffman tables do not pass: " + detail);
            }
        }
        int n = end > p ? b[p] & 0xFF : 0;
        if (n < 1 || n > components || end - p != 4 + 2 * n) {
            return fail(JpegVerdict.BAD_SCAN_HEADER, "SOS component count out of range or length wrong");
        }
        int blocks = 0;
        int previous = -1;
        for (int s = 0; s < n; s++) {
            int id = b[p + 1 + 2 * s] & 0xFF;
            int dc = (b[p + 2 + 2 * s] & 0xFF) >>> 4;
            int ac = b[p + 2 + 2 * s] & 0x0F;
            int c = 0;
            while (c < components && componentId[c] != id) {
                c++;
            }
            if (c == components) {
                return fail(JpegVerdict.BAD_SCAN_HEADER, "SOS names a component the SOF does not have");
            }
            if (c <= previous || scanned[c]) {
                return fail(JpegVerdict.BAD_SCAN_HEADER, "SOS component repeated, out of frame order, or already scanned");
            }
            if (dc > 3 || ac > 3 || !huffmanDefined[dc] || !huffmanDefined[4 + ac]) {
                return fail(JpegVerdict.BAD_SCAN_HEADER, "SOS uses an undefined Huffman table");
            }
            if (!quantDefined[quantTable[c]]) {
                return fail(JpegVerdict.BAD_QUANT_TABLE, "a scanned component's quantisation table is not defined");
            }
            previous = c;
            scanComponent[s] = c;
            scanDc[s] = dc;
            scanAc[s] = 4 + ac;
            blocks += samplingH[c] * samplingV[c];
        }
        if (n > 1 && blocks > MAX_BLOCKS_IN_MCU) {
            return fail(JpegVerdict.BAD_SCAN_HEADER, "more than 10 blocks in an MCU");
        }
        int q = p + 1 + 2 * n;
        if ((b[q] & 0xFF) != 0 || (b[q + 1] & 0xFF) != 63 || (b[q + 2] & 0xFF) != 0) {
            return fail(JpegVerdict.BAD_SCAN_HEADER, "spectral selection not 0..63 or successive approximation set");
        }
        for (int s = 0; s < n; s++) {
            scanned[scanComponent[s]] = true;
        }
        scanComponents = n;
        scans++;
        return JpegVerdict.OK;
    }

    /**
     * Passes the entropy-coded data of the scan whose header ended at {@code start}. Returns the
     * position of the marker after it, or -1 with {@link #scanFailure} and {@link #detail} set.
     */
    private int scanData(byte[] b, int start, int end) {
        if (level == Level.FULL) {
            return decodeScan(b, start, end);
        }
        boolean last = true;
        for (int c = 0; c < components; c++) {
            last &= scanned[c];
        }
        return last ? end - 2 : nextMarker(b, start, end);
    }

    /** Position of the first marker at or after {@code from} that is not RSTn (or fill before one), or -1. */
    private int nextMarker(byte[] b, int from, int end) {
        for (int i = from; i + 1 < end; i++) {
            if (b[i] == (byte) 0xFF) {
                int code = b[i + 1] & 0xFF;
                if (code != 0x00 && code != 0xFF && (code < 0xD0 || code > 0xD7)) {
                    return i;
                }
            }
        }
        scanFailure = fail(JpegVerdict.BAD_MARKERS, "scan data runs to the end");
        return -1;
    }

    private int scanFail(String what) {
        scanFailure = fail(JpegVerdict.BAD_ENTROPY_DATA, what);
        return -1;
    }

    /**
     * Huffman-decodes every block of the scan. The bit buffer {@link #bits} holds {@link #count}
     * bits, MSB first. When the data reaches a marker, zero bits are fed instead and counted in
     * {@link #padding}: using any of them means the data ended before the last MCU.
     */
    private int decodeScan(byte[] b, int start, int end) {
        int mcusAcross;
        int mcusDown;
        int blocksInMcu;
        if (scanComponents == 1) {
            // Non-interleaved: one block per MCU, over the component's own (unpadded) size.
            int c = scanComponent[0];
            int componentWidth = ceilDiv(width * samplingH[c], maxH);
            int componentHeight = ceilDiv(height * samplingV[c], maxV);
            mcusAcross = ceilDiv(componentWidth, 8);
            mcusDown = ceilDiv(componentHeight, 8);
            blocksInMcu = 1;
            blockDc[0] = huffman[scanDc[0]];
            blockAc[0] = huffman[scanAc[0]];
        } else {
            mcusAcross = ceilDiv(width, 8 * maxH);
            mcusDown = ceilDiv(height, 8 * maxV);
            blocksInMcu = 0;
            for (int s = 0; s < scanComponents; s++) {
                int c = scanComponent[s];
                for (int k = samplingH[c] * samplingV[c]; k > 0; k--) {
                    blockDc[blocksInMcu] = huffman[scanDc[s]];
                    blockAc[blocksInMcu] = huffman[scanAc[s]];
                    blocksInMcu++;
                }
            }
        }
        final int mcus = mcusAcross * mcusDown; // at most 65535 x 65535 / 64
        final int interval = restartInterval;
        data = b;
        dataEnd = end;
        pos = start;
        resetBits();
        int untilRestart = interval;
        int restarts = 0;
        for (int mcu = 0; mcu < mcus; mcu++) {
            if (interval > 0 && untilRestart == 0) {
                // The interval must end on a byte boundary right before RSTn, n counting 0..7.
                int at = markerAfterData();
                if (at < 0) {
                    return scanFail("data left over before a restart marker");
                }
                if (b[at + 1] != (byte) (0xD0 + (restarts & 7))) {
                    return scanFail("restart marker missing or out of order");
                }
                restarts++;
                pos = at + 2;
                resetBits();
                untilRestart = interval;
            }
            for (int block = 0; block < blocksInMcu; block++) {
                if (count < 32) {
                    refill();
                }
                ReferenceHuffmanTable table = blockDc[block];
                int entry = table.lookup[(int) (bits >>> (64 - ReferenceHuffmanTable.LOOKAHEAD))];
                if (entry == 0 && (entry = table.decodeLong(bits)) == 0) {
                    return scanFail("undefined Huffman code");
                }
                int used = entry >>> 8; // code length plus the bits of the DC difference
                bits <<= used;
                count -= used;
                table = blockAc[block];
                int[] lookup = table.lookup;
                int k = 1; // next coefficient
                do {
                    if (count < 32) {
                        refill();
                    }
                    entry = lookup[(int) (bits >>> (64 - ReferenceHuffmanTable.LOOKAHEAD))];
                    if (entry == 0 && (entry = table.decodeLong(bits)) == 0) {
                        return scanFail("undefined Huffman code");
                    }
                    used = entry >>> 8;
                    bits <<= used;
                    count -= used;
                    int runSize = entry & 0xFF;
                    if ((runSize & 0x0F) != 0) {
                        k += (runSize >>> 4) + 1; // run of zeros, then one coefficient
                    } else if (runSize == 0xF0) {
                        k += 16; // ZRL: sixteen zeros
                    } else {
                        break; // EOB
                    }
                } while (k < 64);
                if (k > 64) {
                    return scanFail("more than 64 coefficients in a block");
                }
            }
            if (count < padding) {
                return scanFail("data ends before the last MCU");
            }
            untilRestart--;
        }
        int at = markerAfterData();
        if (at < 0) {
            return scanFail("data left over after the last MCU");
        }
        int code = b[at + 1] & 0xFF;
        if (code >= 0xD0 && code <= 0xD7) {
            return scanFail("restart marker after the last MCU");
        }
        return at;
    }

    private void resetBits() {
        bits = 0;
        count = 0;
        padding = 0;
        markerAt = -1;
    }

    /**
     * Fills the bit buffer to at least 57 bits: a 16-bit code plus up to 11 value bits always fit
     * after a refill at below 32. Stuffed {@code FF00} gives {@code FF}; fill bytes before a marker
     * are skipped; at a marker, zero bits are added and counted as padding.
     */
    private void refill() {
        byte[] b = data;
        int p = pos;
        long buffer = bits;
        int n = count;
        int zeros = padding;
        if (markerAt < 0 && p + 8 <= dataEnd) {
            // Fast path: the next 8 bytes hold no FF, so the ones that fit are plain data.
            long next = (long) BIG_ENDIAN_LONG.get(b, p);
            long inverted = ~next;
            if (((inverted - 0x0101010101010101L) & ~inverted & 0x8080808080808080L) == 0) {
                int bytes = (64 - n) >>> 3;
                n += bytes << 3;
                bits = buffer | ((next >>> (n - (bytes << 3))) & (-1L << (64 - n)));
                pos = p + bytes;
                count = n;
                return;
            }
        }
        while (n <= 56) {
            int c = 0;
            if (markerAt < 0) {
                c = b[p] & 0xFF;
                if (c != 0xFF) {
                    p++;
                } else {
                    int q = p + 1;
                    while (q < dataEnd && b[q] == (byte) 0xFF) {
                        q++; // fill bytes
                    }
                    if (q < dataEnd && b[q] == 0) {
                        p = q + 1; // stuffed FF
                    } else {
                        markerAt = q - 1;
                        c = 0;
                    }
                }
            }
            if (markerAt >= 0) {
                zeros += 8;
            }
            buffer |= (long) c << (56 - n);
            n += 8;
        }
        pos = p;
        bits = buffer;
        count = n;
        padding = zeros;
    }

    /**
     * After the last MCU of an interval or scan: drops the padding bits of the last byte and returns
     * the position of the marker that follows, or -1 when whole bytes of data are left before it.
     */
    private int markerAfterData() {
        count -= count & 7;
        if (count != padding) {
            return -1;
        }
        return markerAt >= 0 ? markerAt : skipFill(data, pos, dataEnd);
    }

    /** Position of the marker at {@code pos} after any fill bytes, or -1 when {@code pos} holds data. */
    private static int skipFill(byte[] b, int pos, int end) {
        if (pos + 1 >= end || b[pos] != (byte) 0xFF) {
            return -1;
        }
        while (pos + 2 < end && b[pos + 1] == (byte) 0xFF) {
            pos++;
        }
        return b[pos + 1] == 0 ? -1 : pos;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
