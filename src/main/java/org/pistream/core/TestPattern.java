package org.pistream.core;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Renders and JPEG-encodes test-pattern frames with the JDK alone: colour bars, a moving block,
 * the frame number and the time of day. Digits are drawn as seven-segment shapes, so no font has
 * to be installed (a headless Pi image may have none). Not thread-safe.
 */
public final class TestPattern {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SS");
    private static final Color[] BARS = {
        new Color(192, 192, 192), new Color(192, 192, 0), new Color(0, 192, 192), new Color(0, 192, 0),
        new Color(192, 0, 192), new Color(192, 0, 0), new Color(0, 0, 192)};
    // Segments a..g of each digit, as bits 0..6.
    private static final int[] SEGMENTS = {0x3F, 0x06, 0x5B, 0x4F, 0x66, 0x6D, 0x7D, 0x07, 0x7F, 0x6F};

    private final int width;
    private final int height;
    private final BufferedImage background;
    private final BufferedImage canvas;
    private final ImageWriter writer;
    private final ImageWriteParam param;
    private final ByteArrayOutputStream encoded = new ByteArrayOutputStream(64 * 1024);

    public TestPattern(int width, int height, float quality) {
        this.width = width;
        this.height = height;
        this.background = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        this.canvas = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        paintBackground();
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) {
            throw new IllegalStateException("this JDK has no JPEG encoder");
        }
        this.writer = writers.next();
        this.param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
    }

    /** Renders frame {@code number} at {@code time}; the returned stream's bytes are valid until the next call. */
    public ByteArrayOutputStream render(long number, LocalTime time) {
        Graphics2D g = canvas.createGraphics();
        try {
            g.drawImage(background, 0, 0, null);
            int block = Math.max(8, height / 8);
            int travel = Math.max(1, width - block);
            long phase = number % (2L * travel);
            int x = (int) (phase < travel ? phase : 2L * travel - phase);
            g.setColor(Color.WHITE);
            g.fillRect(x, height / 2 - block / 2, block, block);
            int digitHeight = Math.max(10, height / 10);
            g.setColor(Color.BLACK);
            g.fillRect(0, height - 2 * digitHeight - digitHeight / 2 - 6, width, 2 * digitHeight + digitHeight / 2 + 6);
            g.setColor(Color.WHITE);
            drawText(g, Long.toString(number), digitHeight / 3, height - 2 * digitHeight - digitHeight / 4, digitHeight);
            drawText(g, CLOCK.format(time), digitHeight / 3, height - digitHeight - 3, digitHeight);
        } finally {
            g.dispose();
        }
        encoded.reset();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(encoded)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(canvas, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG encoding failed", e);
        }
        return encoded;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Releases the encoder. */
    public void dispose() {
        writer.dispose();
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

    /** Draws digits, ':' and '.' as seven-segment shapes; other characters leave a gap. */
    private static void drawText(Graphics2D g, String text, int x, int y, int h) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
        int w = h / 2;
        int t = Math.max(2, h / 8);
        for (char c : text.toCharArray()) {
            if (c >= '0' && c <= '9') {
                int s = SEGMENTS[c - '0'];
                int mid = y + h / 2 - t / 2;
                if ((s & 1) != 0) g.fillRect(x, y, w, t);                    // a
                if ((s & 2) != 0) g.fillRect(x + w - t, y, t, h / 2);        // b
                if ((s & 4) != 0) g.fillRect(x + w - t, y + h / 2, t, h / 2); // c
                if ((s & 8) != 0) g.fillRect(x, y + h - t, w, t);            // d
                if ((s & 16) != 0) g.fillRect(x, y + h / 2, t, h / 2);       // e
                if ((s & 32) != 0) g.fillRect(x, y, t, h / 2);               // f
                if ((s & 64) != 0) g.fillRect(x, mid, w, t);                 // g
                x += w + t * 2;
            } else if (c == ':') {
                g.fillRect(x, y + h / 4, t, t);
                g.fillRect(x, y + 3 * h / 4 - t, t, t);
                x += t * 3;
            } else if (c == '.') {
                g.fillRect(x, y + h - t, t, t);
                x += t * 3;
            } else {
                x += w;
            }
        }
    }
}
