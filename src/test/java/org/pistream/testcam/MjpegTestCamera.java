package org.pistream.testcam;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

/**
 * A stand-in for {@code rpicam-vid}: a separate program (run with {@code java -cp target/test-classes})
 * that writes back-to-back JPEG frames to stdout at a steady rate, as a camera in MJPEG mode does.
 * Uses only the JDK.
 *
 * <pre>
 * --fps N          frames per second (default 30)
 * --size WxH       picture size (default 320x240)
 * --count N        exit after N frames (default: never)
 * --exit-code N    exit code after --count frames (default 0)
 * </pre>
 */
public final class MjpegTestCamera {
    private MjpegTestCamera() {
    }

    public static void main(String[] args) throws Exception {
        int fps = 30;
        int width = 320;
        int height = 240;
        long count = Long.MAX_VALUE;
        int exitCode = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--fps" -> fps = Integer.parseInt(args[++i]);
                case "--size" -> {
                    String[] wh = args[++i].split("x");
                    width = Integer.parseInt(wh[0]);
                    height = Integer.parseInt(wh[1]);
                }
                case "--count" -> count = Long.parseLong(args[++i]);
                case "--exit-code" -> exitCode = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("MjpegTestCamera: unknown argument " + args[i]);
                    System.exit(64);
                }
            }
        }
        List<byte[]> frames = render(width, height, 30);
        System.err.println("MjpegTestCamera: " + width + "x" + height + " at " + fps + " fps");
        OutputStream out = new BufferedOutputStream(System.out, 256 * 1024);
        long interval = 1_000_000_000L / fps;
        long next = System.nanoTime();
        try {
            for (long n = 0; n < count; n++) {
                out.write(frames.get((int) (n % frames.size())));
                out.flush();
                next += interval;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
        } catch (IOException e) {
            // The reader went away (EPIPE): a camera just stops.
            System.exit(0);
        }
        System.err.println("MjpegTestCamera: exiting with code " + exitCode + " after " + count + " frames");
        System.exit(exitCode);
    }

    /** Distinct, real JPEGs: a colour field with a block whose position encodes the frame number. */
    static List<byte[]> render(int width, int height, int n) throws IOException {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
            Graphics2D g = image.createGraphics();
            g.setColor(Color.getHSBColor(i / (float) n, 0.6f, 0.9f));
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.fillRect(i * (width - 20) / n, height / 3, 20, 20);
            g.dispose();
            ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
            ImageIO.write(image, "jpeg", jpeg);
            frames.add(jpeg.toByteArray());
        }
        return frames;
    }
}
