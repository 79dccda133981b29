package org.pistream.core.jpeg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class FrameIntakeTest {

    private record Published(byte[] jpeg, int offset, int length, long captureMicros) {
        byte[] bytes() {
            return Arrays.copyOfRange(jpeg, offset, offset + length);
        }
    }

    private final List<Published> published = new ArrayList<>();
    private final FrameIntake intake = new FrameIntake((jpeg, offset, length, micros) ->
            published.add(new Published(jpeg, offset, length, micros)));

    @Test
    void aFrameWithHuffmanTablesIsPassedOnAsItCame() {
        byte[] jpeg = TestJpegs.noise(8, 8, 1);
        byte[] source = TestJpegs.concat(new byte[] {1, 2}, jpeg, new byte[] {3});
        intake.accept(source, 2, jpeg.length, 42);
        assertEquals(1, published.size());
        Published p = published.get(0);
        assertSame(source, p.jpeg(), "no copy: the broadcaster copies once");
        assertEquals(2, p.offset());
        assertEquals(jpeg.length, p.length());
        assertEquals(42, p.captureMicros());
    }

    @Test
    void aFrameWithoutHuffmanTablesGetsTheStandardOnesBeforeItIsPublished() {
        byte[] original = TestJpegs.noise(8, 8, 2);
        byte[] stripped = TestJpegs.withoutHuffmanTables(original);
        byte[] source = TestJpegs.concat(new byte[] {9, 9, 9}, stripped);
        intake.accept(source, 3, stripped.length, 7);
        assertEquals(1, published.size());
        Published p = published.get(0);
        assertNotSame(source, p.jpeg());
        assertArrayEquals(HuffmanTables.insertIfMissing(stripped, 0, stripped.length), p.bytes());
        assertTrue(JpegInfo.walkHeaders(p.jpeg(), p.offset(), p.length(), (marker, position) -> marker == 0xC4) >= 0,
                "the published frame has a DHT segment");
        assertEquals(7, p.captureMicros());
    }
}
