package org.pistream.core.jpeg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pistream.core.jpeg.JpegVerdict.BAD_ENTROPY_DATA;
import static org.pistream.core.jpeg.JpegVerdict.BAD_FRAME_HEADER;
import static org.pistream.core.jpeg.JpegVerdict.BAD_HUFFMAN_TABLE;
import static org.pistream.core.jpeg.JpegVerdict.BAD_MARKERS;
import static org.pistream.core.jpeg.JpegVerdict.BAD_QUANT_TABLE;
import static org.pistream.core.jpeg.JpegVerdict.BAD_SCAN_HEADER;
import static org.pistream.core.jpeg.JpegVerdict.OK;
import static org.pistream.core.jpeg.JpegVerdict.TOO_LARGE;
import static org.pistream.core.jpeg.JpegVerdict.UNSUPPORTED;
import static org.pistream.core.jpeg.VerifierFrames.insert;
import static org.pistream.core.jpeg.VerifierFrames.resource;
import static org.pistream.core.jpeg.VerifierFrames.segment;
import static org.pistream.core.jpeg.VerifierFrames.table;
import static org.pistream.core.jpeg.VerifierFrames.tinyGray;
import static org.pistream.core.jpeg.VerifierFrames.with;
import static org.pistream.core.jpeg.VerifierFrames.without;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pistream.core.jpeg.JpegVerifier.Level;
import org.pistream.core.jpeg.VerifierFrames.Segment;
import org.pistream.core.jpeg.VerifierFrames.Subsampling;

class JpegVerifierTest {
    /** DC: category 0 is '0'. */
    private static final int[] DC = table(1, 0x00);
    /** AC: EOB '0', ZRL '10', run 15 size 1 '110', run 14 size 1 '1110'; '1111' is the reserved all-ones code. */
    private static final int[] AC = table(1, 0x00, 2, 0xF0, 3, 0xF1, 4, 0xE1);
    /** One block: DC '0', EOB '0', padded with ones. */
    private static final int EMPTY_BLOCK = 0x3F;

    private final JpegVerifier full = new JpegVerifier(Level.FULL);
    private final JpegVerifier headers = new JpegVerifier(Level.HEADERS);

    private JpegVerdict full(byte[] jpeg) {
        return full.verify(jpeg, 0, jpeg.length);
    }

    private JpegVerdict headers(byte[] jpeg) {
        return headers.verify(jpeg, 0, jpeg.length);
    }

    private void assertBoth(JpegVerdict expected, byte[] jpeg) {
        assertEquals(expected, headers(jpeg), () -> "headers: " + headers.detail());
        assertEquals(expected, full(jpeg), () -> "full: " + full.detail());
    }

    static Stream<String> realFrames() {
        return VerifierFrames.REAL.stream();
    }

    @ParameterizedTest
    @MethodSource("realFrames")
    void passesRealCameraFfmpegAndCjpegFrames(String name) {
        byte[] jpeg = resource(name);
        assertBoth(OK, jpeg);
        assertNull(full.detail());
    }

    static Stream<Arguments> jdkFrames() {
        int[][] sizes = {{1, 1}, {8, 8}, {9, 7}, {16, 16}, {17, 33}, {100, 75}, {640, 480}};
        return Arrays.stream(sizes).flatMap(size -> Arrays.stream(Subsampling.values()).flatMap(s ->
                Stream.of(0, 1, 3).map(ri -> Arguments.of(size[0], size[1], s, ri))));
    }

    @ParameterizedTest(name = "{0}x{1} {2} restart {3}")
    @MethodSource("jdkFrames")
    void passesJdkFramesOfEverySizeSubsamplingAndRestartInterval(int width, int height, Subsampling s, int restart) {
        byte[] jpeg = VerifierFrames.encode(width, height, s, restart, width * 31L + height);
        assertEquals(restart > 0, TestJpegs.containsMarker(jpeg, 0, jpeg.length, 0xDD), "DRI written as asked");
        assertBoth(OK, jpeg);
    }

    @Test
    void checksFrameInsideALargerBuffer() {
        byte[] jpeg = resource("rpicam-640x480-q50.jpg");
        byte[] padded = TestJpegs.concat(new byte[] {1, 2, 3}, jpeg, new byte[] {(byte) 0xFF, (byte) 0xD8});
        assertEquals(OK, full.verify(padded, 3, jpeg.length));
        assertEquals(OK, headers.verify(padded, 3, jpeg.length));
        assertThrows(IndexOutOfBoundsException.class, () -> full.verify(jpeg, 1, jpeg.length));
    }

    @Test
    void frameWithoutHuffmanTablesIsCheckedAgainstTheStandardOnes() {
        // Standard luminance tables: DC category 0 is '00', AC EOB is '1010'.
        assertBoth(OK, tinyGray(8, 8, null, null, 0, 0x2B));
        byte[] stripped = without(VerifierFrames.encode(64, 48, Subsampling.S420, 0, 1), 0xC4);
        assertBoth(OK, stripped);
        byte[] fixed = HuffmanTables.insertIfMissing(stripped, 0, stripped.length);
        assertBoth(OK, fixed);
        // ffmpeg's optimal tables are not the standard ones: without them the data does not decode
        byte[] optimal = without(resource("ffmpeg-testsrc2-320x240-420.jpg"), 0xC4);
        assertEquals(OK, headers(optimal));
        assertEquals(BAD_ENTROPY_DATA, full(optimal));
    }

    @Test
    void decodesBlocksEndingWithoutEobAndFillBytes() {
        // DC '0', ZRL x3 (k = 49), run 14 size 1 '1110' + value bit: the block ends at coefficient 63
        assertBoth(OK, tinyGray(8, 8, DC, AC, 0, 0x55, 0xDF));
        // fill bytes before EOI
        assertBoth(OK, tinyGray(8, 8, DC, AC, 0, EMPTY_BLOCK, 0xFF, 0xFF));
        assertBoth(OK, tinyGray(16, 8, DC, AC, 1, EMPTY_BLOCK, 0xFF, 0xFF, 0xD0, EMPTY_BLOCK));
    }

    // ---- bad markers ----

    @Test
    void rejectsBrokenMarkerStructure() {
        byte[] jpeg = resource("rpicam-640x480-q50.jpg");
        assertBoth(BAD_MARKERS, Arrays.copyOfRange(jpeg, 2, jpeg.length));
        assertBoth(BAD_MARKERS, Arrays.copyOf(jpeg, jpeg.length - 1));
        assertBoth(BAD_MARKERS, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9});
        Segment dqt = segment(jpeg, 0xDB);
        assertBoth(BAD_MARKERS, with(jpeg, dqt.start() + 2, 0x7F)); // length far past the end
        assertBoth(BAD_MARKERS, with(jpeg, dqt.start() + 1, 0x02)); // reserved marker code
        assertBoth(BAD_MARKERS, with(jpeg, dqt.start(), 0x00)); // no marker where one must be
        assertBoth(BAD_MARKERS, without(jpeg, 0xC0)); // no SOF before SOS
        byte[] rstOutside = insert(jpeg, dqt.start(), TestJpegs.bytes(0xFF, 0xD3));
        assertBoth(BAD_MARKERS, rstOutside);
        byte[] badDri = insert(jpeg, dqt.start(), TestJpegs.bytes(0xFF, 0xDD, 0x00, 0x05, 0x00, 0x01, 0x00));
        assertBoth(BAD_MARKERS, badDri);
        byte[] eoiEarly = insert(jpeg, dqt.start(), TestJpegs.bytes(0xFF, 0xD9));
        assertBoth(BAD_MARKERS, eoiEarly);
        byte[] comAndApp = insert(jpeg, dqt.start(), TestJpegs.bytes(0xFF, 0xFE, 0x00, 0x03, 0x41, 0xFF, 0xEF, 0x00, 0x02));
        assertBoth(OK, comAndApp);
    }

    // ---- Huffman tables ----

    @Test
    void rejectsOverSubscribedHuffmanTable() {
        byte[] jpeg = resource("rpicam-640x480-q50.jpg");
        Segment dht = segment(jpeg, 0xC4);
        int counts = dht.start() + 5; // DC table 0: 0 1 5 1 1 1 ...
        assertEquals(5, jpeg[counts + 2]);
        byte[] bad = with(with(jpeg, counts + 1, 4), counts + 2, 2); // four 2-bit codes fill the code space
        assertBoth(BAD_HUFFMAN_TABLE, bad);
        assertDjpegAgrees(bad);
        // the same table with the reserved all-ones code
        assertEquals(BAD_HUFFMAN_TABLE, full(tinyGray(8, 8, table(1, 0x00, 1, 0x01), AC, 0, EMPTY_BLOCK)));
    }

    @Test
    void rejectsImpossibleHuffmanTables() {
        assertBoth(BAD_HUFFMAN_TABLE, tinyGray(8, 8, table(1, 12), AC, 0, EMPTY_BLOCK)); // DC category 12
        assertBoth(BAD_HUFFMAN_TABLE, tinyGray(8, 8, DC, table(1, 0x00, 2, 0x0B), 0, EMPTY_BLOCK)); // AC size 11
        assertBoth(BAD_HUFFMAN_TABLE, tinyGray(8, 8, DC, table(1, 0x00, 2, 0x20), 0, EMPTY_BLOCK)); // run 2 size 0
        assertBoth(BAD_HUFFMAN_TABLE, tinyGray(8, 8, new int[16], AC, 0, EMPTY_BLOCK)); // no codes
        byte[] jpeg = resource("rpicam-640x480-q50.jpg");
        Segment dht = segment(jpeg, 0xC4);
        assertBoth(BAD_HUFFMAN_TABLE, with(jpeg, dht.start() + 4, 0x20)); // class 2
        assertBoth(BAD_HUFFMAN_TABLE, with(jpeg, dht.start() + 4, 0x04)); // id 4
        assertBoth(BAD_HUFFMAN_TABLE, with(jpeg, dht.start() + 5 + 15, 1)); // one more symbol than the segment has
    }

    // ---- quantisation tables ----

    @Test
    void rejectsMissingOrBadQuantTables() {
        byte[] jpeg = resource("rpicam-640x480-q50.jpg");
        assertBoth(BAD_QUANT_TABLE, without(jpeg, 0xDB));
        Segment dqt = segment(jpeg, 0xDB);
        assertBoth(BAD_QUANT_TABLE, with(jpeg, dqt.start() + 4, 0x20)); // precision 2
        assertBoth(BAD_QUANT_TABLE, with(jpeg, dqt.start() + 4, 0x05)); // id 5
        assertBoth(BAD_QUANT_TABLE, with(jpeg, dqt.start() + 10, 0)); // a zero step
        Segment sof = segment(jpeg, 0xC0);
        assertBoth(BAD_QUANT_TABLE, with(jpeg, sof.start() + 12, 2)); // luma uses table 2, never defined
        assertDjpegAgrees(with(jpeg, sof.start() + 12, 2));
    }

    // ---- frame header ----

    @Test
    void rejectsInconsistentFrameHeader() {
        byte[] jpeg = resource("rpicam-640x480-q50.jpg");
        int sof = segment(jpeg, 0xC0).start();
        // SOF: FF C0 len(2) P Y(2) X(2) Nf, then id HV Tq per component at sof+10
        assertBoth(BAD_FRAME_HEADER, with(jpeg, sof + 13, 1)); // Cb gets the luma's id
        assertBoth(BAD_FRAME_HEADER, with(jpeg, sof + 11, 0x02)); // H = 0
        assertBoth(BAD_FRAME_HEADER, with(jpeg, sof + 11, 0x52)); // H = 5
        assertBoth(BAD_FRAME_HEADER, with(with(jpeg, sof + 11, 0x32), sof + 14, 0x21)); // H 3 and 2: not integral
        assertBoth(BAD_FRAME_HEADER, with(with(jpeg, sof + 7, 0), sof + 8, 0)); // width 0
        assertBoth(BAD_FRAME_HEADER, with(jpeg, sof + 9, 2)); // two components in a segment sized for three
        assertBoth(BAD_FRAME_HEADER, with(jpeg, sof + 12, 4)); // quant table id 4
        byte[] twoSof = insert(jpeg, sof, Arrays.copyOfRange(jpeg, sof, segment(jpeg, 0xC0).end()));
        assertBoth(BAD_FRAME_HEADER, twoSof);
    }

    @Test
    void rejectsFramesAboveTheLimits() {
        byte[] jpeg = resource("rpicam-640x480-q50.jpg");
        assertEquals(TOO_LARGE, new JpegVerifier(Level.HEADERS, 639, 480).verify(jpeg, 0, jpeg.length));
        assertEquals(TOO_LARGE, new JpegVerifier(Level.FULL, 640, 479).verify(jpeg, 0, jpeg.length));
        assertEquals(OK, new JpegVerifier(Level.FULL, 640, 480).verify(jpeg, 0, jpeg.length));
        assertThrows(IllegalArgumentException.class, () -> new JpegVerifier(Level.FULL, 0, 480));
    }

    @Test
    void rejectsWhatBrowsersDoNotShow() {
        assertBoth(UNSUPPORTED, resource("cjpeg-100x75-progressive.jpg"));
        assertBoth(UNSUPPORTED, resource("cjpeg-100x75-arithmetic.jpg"));
        byte[] jpeg = resource("rpicam-640x480-q50.jpg");
        int sof = segment(jpeg, 0xC0).start();
        assertBoth(UNSUPPORTED, with(jpeg, sof + 4, 12)); // 12-bit samples
        assertBoth(UNSUPPORTED, with(with(jpeg, sof + 5, 0), sof + 6, 0)); // height from DNL
        assertBoth(UNSUPPORTED, with(jpeg, sof + 1, 0xC3)); // lossless
    }

    // ---- scan header ----

    @Test
    void rejectsScanHeaderThatDoesNotMatchTheFrame() {
        byte[] jpeg = resource("rpicam-640x480-q50.jpg");
        int sos = segment(jpeg, 0xDA).start();
        // SOS: FF DA len(2) Ns, then id Td/Ta per component at sos+5, then Ss Se AhAl
        assertBoth(BAD_SCAN_HEADER, with(jpeg, sos + 5, 9)); // component id mismatch
        assertDjpegAgrees(with(jpeg, sos + 5, 9));
        assertBoth(BAD_SCAN_HEADER, with(jpeg, sos + 6, 0x20)); // DC table 2: undefined
        assertBoth(BAD_SCAN_HEADER, with(jpeg, sos + 8, 0x02)); // AC table 2 for Cb: undefined
        assertBoth(BAD_SCAN_HEADER, with(jpeg, sos + 7, 1)); // luma twice
        assertBoth(BAD_SCAN_HEADER, with(jpeg, sos + 12, 0x10)); // Se = 16
        assertBoth(BAD_SCAN_HEADER, with(jpeg, sos + 13, 0x01)); // Al = 1
        assertBoth(BAD_SCAN_HEADER, with(jpeg, sos + 4, 4)); // four components in a segment sized for three
        byte[] swapped = with(with(jpeg, sos + 5, 2), sos + 7, 1); // Cb before luma
        assertBoth(BAD_SCAN_HEADER, swapped);
    }

    @Test
    void rejectsComponentLeftWithoutScan() {
        byte[] jpeg = resource("cjpeg-100x75-three-scans.jpg");
        assertBoth(OK, jpeg);
        int lastSos = -1;
        for (int i = 0; i + 1 < jpeg.length; i++) {
            if (jpeg[i] == (byte) 0xFF && jpeg[i + 1] == (byte) 0xDA) {
                lastSos = i;
            }
        }
        byte[] twoScans = TestJpegs.concat(Arrays.copyOf(jpeg, lastSos), TestJpegs.bytes(0xFF, 0xD9));
        assertBoth(BAD_SCAN_HEADER, twoScans);
    }

    @Test
    void rejectsMcuWithMoreThanTenBlocks() {
        byte[] jpeg = resource("rpicam-640x480-q50.jpg");
        int sof = segment(jpeg, 0xC0).start();
        byte[] big = with(with(with(jpeg, sof + 11, 0x44), sof + 14, 0x22), sof + 17, 0x22); // 16 + 4 + 4 blocks
        assertEquals(BAD_SCAN_HEADER, headers(big));
    }

    // ---- entropy-coded data ----

    @Test
    void rejectsUndefinedCodeAndBlockOverflow() {
        assertBoth(OK, tinyGray(8, 8, DC, AC, 0, EMPTY_BLOCK));
        assertEquals(BAD_ENTROPY_DATA, full(tinyGray(8, 8, DC, AC, 0, 0x7F))); // '1111' is no AC code
        assertEquals("undefined Huffman code", full.detail());
        assertEquals(BAD_ENTROPY_DATA, full(tinyGray(8, 8, DC, AC, 0, 0x55, 0xBF))); // run 15 at k = 49
        assertEquals("more than 64 coefficients in a block", full.detail());
        assertEquals(BAD_ENTROPY_DATA, full(tinyGray(8, 8, DC, AC, 0, 0x55, 0x7F))); // four ZRL
        assertEquals("more than 64 coefficients in a block", full.detail());
        assertEquals(OK, headers(tinyGray(8, 8, DC, AC, 0, 0x55, 0x7F)), "headers do not read the data");
    }

    @Test
    void rejectsDataThatEndsEarlyOrGoesOn() {
        // 0x00 holds four empty blocks ('0' '0' each); a 40x8 frame needs five
        assertEquals(OK, full(tinyGray(32, 8, DC, AC, 0, 0x00)));
        assertEquals(BAD_ENTROPY_DATA, full(tinyGray(40, 8, DC, AC, 0, 0x00)));
        assertEquals("data ends before the last MCU", full.detail());
        assertEquals(BAD_ENTROPY_DATA, full(tinyGray(8, 8, DC, AC, 0, EMPTY_BLOCK, EMPTY_BLOCK)));
        assertEquals("data left over after the last MCU", full.detail());
        byte[] jpeg = resource("rpicam-640x480-q50.jpg");
        int scan = TestJpegs.scanStart(jpeg);
        byte[] truncated = TestJpegs.concat(Arrays.copyOf(jpeg, scan + (jpeg.length - scan) / 2), TestJpegs.bytes(0xFF, 0xD9));
        assertEquals(OK, headers(truncated), "headers do not read the data");
        assertEquals(BAD_ENTROPY_DATA, full(truncated));
        assertDjpegAgrees(truncated);
    }

    @Test
    void checksRestartMarkers() {
        assertEquals(OK, full(tinyGray(16, 8, DC, AC, 1, EMPTY_BLOCK, 0xFF, 0xD0, EMPTY_BLOCK)));
        assertEquals(OK, full(tinyGray(8, 80, DC, AC, 1, EMPTY_BLOCK, 0xFF, 0xD0, EMPTY_BLOCK, 0xFF, 0xD1, EMPTY_BLOCK,
                0xFF, 0xD2, EMPTY_BLOCK, 0xFF, 0xD3, EMPTY_BLOCK, 0xFF, 0xD4, EMPTY_BLOCK, 0xFF, 0xD5, EMPTY_BLOCK,
                0xFF, 0xD6, EMPTY_BLOCK, 0xFF, 0xD7, EMPTY_BLOCK, 0xFF, 0xD0, EMPTY_BLOCK)), "RST7 wraps to RST0");
        assertEquals(BAD_ENTROPY_DATA, full(tinyGray(16, 8, DC, AC, 1, EMPTY_BLOCK, 0xFF, 0xD1, EMPTY_BLOCK)));
        assertEquals("restart marker missing or out of order", full.detail());
        assertEquals(BAD_ENTROPY_DATA, full(tinyGray(16, 8, DC, AC, 1, EMPTY_BLOCK, EMPTY_BLOCK)));
        assertEquals(BAD_ENTROPY_DATA, full(tinyGray(16, 8, DC, AC, 1, EMPTY_BLOCK, 0xFF, 0xD0, EMPTY_BLOCK, 0xFF, 0xD1)));
        assertEquals("restart marker after the last MCU", full.detail());
        assertEquals(BAD_ENTROPY_DATA, full(tinyGray(16, 8, DC, AC, 0, EMPTY_BLOCK, 0xFF, 0xD0, EMPTY_BLOCK)),
                "RST without DRI");

        byte[] jpeg = resource("cjpeg-100x75-restart2.jpg");
        int scan = TestJpegs.scanStart(jpeg);
        int rst1 = indexOf(jpeg, scan, 0xFF, 0xD1);
        assertEquals(OK, full(jpeg));
        assertEquals(BAD_ENTROPY_DATA, full(with(jpeg, rst1 + 1, 0xD2)));
        byte[] noRst1 = TestJpegs.concat(Arrays.copyOf(jpeg, rst1), Arrays.copyOfRange(jpeg, rst1 + 2, jpeg.length));
        assertEquals(BAD_ENTROPY_DATA, full(noRst1));
        assertDjpegAgrees(noRst1);
    }

    @Test
    void bitFlipsInScanDataAreMostlyCaught() {
        byte[] jpeg = resource("rpicam-640x480-q50.jpg");
        int scan = TestJpegs.scanStart(jpeg);
        java.util.Random random = new java.util.Random(17);
        int rejected = 0;
        int flips = 200;
        for (int n = 0; n < flips; n++) {
            int at = scan + random.nextInt(jpeg.length - 2 - scan);
            byte[] bad = with(jpeg, at, jpeg[at] ^ (1 << random.nextInt(8)));
            if (full(bad) != OK) {
                rejected++;
                assertNotEquals(null, full.detail());
            } else {
                assertTrue(VerifierFrames.jdkDecodes(bad), "flip at " + at + " passed but the JDK cannot decode it");
            }
            assertEquals(OK, headers(bad), "the headers are intact");
        }
        assertTrue(rejected > flips / 2, "only " + rejected + " of " + flips + " single-bit flips rejected");
    }

    @Test
    void verifyingAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        byte[] jpeg = resource("ffmpeg-testsrc2-320x240-420.jpg");
        byte[] bad = with(jpeg, segment(jpeg, 0xC4).start() + 6, 9);
        for (int i = 0; i < 2000; i++) {
            full(jpeg);
            full(bad);
            headers(jpeg);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1000; i++) {
            full(jpeg);
            full(bad);
            headers(jpeg);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 1000, "allocated " + allocated + " bytes for 3000 frames");
    }

    @Test
    void levelsParseFromTheirKeys() {
        assertEquals(Level.FULL, Level.parse("full"));
        assertEquals(Level.HEADERS, Level.parse(" Headers "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Level.parse("all"));
        assertEquals("verify level must be headers or full, was: all", e.getMessage());
        assertEquals("bad_huffman_table", BAD_HUFFMAN_TABLE.key());
        assertEquals("JpegVerifier{full max=8192x8192}", full.toString());
    }

    /** Where djpeg is installed, it must reject (or warn about) what the verifier rejects. */
    private static void assertDjpegAgrees(byte[] rejected) {
        Path djpeg = Djpeg.find();
        if (djpeg != null) {
            assertNotEquals(0, Djpeg.exitCode(djpeg, rejected), "djpeg decodes cleanly what the verifier rejects");
        }
    }

    private static int indexOf(byte[] data, int from, int first, int second) {
        for (int i = from; i + 1 < data.length; i++) {
            if (data[i] == (byte) first && data[i + 1] == (byte) second) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
