package org.pistream.core.jpeg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pistream.core.jpeg.TestJpegs.bytes;
import static org.pistream.core.jpeg.TestJpegs.concat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

class JpegFrameSplitterTest {
    private static final int MAX = 1 << 20;

    /** Keeps a copy of every emitted frame, as the Sink contract requires. */
    private static final class Collector implements JpegFrameSplitter.Sink {
        final List<byte[]> frames = new ArrayList<>();

        @Override
        public void onFrame(byte[] jpeg, int offset, int length) {
            frames.add(Arrays.copyOfRange(jpeg, offset, offset + length));
        }
    }

    private final Collector sink = new Collector();

    private JpegFrameSplitter splitter(int maxFrameBytes) {
        return new JpegFrameSplitter(maxFrameBytes, sink, new SplitterCounters());
    }

    private static void feed(JpegFrameSplitter splitter, byte[] data) {
        splitter.feed(data, 0, data.length);
    }

    private static void assertFrames(List<byte[]> expected, List<byte[]> actual) {
        assertEquals(expected.size(), actual.size(), "number of frames");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "frame " + i);
        }
    }

    /** A synthetic frame: SOI, a DQT-shaped segment, an SOS header, then {@code scan}, then EOI. */
    private static byte[] syntheticFrame(byte[] scan) {
        byte[] head = bytes(
                0xFF, 0xD8,
                0xFF, 0xDB, 0x00, 0x06, 0x00, 0x10, 0x20, 0x30,
                0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00);
        return concat(head, scan, bytes(0xFF, 0xD9));
    }

    /** Random bytes, with 0xFF bytes, FF00 pairs and FFFF runs, that contain no start marker. */
    private static byte[] garbage(int length, long seed) {
        Random random = new Random(seed);
        byte[] g = new byte[length];
        random.nextBytes(g);
        for (int i = 0; i < length; i += 7) {
            g[i] = (byte) 0xFF;
        }
        if (length > 20) {
            g[10] = (byte) 0xFF;
            g[11] = 0x00;
            g[15] = (byte) 0xFF;
            g[16] = (byte) 0xFF;
            g[17] = (byte) 0xFF;
        }
        // FF (FF)* D8 would start a frame: break any such sequence.
        for (int i = 1; i < length; i++) {
            if ((g[i] & 0xFF) == 0xD8 && (g[i - 1] & 0xFF) == 0xFF) {
                g[i] = 0x42;
            }
        }
        return g;
    }

    /** A real JPEG cut in the middle of its entropy-coded data. */
    private static byte[] cutMidScan(byte[] jpeg) {
        int scan = TestJpegs.scanStart(jpeg);
        int cut = scan + (jpeg.length - 2 - scan) / 2;
        assertTrue(cut > scan && cut < jpeg.length - 2);
        return Arrays.copyOf(jpeg, cut);
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    void singleFrameIsEmittedByteIdentical() {
        byte[] jpeg = TestJpegs.noise(40, 30, 1);
        JpegFrameSplitter splitter = splitter(MAX);
        feed(splitter, jpeg);

        assertFrames(List.of(jpeg), sink.frames);
        SplitterCounters c = splitter.counters();
        assertEquals(1, c.frames());
        assertEquals(jpeg.length, c.bytesIn());
        assertEquals(0, c.garbageBytes());
        assertEquals(0, c.droppedTotal());
    }

    @Test
    void frameIsEmittedAsSoonAsItsEndMarkerArrives() {
        byte[] jpeg = TestJpegs.noise(16, 16, 2);
        JpegFrameSplitter splitter = splitter(MAX);
        splitter.feed(jpeg, 0, jpeg.length - 1);
        assertEquals(0, sink.frames.size(), "no frame before the last byte of EOI");
        splitter.feed(jpeg, jpeg.length - 1, 1);
        assertFrames(List.of(jpeg), sink.frames);
    }

    @Test
    void exifThumbnailDoesNotCutFrame() {
        byte[] thumbnail = TestJpegs.noise(16, 12, 3);
        byte[] jpeg = TestJpegs.withExifThumbnail(TestJpegs.noise(64, 48, 4), thumbnail);
        byte[] next = TestJpegs.noise(16, 16, 5);
        // The thumbnail's own SOI and EOI sit inside the APP1 segment.
        assertTrue(TestJpegs.containsMarker(jpeg, 2, 2 + 4 + 6 + thumbnail.length, 0xD9));

        JpegFrameSplitter splitter = splitter(MAX);
        feed(splitter, concat(jpeg, next));

        assertFrames(List.of(jpeg, next), sink.frames);
        assertEquals(0, splitter.counters().droppedTotal());
        assertEquals(0, splitter.counters().garbageBytes());
    }

    @Test
    void garbageBetweenFramesIsSkippedAndCounted() {
        byte[] a = TestJpegs.noise(24, 24, 6);
        byte[] b = TestJpegs.noise(32, 16, 7);
        byte[] c = TestJpegs.noise(16, 32, 8);
        byte[] g1 = garbage(100, 1);
        byte[] g2 = garbage(257, 2);
        byte[] g3 = bytes(0xFF, 0x00, 0xFF, 0xFF, 0x00, 0xD8, 0xD9, 0xFF); // ends with a lone FF before SOI
        byte[] g4 = garbage(33, 3);
        byte[] stream = concat(g1, a, g2, b, g3, c, g4);

        JpegFrameSplitter splitter = splitter(MAX);
        feed(splitter, stream);
        splitter.endOfStream();

        assertFrames(List.of(a, b, c), sink.frames);
        SplitterCounters counters = splitter.counters();
        assertEquals(3, counters.frames());
        assertEquals(g1.length + g2.length + g3.length + g4.length, counters.garbageBytes());
        assertEquals(0, counters.droppedTotal());
        assertEquals(stream.length, counters.bytesIn());
    }

    @Test
    void paddingAfterEndMarkerIsGarbage() {
        byte[] a = TestJpegs.noise(16, 16, 9);
        byte[] b = TestJpegs.noise(16, 16, 10);
        byte[] ffPadding = new byte[64];
        Arrays.fill(ffPadding, (byte) 0xFF);
        byte[] zeroPadding = new byte[64];

        JpegFrameSplitter splitter = splitter(MAX);
        feed(splitter, concat(a, ffPadding, b, zeroPadding, a));

        assertFrames(List.of(a, b, a), sink.frames);
        assertEquals(128, splitter.counters().garbageBytes());
    }

    @Test
    void truncatedFrameFollowedByNextFrameIsDroppedAndNextFrameIntact() {
        byte[] good1 = TestJpegs.noise(24, 24, 11);
        byte[] cut = cutMidScan(TestJpegs.noise(48, 48, 12));
        byte[] good2 = TestJpegs.noise(24, 24, 13);

        JpegFrameSplitter splitter = splitter(MAX);
        feed(splitter, concat(good1, cut, good2));

        assertFrames(List.of(good1, good2), sink.frames);
        assertEquals(1, splitter.counters().dropped(DropReason.TRUNCATED));
        assertEquals(1, splitter.counters().droppedTotal());
        assertEquals(0, splitter.counters().garbageBytes());
    }

    @Test
    void truncatedFrameEndingInFillByteIsDroppedAndNextFrameIntact() {
        // The cut falls between FF and 00 of a stuffed byte: the next frame's FFD8 follows a lone FF.
        byte[] cut = concat(Arrays.copyOf(syntheticFrame(bytes(0x12, 0x34)), 22), bytes(0xFF));
        byte[] good = TestJpegs.noise(16, 16, 14);

        JpegFrameSplitter splitter = splitter(MAX);
        feed(splitter, concat(cut, good));

        assertFrames(List.of(good), sink.frames);
        assertEquals(1, splitter.counters().dropped(DropReason.TRUNCATED));
    }

    @Test
    void truncatedFrameAtEndOfStreamIsDropped() {
        byte[] good = TestJpegs.noise(24, 24, 15);
        byte[] cut = cutMidScan(TestJpegs.noise(48, 48, 16));

        JpegFrameSplitter splitter = splitter(MAX);
        feed(splitter, concat(good, cut));
        assertEquals(0, splitter.counters().droppedTotal(), "not dropped before the stream ends");
        splitter.endOfStream();

        assertFrames(List.of(good), sink.frames);
        assertEquals(1, splitter.counters().dropped(DropReason.TRUNCATED));
        assertEquals(1, splitter.counters().droppedTotal());

        // The splitter is usable again after the end of a stream (the camera restarted).
        feed(splitter, good);
        assertFrames(List.of(good, good), sink.frames);
        assertEquals(1, splitter.counters().droppedTotal());
    }

    @Test
    void endOfStreamBetweenFramesDropsNothing() {
        byte[] good = TestJpegs.noise(16, 16, 17);
        JpegFrameSplitter splitter = splitter(MAX);
        feed(splitter, concat(good, garbage(10, 4)));
        splitter.endOfStream();
        assertEquals(0, splitter.counters().droppedTotal());
        assertEquals(1, splitter.counters().frames());
    }

    @Test
    void oversizeFrameIsDroppedAndFollowingFrameIntact() {
        int max = 2048;
        byte[] big = TestJpegs.noise(128, 128, 18);
        byte[] small = TestJpegs.noise(16, 16, 19);
        assertTrue(big.length > 3 * max, "test frame must be well over the limit: " + big.length);
        assertTrue(small.length < max);
        byte[] stream = concat(small, big, small);

        for (int chunk : new int[] {stream.length, 4096, 1000, 100, 7, 1}) {
            sink.frames.clear();
            JpegFrameSplitter splitter = splitter(max);
            for (int i = 0; i < stream.length; i += chunk) {
                splitter.feed(stream, i, Math.min(chunk, stream.length - i));
                assertTrue(splitter.bufferCapacity() <= max, "buffer " + splitter.bufferCapacity() + " with chunk " + chunk);
            }
            splitter.endOfStream();

            assertFrames(List.of(small, small), sink.frames);
            assertEquals(1, splitter.counters().dropped(DropReason.OVERSIZE), "chunk " + chunk);
            assertEquals(1, splitter.counters().droppedTotal(), "chunk " + chunk);
        }
    }

    @Test
    void frameOfExactlyMaxBytesIsEmitted() {
        byte[] jpeg = TestJpegs.noise(32, 32, 20);
        JpegFrameSplitter splitter = splitter(jpeg.length);
        feed(splitter, jpeg);
        assertFrames(List.of(jpeg), sink.frames);

        sink.frames.clear();
        JpegFrameSplitter tooSmall = splitter(jpeg.length - 1);
        feed(tooSmall, jpeg);
        assertEquals(0, sink.frames.size());
        assertEquals(1, tooSmall.counters().dropped(DropReason.OVERSIZE));
    }

    @Test
    void bufferNeverExceedsMaxForEndlessScan() {
        int max = 1_000_000; // deliberately not a power of two
        byte[] head = Arrays.copyOf(syntheticFrame(new byte[0]), 20); // SOI, DQT-like, SOS header
        byte[] scan = new byte[10 * 1024 * 1024];
        Random random = new Random(21);
        for (int i = 0; i < scan.length; i++) {
            scan[i] = (byte) random.nextInt(0xFF); // never FF on its own
        }
        for (int i = 0; i + 1 < scan.length; i += 1000) {
            scan[i] = (byte) 0xFF;
            scan[i + 1] = (i % 3000 == 0) ? (byte) 0xD3 : 0x00; // restart marker or stuffed byte
        }
        byte[] good = TestJpegs.noise(32, 32, 22);

        for (int chunk : new int[] {1000, 64 * 1024, 1024 * 1024, scan.length}) {
            sink.frames.clear();
            JpegFrameSplitter splitter = splitter(max);
            feed(splitter, head);
            for (int i = 0; i < scan.length; i += chunk) {
                splitter.feed(scan, i, Math.min(chunk, scan.length - i));
                assertTrue(splitter.bufferCapacity() <= max, "buffer " + splitter.bufferCapacity() + " with chunk " + chunk);
            }
            // Counted as soon as it crosses the limit, before it ends: stats show a runaway camera at once.
            assertEquals(1, splitter.counters().dropped(DropReason.OVERSIZE), "counted while still running, chunk " + chunk);
            feed(splitter, good);
            assertTrue(splitter.bufferCapacity() <= max);

            assertFrames(List.of(good), sink.frames);
            assertEquals(1, splitter.counters().dropped(DropReason.OVERSIZE), "chunk " + chunk);
            assertEquals(1, splitter.counters().droppedTotal(), "chunk " + chunk);
        }

        // The same endless frame cut by the end of the stream is still counted as oversize.
        JpegFrameSplitter splitter = splitter(max);
        feed(splitter, head);
        feed(splitter, scan);
        splitter.endOfStream();
        assertEquals(1, splitter.counters().dropped(DropReason.OVERSIZE));
        assertTrue(splitter.bufferCapacity() <= max);
    }

    @Test
    void restartMarkersAndStuffedBytesInScanAreData() {
        byte[] scan = bytes(
                0x12, 0x34, 0xFF, 0x00, 0x56,
                0xFF, 0xD3, 0x78, 0xD9, 0xD8,
                0xFF, 0xD0, 0xFF, 0x00, 0xFF, 0xD7,
                0xFF, 0xFF, 0xD1, // fill byte before a restart marker
                0x9A);
        byte[] frame = syntheticFrame(scan);
        byte[] good = TestJpegs.noise(16, 16, 23);

        for (int k = 0; k <= frame.length; k++) {
            sink.frames.clear();
            JpegFrameSplitter splitter = splitter(MAX);
            splitter.feed(frame, 0, k);
            splitter.feed(frame, k, frame.length - k);
            feed(splitter, good);
            assertFrames(List.of(frame, good), sink.frames);
            assertEquals(0, splitter.counters().droppedTotal(), "split at " + k);
        }
    }

    @Test
    void realJpegWithRestartIntervalIsEmittedWhole() throws IOException {
        byte[] jpeg = TestJpegs.noiseWithRestartInterval(64, 64, 24, 1);
        int scan = TestJpegs.scanStart(jpeg);
        assertTrue(TestJpegs.containsMarker(jpeg, 0, scan, 0xDD), "has a DRI segment");
        for (int rst = 0xD0; rst <= 0xD7; rst++) {
            assertTrue(TestJpegs.containsMarker(jpeg, scan, jpeg.length, rst), "scan contains RST" + (rst - 0xD0));
        }
        assertTrue(TestJpegs.containsMarker(jpeg, scan, jpeg.length, 0x00), "scan contains stuffed FF00");
        assertNotNull(ImageIO.read(new ByteArrayInputStream(jpeg)), "a decodable JPEG");

        JpegFrameSplitter splitter = splitter(MAX);
        feed(splitter, concat(jpeg, jpeg));
        assertFrames(List.of(jpeg, jpeg), sink.frames);
        assertEquals(0, splitter.counters().droppedTotal());
    }

    @Test
    void soiFollowedByNonMarkerIsMalformedAndSplitterResynchronises() {
        byte[] good = TestJpegs.noise(16, 16, 25);
        JpegFrameSplitter splitter = splitter(MAX);
        feed(splitter, concat(bytes(0xFF, 0xD8, 0x00, 0x11, 0x22), good));

        assertFrames(List.of(good), sink.frames);
        assertEquals(1, splitter.counters().dropped(DropReason.MALFORMED));
        assertEquals(1, splitter.counters().droppedTotal());
        assertEquals(3, splitter.counters().garbageBytes(), "bytes after the bad marker are skipped as garbage");
    }

    @Test
    void segmentLengthBelowTwoIsMalformed() {
        byte[] good = TestJpegs.noise(16, 16, 27);
        for (int length : new int[] {0, 1}) {
            sink.frames.clear();
            JpegFrameSplitter splitter = splitter(MAX);
            feed(splitter, concat(bytes(0xFF, 0xD8, 0xFF, 0xDB, 0x00, length, 0x33, 0x44), good));
            assertFrames(List.of(good), sink.frames);
            assertEquals(1, splitter.counters().dropped(DropReason.MALFORMED), "length " + length);
            assertEquals(1, splitter.counters().droppedTotal());
        }
    }

    @Test
    void markerCodeZeroOutsideScanIsMalformed() {
        byte[] good = TestJpegs.noise(16, 16, 28);
        JpegFrameSplitter splitter = splitter(MAX);
        feed(splitter, concat(bytes(0xFF, 0xD8, 0xFF, 0x00, 0x55), good));
        assertFrames(List.of(good), sink.frames);
        assertEquals(1, splitter.counters().dropped(DropReason.MALFORMED));
    }

    @Test
    void frameWithoutScanIsMalformed() {
        byte[] good = TestJpegs.noise(16, 16, 29);
        byte[] noScan = bytes(0xFF, 0xD8, 0xFF, 0xFE, 0x00, 0x04, 'h', 'i', 0xFF, 0xD9);
        byte[] empty = bytes(0xFF, 0xD8, 0xFF, 0xD9);
        JpegFrameSplitter splitter = splitter(MAX);
        feed(splitter, concat(noScan, good, empty, good));

        assertFrames(List.of(good, good), sink.frames);
        assertEquals(2, splitter.counters().dropped(DropReason.MALFORMED));
        assertEquals(2, splitter.counters().droppedTotal());
        assertEquals(0, splitter.counters().garbageBytes());
    }

    @Test
    void frameWithoutHuffmanTablesIsEmitted() {
        // Some cameras omit DHT; the splitter checks structure only.
        byte[] frame = syntheticFrame(bytes(0x01, 0x02, 0x03));
        JpegFrameSplitter splitter = splitter(MAX);
        feed(splitter, frame);
        assertFrames(List.of(frame), sink.frames);
    }

    @Test
    void everySplitPositionGivesTheSameFrames() {
        int max = 3000;
        byte[] a = TestJpegs.noise(16, 16, 30);
        byte[] exif = TestJpegs.withExifThumbnail(TestJpegs.noise(16, 8, 31), TestJpegs.noise(8, 8, 32));
        byte[] rst = TestJpegs.noiseWithRestartInterval(48, 32, 33, 1);
        byte[] synthetic = syntheticFrame(bytes(0x10, 0xFF, 0x00, 0xFF, 0xD5, 0x20, 0xFF, 0xFF, 0xD0, 0x30));
        byte[] oversize = TestJpegs.noise(80, 80, 34);
        byte[] tail = cutMidScan(TestJpegs.noise(16, 16, 35));
        assertTrue(oversize.length > max && a.length < max && exif.length < max && rst.length < max);

        byte[] stream = concat(
                garbage(40, 5), a, exif,
                garbage(30, 6), cutMidScan(TestJpegs.noise(16, 16, 36)), rst,
                bytes(0xFF, 0xD8, 0x00), synthetic,             // malformed, then resynchronise
                oversize, a,
                bytes(0xFF, 0xD8, 0xFF, 0xD9), exif,            // no scan
                tail);                                          // truncated by the end of the stream
        List<byte[]> expected = List.of(a, exif, rst, synthetic, a, exif);

        // Reference: the whole stream in one chunk.
        JpegFrameSplitter whole = splitter(max);
        feed(whole, stream);
        whole.endOfStream();
        assertFrames(expected, sink.frames);
        SplitterCounters ref = whole.counters();
        assertEquals(2, ref.dropped(DropReason.TRUNCATED));
        assertEquals(2, ref.dropped(DropReason.MALFORMED));
        assertEquals(1, ref.dropped(DropReason.OVERSIZE));
        assertEquals(40 + 30 + 1, ref.garbageBytes());

        for (int k = 0; k <= stream.length; k++) {
            sink.frames.clear();
            JpegFrameSplitter splitter = splitter(max);
            splitter.feed(stream, 0, k);
            splitter.feed(stream, k, stream.length - k);
            splitter.endOfStream();
            assertSameOutcome(expected, ref, splitter, "split at " + k);
        }

        sink.frames.clear();
        JpegFrameSplitter byteByByte = splitter(max);
        for (int i = 0; i < stream.length; i++) {
            byteByByte.feed(stream, i, 1);
        }
        byteByByte.endOfStream();
        assertSameOutcome(expected, ref, byteByByte, "one byte at a time");

        Random random = new Random(37);
        for (int round = 0; round < 200; round++) {
            sink.frames.clear();
            JpegFrameSplitter splitter = splitter(max);
            // Feed through offsets inside a larger array, to check the splitter honours offset.
            for (int i = 0; i < stream.length; ) {
                int n = Math.min(stream.length - i, 1 + random.nextInt(round % 2 == 0 ? 8 : 2000));
                byte[] chunk = new byte[n + 10];
                System.arraycopy(stream, i, chunk, 5, n);
                splitter.feed(chunk, 5, n);
                i += n;
            }
            splitter.endOfStream();
            assertSameOutcome(expected, ref, splitter, "random chunking round " + round);
        }
    }

    private void assertSameOutcome(List<byte[]> expected, SplitterCounters ref, JpegFrameSplitter splitter, String how) {
        assertEquals(expected.size(), sink.frames.size(), how + ": number of frames");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), sink.frames.get(i), how + ": frame " + i);
        }
        SplitterCounters c = splitter.counters();
        assertEquals(ref.frames(), c.frames(), how + ": frames");
        assertEquals(ref.bytesIn(), c.bytesIn(), how + ": bytesIn");
        assertEquals(ref.garbageBytes(), c.garbageBytes(), how + ": garbage");
        for (DropReason reason : DropReason.values()) {
            assertEquals(ref.dropped(reason), c.dropped(reason), how + ": " + reason.key());
        }
        assertTrue(splitter.bufferCapacity() <= 3000, how + ": buffer");
    }

    @Test
    void maxFrameBytesBelowMinimumIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new JpegFrameSplitter(127, sink, new SplitterCounters()));
    }
}
