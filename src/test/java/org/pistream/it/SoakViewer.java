package org.pistream.it;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * The soak's watching viewer (bench/soak.sh; not a test): one steady {@code /stream} viewer that
 * decodes every part it receives with the JDK (a decoder warning counts as a bad frame, as a
 * browser would show it broken) and every DJPEG_EVERY-th part plus one {@code /snapshot} a second
 * with {@code djpeg} (libjpeg-turbo, exit code 0 only when it decoded without a warning). Writes
 * one line per window so the soak can show the viewer got frames all the way through:
 *
 * <pre>t_s,frames,placeholders,bad_jdk,djpeg_checked,bad_djpeg,snapshots,unavailable_snapshots,bad_snapshots,reconnects</pre>
 *
 * A snapshot answered with other than 200 (503 while the camera restarts and has no frame yet) is
 * counted as unavailable; bad means a 200 whose picture does not decode.
 *
 * Usage: {@code java -cp target/test-classes org.pistream.it.SoakViewer BASE_URL SECONDS CSV}
 */
public final class SoakViewer {
    private static final int DJPEG_EVERY = 10;
    private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong placeholders = new AtomicLong();
    private final AtomicLong badJdk = new AtomicLong();
    private final AtomicLong djpegChecked = new AtomicLong();
    private final AtomicLong badDjpeg = new AtomicLong();
    private final AtomicLong snapshots = new AtomicLong();
    private final AtomicLong unavailableSnapshots = new AtomicLong();
    private final AtomicLong badSnapshots = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final Path badDir;

    private SoakViewer(Path badDir) {
        this.badDir = badDir;
    }

    public static void main(String[] args) throws Exception {
        URI base = URI.create(args[0]);
        long seconds = Long.parseLong(args[1]);
        Path csv = Path.of(args[2]);
        SoakViewer viewer = new SoakViewer(csv.resolveSibling("soak-bad-frames"));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Thread stream = new Thread(() -> viewer.watch(base, end), "soak-stream");
        Thread snapshot = new Thread(() -> viewer.snapshots(base, end), "soak-snapshot");
        stream.setDaemon(true);
        snapshot.setDaemon(true);
        stream.start();
        snapshot.start();
        long start = System.nanoTime();
        try (PrintStream out = new PrintStream(Files.newOutputStream(csv), true)) {
            out.println("t_s,frames,placeholders,bad_jdk,djpeg_checked,bad_djpeg,snapshots,unavailable_snapshots,bad_snapshots,reconnects");
            long next = start + WINDOW_NANOS;
            while (next <= end + WINDOW_NANOS / 2) {
                TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime()));
                out.println(String.format(Locale.ROOT, "%d,%d,%d,%d,%d,%d,%d,%d,%d,%d", (next - start) / 1_000_000_000L,
                        viewer.frames.getAndSet(0), viewer.placeholders.getAndSet(0), viewer.badJdk.getAndSet(0),
                        viewer.djpegChecked.getAndSet(0), viewer.badDjpeg.getAndSet(0), viewer.snapshots.getAndSet(0),
                        viewer.unavailableSnapshots.getAndSet(0), viewer.badSnapshots.getAndSet(0), viewer.reconnects.getAndSet(0)));
                next += WINDOW_NANOS;
            }
        }
        System.exit(0);
    }

    /** Watches one stream; a lost stream is counted and opened again (the soak expects none). */
    private void watch(URI base, long end) {
        while (System.nanoTime() < end) {
            try (MjpegClient client = MjpegClient.open(base, "/stream")) {
                if (client.status() != 200) {
                    throw new IOException("status " + client.status());
                }
                long n = 0;
                while (System.nanoTime() < end) {
                    MjpegClient.Part part = client.readPart();
                    if (part == null) {
                        throw new IOException("the stream ended");
                    }
                    frames.incrementAndGet();
                    if (part.isPlaceholder()) {
                        placeholders.incrementAndGet();
                    }
                    if (!jdkDecodes(part.jpeg())) {
                        badJdk.incrementAndGet();
                        keep("jdk", part.jpeg());
                    }
                    if (++n % DJPEG_EVERY == 0) {
                        djpegChecked.incrementAndGet();
                        if (!djpegDecodes(part.jpeg())) {
                            badDjpeg.incrementAndGet();
                            keep("djpeg", part.jpeg());
                        }
                    }
                }
            } catch (IOException e) {
                reconnects.incrementAndGet();
                System.err.println("soak viewer: stream lost: " + e);
                sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void snapshots(URI base, long end) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/snapshot")).timeout(Duration.ofSeconds(10)).build();
        while (System.nanoTime() < end) {
            try {
                HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                snapshots.incrementAndGet();
                if (response.statusCode() != 200) {
                    unavailableSnapshots.incrementAndGet();
                } else if (!djpegDecodes(response.body()) || !jdkDecodes(response.body())) {
                    badSnapshots.incrementAndGet();
                    keep("snapshot", response.body());
                }
            } catch (IOException e) {
                snapshots.incrementAndGet();
                unavailableSnapshots.incrementAndGet();
                System.err.println("soak viewer: snapshot failed: " + e);
            } catch (InterruptedException e) {
                return;
            }
            sleep(1000);
        }
    }

    /** The JDK decodes it and reports no warning (a warning is how it says "corrupt data"). */
    private static boolean jdkDecodes(byte[] jpeg) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
        ImageReader reader = readers.next();
        boolean[] warned = {false};
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(jpeg))) {
            reader.setInput(in);
            reader.addIIOReadWarningListener((source, warning) -> warned[0] = true);
            return reader.read(0) != null && !warned[0];
        } catch (IOException | RuntimeException e) {
            return false;
        } finally {
            reader.dispose();
        }
    }

    /** djpeg exits 0 only for a clean decode (2 is "Corrupt JPEG data"). */
    private static boolean djpegDecodes(byte[] jpeg) throws InterruptedException {
        try {
            Process p = new ProcessBuilder("djpeg", "-outfile", "/dev/null").redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(jpeg);
            } catch (IOException e) {
                // djpeg stopped reading; its exit code says why
            }
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Keeps the first few bad frames for a look. */
    private void keep(String what, byte[] jpeg) {
        try {
            Files.createDirectories(badDir);
            try (var list = Files.list(badDir)) {
                if (list.count() < 20) {
                    Files.write(badDir.resolve(what + "-" + System.nanoTime() + ".jpg"), jpeg);
                }
            }
        } catch (IOException e) {
            System.err.println("soak viewer: could not keep a bad frame: " + e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
