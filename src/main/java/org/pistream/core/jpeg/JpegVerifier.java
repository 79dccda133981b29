package org.pistream.core.jpeg;

import java.util.Locale;
import java.util.Objects;

/**
 * Decides whether a complete JPEG frame is fit to send: {@link JpegVerdict#OK} or the reason it is
 * not. It checks what browsers and libjpeg need from a camera's baseline JPEG, at one of two levels.
 *
 * <p>{@link Level#HEADERS} checks the marker structure and every header segment: SOI first and EOI
 * last; segment lengths inside the frame; DQT (precision, id, no zero step); DHT (class, id, code
 * counts, a code space neither over-subscribed nor using the reserved all-ones code, symbols an 8-bit
 * sequential scan can use); SOF0 or SOF1 only (progressive, lossless, hierarchical and arithmetic
 * frames are {@link JpegVerdict#UNSUPPORTED}), precision 8, width and height above zero and within the
 * limits, 1 to 4 components with unique ids, sampling factors 1 to 4 that divide the largest ones;
 * DRI length; each SOS naming frame components in frame order, each component in exactly one scan,
 * defined DC and AC tables, defined quantisation tables, at most 10 blocks per interleaved MCU,
 * spectral selection 0..63 and no successive approximation. A frame without any DHT before its first
 * scan is checked against the standard tables of JPEG Annex K, exactly the ones that
 * {@link HuffmanTables#insertIfMissing} adds before such a frame is published.
 *
 * <p>{@link Level#FULL} also decodes the entropy-coded data of every scan: each block of each MCU is
 * Huffman-decoded (DC difference, AC run/size codes, EOB and ZRL) without dequantisation or IDCT.
 * Byte stuffing ({@code FF00}) and fill bytes are handled; restart markers must come after every
 * restart interval, in order {@code RST0..RST7}. The frame is rejected when a code is undefined, a
 * block holds more than 64 coefficients, the data ends before the last MCU, or whole bytes of data
 * are left over after an interval or the last MCU (only the padding bits of the last byte may be).
 * That makes the MCU count of the data match the frame size.
 *
 * <p>Nothing is allocated per frame and expected failures throw nothing: the verdict is an enum
 * constant and {@link #detail()} a constant string.
 *
 * <p>Threading: not thread-safe. Each camera's source thread owns one verifier (it holds the tables
 * of the frame being checked) and calls {@link #verify} for each frame before publishing it; use one
 * instance per thread, never one shared.
 */
public final class JpegVerifier {

    /** How much of a frame is checked. */
    public enum Level {
        /** Marker structure and every header segment; the entropy-coded data is not read. */
        HEADERS,
        /** {@link #HEADERS} plus Huffman-decoding every block of the scan data. */
        FULL;

        /** Lower-case name, as in {@code --verify-frames full}. */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The level named {@code key} ({@code headers} or {@code full}, any case). */
        public static Level parse(String key) {
            for (Level level : values()) {
                if (level.key().equalsIgnoreCase(key.trim())) {
                    return level;
                }
            }
            throw new IllegalArgumentException("verify level must be headers or full, was: " + key);
        }
    }

    /** Default limit for width and height: above every Raspberry Pi camera (the HQ camera is 4056x3040). */
    public static final int DEFAULT_MAX_DIMENSION = 8192;

    /** A minimal frame with the standard tables, taken from the step that inserts them, so the two cannot differ. */
    private static final byte[] STANDARD_TABLES_FRAME = HuffmanTables.insertIfMissing(
            new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xDA, 0, 2, (byte) 0xFF, (byte) 0xD9}, 0, 8);
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
    private final HuffmanDecodeTable[] huffman = new HuffmanDecodeTable[8];

    // The scan being checked.
    private int scanComponents;
    private final int[] scanComponent = new int[MAX_COMPONENTS];
    private final int[] scanDc = new int[MAX_COMPONENTS];
    private final int[] scanAc = new int[MAX_COMPONENTS];
    private final HuffmanDecodeTable[] blockDc = new HuffmanDecodeTable[MAX_BLOCKS_IN_MCU];
    private final HuffmanDecodeTable[] blockAc = new HuffmanDecodeTable[MAX_BLOCKS_IN_MCU];
    /** The block-start lookup of each block of the MCU ({@link HuffmanDecodeTable#blockStart}). */
    private final int[][] blockStart = new int[MAX_BLOCKS_IN_MCU][];
    /** Block-start lookups by DC table * 4 + AC table, made when a scan first needs them. */
    private final int[][] startLookup = new int[16][];
    /** The versions of the DC and AC tables each block-start lookup was made from. */
    private final int[] startDcVersion = new int[16];
    private final int[] startAcVersion = new int[16];
    private JpegVerdict scanFailure;

    // The bit reader of the scan being decoded, between MCUs: the buffer holds count bits, MSB first.
    private byte[] data;
    private int dataEnd;
    private int pos;
    private long bits;
    private int count;
    /** Zero bits fed in after the data reached a marker. */
    private int padding;
    /** That marker, once reached, else -1. */
    private int markerAt;

    /** A verifier with the {@link #DEFAULT_MAX_DIMENSION} limits. */
    public JpegVerifier(Level level) {
        this(level, DEFAULT_MAX_DIMENSION, DEFAULT_MAX_DIMENSION);
    }

    /** A verifier that also rejects frames wider than {@code maxWidth} or taller than {@code maxHeight}. */
    public JpegVerifier(Level level, int maxWidth, int maxHeight) {
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
            huffman[i] = new HuffmanDecodeTable(i < 4);
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
        return "JpegVerifier{" + level.key() + " max=" + maxWidth + "x" + maxHeight + "}";
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
            int total = HuffmanDecodeTable.check(b, p + 1, end, tableClass == 0);
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
     *
     * <p>Written for C1, which pi-stream runs with (etc/jvm-pi.options; issue 18): C1 inlines only
     * tiny methods, keeps fields in memory and spills when a loop holds more values than registers,
     * so each MCU is decoded by {@link #decodeMcu} with the bit reader in its locals; the buffer is
     * filled with plain array reads (no VarHandle, whose byte swap C1 calls); and each step is one
     * table read, one shift and one add for a chain of symbols ({@link HuffmanDecodeTable}), a
     * block's DC difference and its first AC symbols in one read.
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
        for (int block = 0; block < blocksInMcu; block++) {
            blockStart[block] = startLookup(blockDc[block], blockAc[block]);
        }
        final int mcus = mcusAcross * mcusDown; // at most 65535 x 65535 / 64
        final int interval = restartInterval;
        data = b;
        dataEnd = end;
        pos = start;
        bits = 0;
        count = 0;
        padding = 0;
        markerAt = -1;
        int untilRestart = interval;
        int restarts = 0;
        for (int mcu = 0; mcu < mcus; mcu++) {
            if (interval > 0 && untilRestart == 0) {
                // The interval must end on a byte boundary right before RSTn, n counting 0..7.
                count -= count & 7;
                int at = count != padding ? -1 : markerAt >= 0 ? markerAt : skipFill(b, pos, end);
                if (at < 0) {
                    return scanFail("data left over before a restart marker");
                }
                if (b[at + 1] != (byte) (0xD0 + (restarts & 7))) {
                    return scanFail("restart marker missing or out of order");
                }
                restarts++;
                pos = at + 2;
                bits = 0;
                count = 0;
                padding = 0;
                markerAt = -1;
                untilRestart = interval;
            }
            if (!decodeMcu(blocksInMcu)) {
                return -1;
            }
            untilRestart--;
        }
        // After the last MCU only the padding bits of the last byte may be left before the marker.
        count -= count & 7;
        int at = count != padding ? -1 : markerAt >= 0 ? markerAt : skipFill(b, pos, end);
        if (at < 0) {
            return scanFail("data left over after the last MCU");
        }
        int code = b[at + 1] & 0xFF;
        if (code >= 0xD0 && code <= 0xD7) {
            return scanFail("restart marker after the last MCU");
        }
        return at;
    }

    /** The block-start lookup for a block of these tables, made or remade when they changed. */
    private int[] startLookup(HuffmanDecodeTable dc, HuffmanDecodeTable ac) {
        int slot = 0;
        while (huffman[slot] != dc) {
            slot++;
        }
        int s = slot * 4;
        while (huffman[4 + (s & 3)] != ac) {
            s++;
        }
        int[] lookup = startLookup[s];
        if (lookup == null) {
            lookup = new int[1 << HuffmanDecodeTable.WIDTH];
            startLookup[s] = lookup;
        } else if (startDcVersion[s] == dc.version() && startAcVersion[s] == ac.version()) {
            return lookup;
        }
        HuffmanDecodeTable.blockStart(lookup, dc, ac);
        startDcVersion[s] = dc.version();
        startAcVersion[s] = ac.version();
        return lookup;
    }

    /**
     * Decodes the blocks of one MCU; false with {@link #scanFailure} set when they are not valid.
     * The bit reader is in locals here (C1 keeps fields in memory) and in fields between MCUs (one
     * method for the whole scan would hold more values than C1 can keep in registers).
     */
    private boolean decodeMcu(int blocksInMcu) {
        // As few locals as the loop needs: C1 keeps the rest on the stack
        final byte[] b = data;
        long bits = this.bits;
        int count = this.count;
        int p = pos;
        for (int block = 0; block < blocksInMcu; block++) {
            // One loop for the DC symbol and the AC ones: after the first step it reads the AC table.
            int[] lookup = blockStart[block];
            final int[] acLookup = blockAc[block].lookup;
            int k = 0; // coefficients passed: the DC difference moves it to 1
            do {
                if (count < 32) {
                    // Fill to at least 32 bits (a step uses at most 27): four plain bytes at once, or
                    // byte by byte where an FF is near. The frame ends with FF D9, so no read passes it.
                    int c0;
                    int c1;
                    int c2;
                    int c3;
                    if ((c0 = b[p]) != -1 && (c1 = b[p + 1]) != -1 && (c2 = b[p + 2]) != -1 && (c3 = b[p + 3]) != -1) {
                        bits |= ((long) ((c0 & 0xFF) << 24 | (c1 & 0xFF) << 16 | (c2 & 0xFF) << 8 | (c3 & 0xFF)) & 0xFFFF_FFFFL)
                                << (32 - count);
                        count += 32;
                        p += 4;
                    } else {
                        do {
                            int c = b[p];
                            if (c == -1) {
                                // Stuffed FF00 is an FF of data; fill bytes lead to a marker, past which zeros are fed
                                if (markerAt < 0) {
                                    int q = p + 1;
                                    int end = dataEnd;
                                    while (q < end && b[q] == -1) {
                                        q++; // fill bytes
                                    }
                                    if (q < end && b[q] == 0) {
                                        p = q; // the 00, passed below
                                    } else {
                                        markerAt = q - 1;
                                    }
                                }
                                if (markerAt >= 0) {
                                    padding += 8;
                                    count += 8;
                                    continue;
                                }
                            }
                            bits |= (long) (c & 0xFF) << (56 - count);
                            count += 8;
                            p++;
                        } while (count <= 56);
                    }
                }
                int entry = lookup[(int) (bits >>> HuffmanDecodeTable.SHIFT)];
                if (entry <= 0) {
                    // A code longer than the table's width (its sub-table), or none
                    entry = (k == 0 ? blockDc[block] : blockAc[block]).longStep(entry, bits);
                    if (entry == 0) {
                        scanFail("undefined Huffman code");
                        return false;
                    }
                }
                if (k + (entry >>> 26) > 64) {
                    entry >>>= 13; // the chain would pass the end of the block: its first symbol only
                }
                int used = entry & 31; // codes plus value bits, skipped unread
                bits <<= used;
                count -= used;
                k += (entry >>> 5) & 0xFF;
                lookup = acLookup;
            } while (k < 64);
            if (k > 64 && k < HuffmanDecodeTable.EOB) {
                scanFail("more than 64 coefficients in a block");
                return false;
            }
        }
        if (count < padding) {
            scanFail("data ends before the last MCU");
            return false;
        }
        this.bits = bits;
        this.count = count;
        pos = p;
        return true;
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
