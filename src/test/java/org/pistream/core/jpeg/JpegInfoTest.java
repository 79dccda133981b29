package org.pistream.core.jpeg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class JpegInfoTest {

    @Test
    void dimensionsAreWidthAndHeightOfEncodedJpeg() {
        byte[] jpeg = TestJpegs.noise(37, 21, 1);
        assertArrayEquals(new int[] {37, 21}, JpegInfo.dimensions(jpeg, 0, jpeg.length));
    }

    @Test
    void dimensionsReadAtAnOffsetInsideALargerArray() {
        byte[] jpeg = TestJpegs.noise(64, 48, 2);
        byte[] padded = TestJpegs.concat(new byte[] {1, 2, 3, 4, 5}, jpeg, new byte[] {9, 9});
        assertArrayEquals(new int[] {64, 48}, JpegInfo.dimensions(padded, 5, jpeg.length));
    }

    @Test
    void dimensionsComeFromTheImageNotFromItsExifThumbnail() {
        byte[] thumbnail = TestJpegs.noise(8, 6, 3);
        byte[] jpeg = TestJpegs.withExifThumbnail(TestJpegs.noise(120, 90, 4), thumbnail);
        assertArrayEquals(new int[] {120, 90}, JpegInfo.dimensions(jpeg, 0, jpeg.length));
    }

    @Test
    void dimensionsAreNullForGarbage() {
        byte[] garbage = "this is certainly not a JPEG, just some text".getBytes(StandardCharsets.US_ASCII);
        assertNull(JpegInfo.dimensions(garbage, 0, garbage.length));
        assertNull(JpegInfo.dimensions(new byte[0], 0, 0));
        assertNull(JpegInfo.dimensions(new byte[] {(byte) 0xFF, (byte) 0xD8}, 0, 2));
    }

    @Test
    void dimensionsAreNullWhenHeadersEndBeforeStartOfFrame() {
        byte[] jpeg = TestJpegs.noise(32, 32, 5);
        // SOI + the JFIF APP0 segment only: the header stops before SOF0.
        int app0End = 4 + (((jpeg[4] & 0xFF) << 8) | (jpeg[5] & 0xFF));
        byte[] cut = Arrays.copyOf(jpeg, app0End);
        assertNull(JpegInfo.dimensions(cut, 0, cut.length));
    }

    @Test
    void dimensionsAreNullWhenScanComesBeforeAnyStartOfFrame() {
        byte[] noFrameHeader = TestJpegs.bytes(0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 0x11, 0xFF, 0xD9);
        assertNull(JpegInfo.dimensions(noFrameHeader, 0, noFrameHeader.length));
        // Headers end at the scan: an SOF-shaped segment after SOS is not read.
        byte[] sofAfterScan = TestJpegs.bytes(0xFF, 0xD8,
                0xFF, 0xDA, 0x00, 0x02,
                0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x10, 0x00, 0x20, 0x01, 0x01, 0x11, 0x00,
                0xFF, 0xD9);
        assertNull(JpegInfo.dimensions(sofAfterScan, 0, sofAfterScan.length));
    }
}
