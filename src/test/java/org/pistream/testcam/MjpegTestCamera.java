package org.pistream.testcam;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

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
 * --hang-after N   after N frames stop writing but keep running
 * --close-after N  after N frames close stdout but keep running
 * --garbage        random bytes (some 0xFF) between frames
 * --truncate-every N   cut every Nth frame in the middle of its scan data
 * --oversize-every N   every Nth frame carries BYTES of APP data (see --oversize-bytes, default 6 MB)
 * --flood-mb N     before the first frame, a start marker then N MB with no frame boundary
 * --no-dht         frames without Huffman tables (as UVC webcams send them)
 * --mutate RATE    flip each bit between the start and end markers with this probability, seeded
 *                  (as zzuf -r RATE does to a real camera's output: a flaky USB link, memory trouble)
 * --bad-tables-every N  every Nth frame has a broken header in turn: an over-subscribed Huffman
 *                  table, no quantisation table, a scan naming a component the frame lacks, width 0
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
        long hangAfter = Long.MAX_VALUE;
        long closeAfter = Long.MAX_VALUE;
        boolean garbage = false;
        int truncateEvery = 0;
        int oversizeEvery = 0;
        int oversizeBytes = 6 * 1024 * 1024;
        int floodMb = 0;
        boolean noDht = false;
        double mutate = 0;
        int badTablesEvery = 0;
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
                case "--hang-after" -> hangAfter = Long.parseLong(args[++i]);
                case "--close-after" -> closeAfter = Long.parseLong(args[++i]);
                case "--garbage" -> garbage = true;
                case "--truncate-every" -> truncateEvery = Integer.parseInt(args[++i]);
                case "--oversize-every" -> oversizeEvery = Integer.parseInt(args[++i]);
                case "--oversize-bytes" -> oversizeBytes = Integer.parseInt(args[++i]);
                case "--flood-mb" -> floodMb = Integer.parseInt(args[++i]);
                case "--no-dht" -> noDht = true;
                case "--mutate" -> mutate = Double.parseDouble(args[++i]);
                case "--bad-tables-every" -> badTablesEvery = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("MjpegTestCamera: unknown argument " + args[i]);
                    System.exit(64);
                }
            }
        }
        List<byte[]> frames = render(width, height, 30);
        if (noDht) {
            frames.replaceAll(MjpegTestCamera::withoutDht);
        }
        System.err.println("MjpegTestCamera: " + width + "x" + height + " at " + fps + " fps");
        // Straight to fd 1: System.out is a PrintStream, which swallows EPIPE, and a camera must notice
        // that its reader is gone (rpicam-vid gets SIGPIPE).
        OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 256 * 1024);
        Random random = new Random(42);
        long interval = 1_000_000_000L / fps;
        long next = System.nanoTime();
        try {
            if (floodMb > 0) {
                out.write(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xDA, 0, 2});
                byte[] block = new byte[1024 * 1024];
                for (int i = 0; i < block.length; i++) {
                    block[i] = (byte) random.nextInt(0xFF); // never 0xFF: no marker, no end
                }
                for (int i = 0; i < floodMb; i++) {
                    out.write(block);
                }
                out.flush();
                System.err.println("MjpegTestCamera: flooded " + floodMb + " MB without a frame boundary");
            }
            for (long n = 0; n < count; n++) {
                if (n == hangAfter) {
                    out.flush();
                    System.err.println("MjpegTestCamera: hanging after " + n + " frames");
                    Thread.sleep(Long.MAX_VALUE);
                }
                if (n == closeAfter) {
                    out.close();
                    System.err.println("MjpegTestCamera: closed stdout after " + n + " frames, still running");
                    Thread.sleep(Long.MAX_VALUE);
                }
                byte[] frame = frames.get((int) (n % frames.size()));
                if (oversizeEvery > 0 && n % oversizeEvery == oversizeEvery - 1) {
                    frame = withPadding(frame, oversizeBytes);
                }
                // The header is broken first: its walk over the segments needs their lengths intact.
                if (badTablesEvery > 0 && n % badTablesEvery == badTablesEvery - 1) {
                    frame = brokenHeader(frame, (int) (n / badTablesEvery % 4));
                }
                if (mutate > 0) {
                    frame = mutated(frame, mutate, random);
                }
                if (truncateEvery > 0 && n % truncateEvery == truncateEvery - 1) {
                    out.write(frame, 0, frame.length * 2 / 3); // no end marker; the next frame follows
                } else {
                    out.write(frame);
                }
                if (garbage) {
                    byte[] junk = new byte[1 + random.nextInt(64)];
                    random.nextBytes(junk);
                    out.write(junk);
                }
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

    /** The frame with bits flipped at {@code rate} each, between its start and end markers. */
    static byte[] mutated(byte[] jpeg, double rate, Random random) {
        byte[] copy = jpeg.clone();
        for (int i = 2; i < copy.length - 2; i++) {
            for (int bit = 0; bit < 8; bit++) {
                if (random.nextDouble() < rate) {
                    copy[i] ^= (byte) (1 << bit);
                }
            }
        }
        return copy;
    }

    /**
     * The frame with one header broken, by {@code kind}: 0 an over-subscribed Huffman table (three
     * one-bit codes), 1 its quantisation tables left out, 2 its scan naming component 9, 3 width 0.
     */
    static byte[] brokenHeader(byte[] jpeg, int kind) {
        byte[] bad = jpeg.clone();
        switch (kind) {
            case 0 -> {
                int counts = segment(bad, 0xC4) + 5;
                int longer = counts + 1;
                while (bad[longer] < 3) {
                    longer++;
                }
                bad[longer] -= 3;
                bad[counts] += 3;
            }
            case 1 -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream(bad.length);
                out.write(bad, 0, 2);
                int i = 2;
                while ((bad[i + 1] & 0xFF) != 0xDA) {
                    int length = ((bad[i + 2] & 0xFF) << 8) | (bad[i + 3] & 0xFF);
                    if ((bad[i + 1] & 0xFF) != 0xDB) {
                        out.write(bad, i, 2 + length);
                    }
                    i += 2 + length;
                }
                out.write(bad, i, bad.length - i);
                return out.toByteArray();
            }
            case 2 -> bad[segment(bad, 0xDA) + 5] = 9; // the first scan component's id
            default -> {
                int sof = segment(bad, 0xC0);
                bad[sof + 7] = 0; // width, after marker, length, precision and height
                bad[sof + 8] = 0;
            }
        }
        return bad;
    }

    private static int segment(byte[] jpeg, int marker) {
        int i = 2;
        while ((jpeg[i + 1] & 0xFF) != marker) {
            i += 2 + (((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF));
        }
        return i;
    }

    /** The frame with APP15 segments of {@code extra} bytes in all after its start marker. */
    static byte[] withPadding(byte[] jpeg, int extra) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length + extra + 1024);
        out.write(jpeg, 0, 2);
        int left = extra;
        while (left > 0) {
            int n = Math.min(left, 65533);
            out.write(0xFF);
            out.write(0xEF);
            out.write((n + 2) >> 8);
            out.write((n + 2) & 0xFF);
            out.write(new byte[n], 0, n);
            left -= n;
        }
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** The frame without its DHT segments. */
    static byte[] withoutDht(byte[] jpeg) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length);
        out.write(jpeg, 0, 2);
        int i = 2;
        while ((jpeg[i + 1] & 0xFF) != 0xDA) {
            int length = ((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF);
            if ((jpeg[i + 1] & 0xFF) != 0xC4) {
                out.write(jpeg, i, 2 + length);
            }
            i += 2 + length;
        }
        out.write(jpeg, i, jpeg.length - i);
        return out.toByteArray();
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
