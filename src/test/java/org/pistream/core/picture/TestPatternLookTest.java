package org.pistream.core.picture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.LocalTime;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.pistream.core.jpeg.JpegEncoder;

/** The test pattern's quality, rotation and flips, checked on the decoded pictures. */
class TestPatternLookTest {
    private static final LocalTime NOON = LocalTime.NOON;

    private static BufferedImage render(TestPattern.Look look) throws IOException {
        TestPattern pattern = new TestPattern(320, 240, look);
        try {
            JpegEncoder.Buffer jpeg = pattern.render(0, NOON);
            return ImageIO.read(new ByteArrayInputStream(jpeg.bytes(), 0, jpeg.size()));
        } finally {
            pattern.dispose();
        }
    }

    private static int size(TestPattern.Look look) {
        TestPattern pattern = new TestPattern(320, 240, look);
        try {
            return pattern.render(0, NOON).size();
        } finally {
            pattern.dispose();
        }
    }

    /** Near-equal colours: JPEG moves them a little. */
    private static void assertColour(int expected, int actual, String what) {
        for (int shift = 0; shift <= 16; shift += 8) {
            int e = (expected >> shift) & 0xff;
            int a = (actual >> shift) & 0xff;
            assertTrue(Math.abs(e - a) < 40, what + ": expected ~" + Integer.toHexString(expected & 0xffffff) + " got "
                    + Integer.toHexString(actual & 0xffffff));
        }
    }

    @Test
    void flipsAndRotationTurnThePicture() throws IOException {
        BufferedImage plain = render(TestPattern.Look.PLAIN);
        assertEquals(320, plain.getWidth());
        assertEquals(240, plain.getHeight());
        int topLeft = plain.getRGB(5, 5); // the first (grey) bar
        int topRight = plain.getRGB(314, 5); // the last (blue) bar
        assertColour(0xc0c0c0, topLeft, "plain top left is grey");
        assertColour(0x0000c0, topRight, "plain top right is blue");
        BufferedImage hflip = render(new TestPattern.Look(80, 0, true, false));
        assertColour(topRight, hflip.getRGB(5, 5), "hflip: top left is the last bar");
        assertColour(topLeft, hflip.getRGB(314, 5), "hflip: top right is the first bar");
        BufferedImage vflip = render(new TestPattern.Look(80, 0, false, true));
        assertColour(topLeft, vflip.getRGB(5, 234), "vflip: the bars are at the bottom");
        assertColour(0x000000, vflip.getRGB(5, 5) & 0xffffff, "vflip: the dark text band is on top");
        BufferedImage rotated = render(new TestPattern.Look(80, 180, false, false));
        assertColour(topLeft, rotated.getRGB(314, 234), "180: the first bar is bottom right");
        BufferedImage both = render(new TestPattern.Look(80, 180, true, true));
        assertColour(topLeft, both.getRGB(5, 5), "180 and both flips: upright again");
    }

    @Test
    void qualityChangesTheJpegSize() {
        assertTrue(size(new TestPattern.Look(95, 0, false, false)) > size(new TestPattern.Look(10, 0, false, false)));
        assertThrows(IllegalArgumentException.class, () -> new TestPattern.Look(80, 90, false, false));
        assertThrows(IllegalArgumentException.class, () -> new TestPattern.Look(0, 0, false, false));
    }
}
