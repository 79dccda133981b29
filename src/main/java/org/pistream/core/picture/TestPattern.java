package org.pistream.core.picture;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

import org.pistream.core.jpeg.JpegEncoder;

/**
 * Renders and JPEG-encodes test-pattern frames with the JDK alone: colour bars, a moving block,
 * the frame number and the time of day (in {@link BitmapFont}, so no font has to be installed).
 * Not thread-safe.
 */
public final class TestPattern {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SS");
    private static final Color[] BARS = {
        new Color(192, 192, 192), new Color(192, 192, 0), new Color(0, 192, 192), new Color(0, 192, 0),
        new Color(192, 0, 192), new Color(192, 0, 0), new Color(0, 0, 192)};

    /**
     * How the pattern is encoded and turned: JPEG quality 1-100, rotation 0 or 180 degrees, mirrored
     * left to right and/or upside down, as a camera's settings ask.
     */
    public record Look(int quality, int rotation, boolean hflip, boolean vflip) {
        /** Quality 80, upright. */
        public static final Look PLAIN = new Look(80, 0, false, false);

        public Look {
            if (quality < 1 || quality > 100) {
                throw new IllegalArgumentException("quality must be 1..100, was: " + quality);
            }
            if (rotation != 0 && rotation != 180) {
                throw new IllegalArgumentException("the test pattern rotates by 0 or 180 degrees, was: " + rotation);
            }
        }

        /** Mirrored left to right in the end: hflip, or rotated 180 degrees (both flips), not both. */
        boolean mirrorX() {
            return hflip ^ rotation == 180;
        }

        boolean mirrorY() {
            return vflip ^ rotation == 180;
        }
    }

    private final int width;
    private final int height;
    private final Look look;
    private final BufferedImage background;
    private final BufferedImage canvas;
    private final JpegEncoder encoder;

    public TestPattern(int width, int height, float quality) {
        this(width, height, new Look(Math.max(1, Math.min(100, Math.round(quality * 100))), 0, false, false));
    }

    public TestPattern(int width, int height, Look look) {
        this.width = width;
        this.height = height;
        this.look = look;
        this.background = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        this.canvas = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        this.encoder = new JpegEncoder(look.quality() / 100f);
        paintBackground();
    }

    /** Renders frame {@code number} at {@code time}; the returned bytes are valid until the next call. */
    public JpegEncoder.Buffer render(long number, LocalTime time) {
        Graphics2D g = canvas.createGraphics();
        try {
            // Flips and rotation turn the whole picture, as a camera's sensor readout would: bars, block and text.
            if (look.mirrorX()) {
                g.translate(width, 0);
                g.scale(-1, 1);
            }
            if (look.mirrorY()) {
                g.translate(0, height);
                g.scale(1, -1);
            }
            g.drawImage(background, 0, 0, null);
            int block = Math.max(8, height / 8);
            int travel = Math.max(1, width - block);
            long phase = number % (2L * travel);
            int x = (int) (phase < travel ? phase : 2L * travel - phase);
            g.setColor(Color.WHITE);
            g.fillRect(x, height / 2 - block / 2, block, block);
            String counter = Long.toString(number);
            String clock = CLOCK.format(time);
            int scale = Math.max(1, Math.min(height / 40, width / (BitmapFont.width("00:00:00.00", 1) + 4)));
            int lineHeight = (BitmapFont.GLYPH_HEIGHT + 2) * scale;
            int top = height - 2 * lineHeight - scale * 2;
            g.setColor(Color.BLACK);
            g.fillRect(0, top - scale * 2, width, height - top + scale * 2);
            g.setColor(Color.WHITE);
            BitmapFont.draw(g, counter, scale * 2, top, scale);
            BitmapFont.draw(g, clock, scale * 2, top + lineHeight, scale);
        } finally {
            g.dispose();
        }
        return encoder.encode(canvas);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Releases the encoder. */
    public void dispose() {
        encoder.dispose();
    }

    private void paintBackground() {
        Graphics2D g = background.createGraphics();
        try {
            int barHeight = height * 2 / 3;
            for (int i = 0; i < BARS.length; i++) {
                g.setColor(BARS[i]);
                int x0 = i * width / BARS.length;
                int x1 = (i + 1) * width / BARS.length;
                g.fillRect(x0, 0, x1 - x0, barHeight);
            }
            g.setPaint(new GradientPaint(0, 0, Color.BLACK, width, 0, Color.WHITE));
            g.fillRect(0, barHeight, width, height - barHeight);
        } finally {
            g.dispose();
        }
    }
}
