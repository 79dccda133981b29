package org.pistream.core.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.pistream.core.jpeg.DropReason;
import org.pistream.core.jpeg.SplitterCounters;
import org.pistream.core.jpeg.TestJpegs;

class MultipartReaderTest {
    private final byte[] a = TestJpegs.noise(16, 16, 1);
    private final byte[] b = TestJpegs.noise(16, 16, 2);
    private final SplitterCounters counters = new SplitterCounters();

    private static byte[] bytes(Object... pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object piece : pieces) {
            out.writeBytes(piece instanceof String text ? text.getBytes(StandardCharsets.ISO_8859_1) : (byte[]) piece);
        }
        return out.toByteArray();
    }

    private List<byte[]> read(String contentType, byte[] body, int maxFrame, List<Long> stamps) throws IOException {
        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(body), MultipartReader.boundary(contentType),
                maxFrame, counters);
        List<byte[]> parts = new ArrayList<>();
        while (reader.next()) {
            parts.add(Arrays.copyOf(reader.frame(), reader.frameLength()));
            stamps.add(reader.captureMicros());
        }
        return parts;
    }

    @Test
    void piStreamPartsWithLengthAndTimestamp() throws IOException {
        byte[] body = bytes("--pistreamframe\r\n",
                "Content-Type: image/jpeg\r\nContent-Length: " + a.length + "\r\nX-Timestamp: 1732406400.123456\r\n\r\n", a,
                "\r\n--pistreamframe\r\n",
                "Content-Type: image/jpeg\r\nContent-Length: " + b.length + "\r\n\r\n", b,
                "\r\n--pistreamframe\r\n--pistreamframe--\r\n");
        List<Long> stamps = new ArrayList<>();
        List<byte[]> parts = read("multipart/x-mixed-replace;boundary=pistreamframe", body, 1 << 20, stamps);
        assertEquals(2, parts.size());
        assertArrayEquals(a, parts.get(0));
        assertArrayEquals(b, parts.get(1));
        assertEquals(List.of(1_732_406_400_123_456L, -1L), stamps);
    }

    @Test
    void quotedDashedBoundaryWithoutLengthsIsFoundByScanning() throws IOException {
        // mjpg-streamer style: the boundary line before each part, LF line ends, a dashed and quoted parameter.
        byte[] body = bytes("\n----myboundary\nContent-Type: image/jpeg\n\n", a, "\n----myboundary\n",
                "Content-Type: image/jpeg\n\n", b, "\n----myboundary--\n");
        List<byte[]> parts = read("multipart/x-mixed-replace; boundary=\"--myboundary\"", body, 1 << 20, new ArrayList<>());
        assertEquals(2, parts.size());
        assertArrayEquals(a, parts.get(0));
        assertArrayEquals(b, parts.get(1));
    }

    @Test
    void boundaryBeforeEachPartAndTheParameterAsTheWholeLine() throws IOException {
        byte[] body = bytes("--frame\r\nContent-Type: image/jpeg\r\nContent-Length: " + a.length + "\r\n\r\n", a,
                "\r\n--frame\r\nContent-Type: image/jpeg\r\n\r\n", b, "\r\n");
        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(body),
                MultipartReader.boundary("multipart/x-mixed-replace;boundary=--frame"), 1 << 20, counters);
        assertTrue(reader.next());
        assertArrayEquals(a, Arrays.copyOf(reader.frame(), reader.frameLength()));
        assertThrows(java.io.EOFException.class, reader::next, "the second part has no end: it is not a part");
        assertEquals(1, counters.dropped(DropReason.TRUNCATED), "and it is counted");
    }

    @Test
    void oversizePartsAreReadPastAndCountedBothWays() throws IOException {
        byte[] big = new byte[5000];
        byte[] body = bytes("--x\r\nContent-Length: 5000\r\n\r\n", big, "\r\n--x\r\n\r\n", big, "\r\n--x\r\n",
                "Content-Length: " + a.length + "\r\n\r\n", a, "\r\n--x--\r\n");
        List<byte[]> parts = read("multipart/x-mixed-replace;boundary=x", body, 4096, new ArrayList<>());
        assertEquals(1, parts.size());
        assertArrayEquals(a, parts.get(0));
        assertEquals(2, counters.dropped(DropReason.OVERSIZE));
    }

    @Test
    void otherContentTypesAreRefusedSayingWhatCame() {
        IOException e = assertThrows(IOException.class, () -> MultipartReader.boundary("text/html;charset=utf-8"));
        assertTrue(e.getMessage().contains("not an MJPEG stream (Content-Type: text/html;charset=utf-8)"), e.getMessage());
        assertThrows(IOException.class, () -> MultipartReader.boundary("multipart/x-mixed-replace"));
        assertThrows(IOException.class, () -> MultipartReader.boundary("multipart/x-mixed-replace;boundary=\"--\""));
        assertThrows(IOException.class, () -> MultipartReader.boundary(null));
    }

    @Test
    void garbageWithoutABoundaryEndsInAnErrorNotInMemory() {
        byte[] junk = new byte[100_000];
        Arrays.fill(junk, (byte) 'A');
        IOException e = assertThrows(IOException.class,
                () -> read("multipart/x-mixed-replace;boundary=x", bytes(junk), 1 << 20, new ArrayList<>()));
        assertTrue(e.getMessage().contains("line longer than"), e.getMessage());
    }

    @Test
    void timestampsParseToMicros() {
        assertEquals(1_732_406_400_123_456L, MultipartReader.micros("1732406400.123456"));
        assertEquals(1_732_406_400_500_000L, MultipartReader.micros("1732406400.5"));
        assertEquals(1_732_406_400_000_000L, MultipartReader.micros("1732406400"));
        assertEquals(-1, MultipartReader.micros("yesterday"));
        assertFalse(MultipartReader.micros("-5") >= 0);
    }
}
