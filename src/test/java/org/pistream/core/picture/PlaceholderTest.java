package org.pistream.core.picture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

/** The no-signal picture with the camera program's own words: decodable, the words fitted, the comment whole. */
class PlaceholderTest {
    private static final String REASON = "camera misconfigured: rpicam-vid exited with code 255: ERROR: *** selected camera is"
            + " not available ***, retrying in 30 s";

    @Test
    void aLongReasonIsDrawnSmallerAndCarriedWholeInTheComment() throws Exception {
        Placeholder placeholder = new Placeholder();
        try {
            for (int[] size : new int[][] {{160, 120}, {640, 480}, {1920, 1080}}) {
                byte[] jpeg = placeholder.render(size[0], size[1], REASON);
                BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
                assertNotNull(image);
                assertEquals(size[0], image.getWidth());
                assertEquals(size[1], image.getHeight());
                String bytes = new String(jpeg, StandardCharsets.ISO_8859_1);
                assertTrue(bytes.contains(Placeholder.COMMENT_PREFIX + REASON), "the comment has the whole reason");
            }
        } finally {
            placeholder.dispose();
        }
    }

    @Test
    void theLinesFitTheWidthAndTheHeightOrAreCutWithDots() {
        for (int[] size : new int[][] {{160, 120}, {320, 240}, {640, 480}, {1280, 720}}) {
            int top = size[1] / 2 + 10;
            Placeholder.Layout layout = Placeholder.layout(REASON, size[0], size[1], top, 6);
            int lineHeight = (BitmapFont.GLYPH_HEIGHT + 3) * layout.scale();
            int bottom = top + (layout.lines().size() - 1) * lineHeight + BitmapFont.GLYPH_HEIGHT * layout.scale();
            assertTrue(bottom <= size[1], size[0] + "x" + size[1] + ": " + layout);
            for (String line : layout.lines()) {
                assertTrue(BitmapFont.width(line, layout.scale()) <= size[0] * 0.9 + layout.scale(), line);
            }
            String shown = String.join(" ", layout.lines());
            assertTrue(shown.equals(REASON) || shown.endsWith("..."), size[0] + "x" + size[1] + ": " + shown);
        }
        // At 1280x720 there is room for every word.
        assertEquals(REASON, String.join(" ", Placeholder.layout(REASON, 1280, 720, 400, 6).lines()));
        // A word longer than a line is split rather than drawn past the edge.
        Placeholder.Layout path = Placeholder.layout("/dev/v4l/by-id/usb-046d_HD_Pro_Webcam_C920_ABCDEF12-video-index0", 160, 120, 60, 1);
        path.lines().forEach(line -> assertTrue(BitmapFont.width(line, 1) <= 144, line));
    }

    @Test
    void theCameraProgramsPunctuationHasGlyphs() {
        for (char c : "*[]\"<>;|'".toCharArray()) {
            assertTrue(BitmapFont.hasGlyph(c), "glyph for " + c);
        }
    }
}
