package org.pistream.core.jpeg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

class HuffmanTablesTest {

    /** The tables of all DHT segments before the scan, concatenated. */
    private static byte[] dhtPayload(byte[] jpeg) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 2;
        while ((jpeg[i + 1] & 0xFF) != 0xDA) {
            int length = ((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF);
            if ((jpeg[i + 1] & 0xFF) == 0xC4) {
                out.write(jpeg, i + 4, length - 2);
            }
            i += 2 + length;
        }
        return out.toByteArray();
    }

    private static int[] pixels(byte[] jpeg) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        assertNotNull(image, "decodes");
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    @Test
    void framesWithoutTablesGetTheStandardOnesAndDecodeIdentically() throws IOException {
        byte[] original = TestJpegs.noise(64, 48, 7);
        byte[] stripped = TestJpegs.withoutHuffmanTables(original);
        assertEquals(0, dhtPayload(stripped).length);
        byte[] fixed = HuffmanTables.insertIfMissing(stripped, 0, stripped.length);
        assertNotNull(fixed);
        assertArrayEquals(pixels(original), pixels(fixed));
        assertEquals(stripped.length + 420, fixed.length, "one DHT segment of 420 bytes");
        // The JDK writes the standard tables: ours must be the same bytes (a wrong table would also
        // garble the pixels above, because a decoder uses tables that are present).
        assertArrayEquals(dhtPayload(original), dhtPayload(fixed));
    }

    @Test
    void framesWithTablesAreLeftAlone() {
        byte[] original = TestJpegs.noise(32, 32, 3);
        assertNull(HuffmanTables.insertIfMissing(original, 0, original.length));
    }

    @Test
    void worksAtAnOffset() throws IOException {
        byte[] stripped = TestJpegs.withoutHuffmanTables(TestJpegs.noise(16, 16, 1));
        byte[] padded = new byte[stripped.length + 10];
        System.arraycopy(stripped, 0, padded, 5, stripped.length);
        byte[] fixed = HuffmanTables.insertIfMissing(padded, 5, stripped.length);
        assertNotNull(fixed);
        pixels(fixed);
    }
}
