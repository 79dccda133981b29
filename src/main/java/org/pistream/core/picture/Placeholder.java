package org.pistream.core.picture;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

import org.pistream.core.jpeg.JpegEncoder;

/**
 * The "no signal" picture viewers get while the camera is starting, restarting or failing: dark
 * grey, "NO SIGNAL" and the reason in large letters, at the camera's size; a long reason (the camera
 * program's own words) gets smaller letters, and what still does not fit is cut with "...". The JPEG
 * carries a comment {@code pi-stream placeholder: <reason>}, the reason whole, so tools can tell it
 * from a camera frame.
 * Not thread-safe: used by the pi-stream timer only.
 */
public final class Placeholder {
    static final String COMMENT_PREFIX = "pi-stream placeholder: ";

    private final JpegEncoder encoder = new JpegEncoder(0.7f);

    public byte[] render(int width, int height, String reason) {
        return render(width, height, "NO SIGNAL", reason);
    }

    /** The same picture with another title: "APPLYING SETTINGS" while the camera restarts for new settings. */
    public byte[] render(int width, int height, String title, String reason) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(new Color(40, 40, 40));
            g.fillRect(0, 0, width, height);
            int titleScale = fit(title, width, height / 5);
            g.setColor(new Color(230, 230, 230));
            int titleHeight = BitmapFont.GLYPH_HEIGHT * titleScale;
            int y = height / 2 - titleHeight;
            BitmapFont.draw(g, title, (width - BitmapFont.width(title, titleScale)) / 2, y, titleScale);
            g.setColor(new Color(255, 190, 60));
            int lineY = y + titleHeight + titleHeight / 2;
            Layout layout = layout(reason, width, height, lineY, Math.max(1, titleScale / 2));
            int reasonScale = layout.scale();
            for (String line : layout.lines()) {
                BitmapFont.draw(g, line, Math.max(2, (width - BitmapFont.width(line, reasonScale)) / 2), lineY, reasonScale);
                lineY += (BitmapFont.GLYPH_HEIGHT + 3) * reasonScale;
            }
        } finally {
            g.dispose();
        }
        return encoder.encodeWithComment(image, COMMENT_PREFIX + reason);
    }

    /** The reason's lines at their scale. */
    record Layout(int scale, List<String> lines) {
    }

    /**
     * The reason in lines that fit the picture below {@code top}: at {@code scale}, or smaller until it
     * takes three lines at most; at the smallest scale, the lines that fit and "..." at the end of the last.
     */
    static Layout layout(String reason, int width, int height, int top, int scale) {
        List<String> lines = wrap(reason, width, scale);
        while (scale > 1 && lines.size() > 3) {
            scale--;
            lines = wrap(reason, width, scale);
        }
        int lineHeight = (BitmapFont.GLYPH_HEIGHT + 3) * scale;
        int room = Math.max(1, (height - top - BitmapFont.GLYPH_HEIGHT * scale) / lineHeight + 1);
        if (lines.size() > room) {
            lines = new ArrayList<>(lines.subList(0, room));
            String last = lines.get(room - 1);
            int keep = Math.max(0, Math.min(last.length(), maxChars(width, scale) - 3));
            lines.set(room - 1, last.substring(0, keep) + "...");
        }
        return new Layout(scale, List.copyOf(lines));
    }

    private static int maxChars(int width, int scale) {
        return Math.max(1, ((int) (width * 0.9) / scale + 1) / (BitmapFont.GLYPH_WIDTH + 1));
    }

    /** Splits {@code text} at spaces into lines that fit 90% of the width at {@code scale}; a longer word is split too. */
    private static List<String> wrap(String text, int width, int scale) {
        int maxChars = maxChars(width, scale);
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        List<String> words = new ArrayList<>();
        for (String word : text.split(" ")) {
            for (int i = 0; i < word.length(); i += maxChars) {
                words.add(word.substring(i, Math.min(word.length(), i + maxChars)));
            }
        }
        for (String word : words) {
            if (line.length() > 0 && line.length() + 1 + word.length() > maxChars) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    /** The largest scale at which {@code text} fits 90% of the width and the given height. */
    private static int fit(String text, int width, int maxHeight) {
        int byWidth = (int) (width * 0.9) / Math.max(1, BitmapFont.width(text, 1));
        int byHeight = maxHeight / BitmapFont.GLYPH_HEIGHT;
        return Math.max(1, Math.min(byWidth, byHeight));
    }

    public void dispose() {
        encoder.dispose();
    }
}
