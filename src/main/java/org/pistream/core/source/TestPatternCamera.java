package org.pistream.core.source;

import java.time.LocalTime;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.pistream.core.Lifecycle;
import org.pistream.core.Threads;
import org.pistream.core.jpeg.JpegEncoder;
import org.pistream.core.jpeg.SplitterCounters;
import org.pistream.core.picture.TestPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in camera: renders a {@link TestPattern} at a steady frame rate on one thread
 * ({@code camera-test-pattern}, created in start, joined in stop), so pi-stream can be tried
 * and tested without a camera or any external program.
 */
public final class TestPatternCamera extends Lifecycle implements Camera {
    private static final Logger log = LoggerFactory.getLogger(TestPatternCamera.class);

    private final int width;
    private final int height;
    private final int fps;
    private final FrameSink sink;
    private final TestPattern.Look look;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final Object signal = new Object();
    private volatile CameraState cameraState = CameraState.STOPPED;
    private volatile boolean sleeping;
    private volatile String lastError;
    private Thread thread;

    public TestPatternCamera(int width, int height, int fps, FrameSink sink) {
        this(width, height, fps, sink, TestPattern.Look.PLAIN);
    }

    /** @param look its JPEG quality, rotation and flips */
    public TestPatternCamera(int width, int height, int fps, FrameSink sink, TestPattern.Look look) {
        if (width < 16 || height < 16 || width > 7680 || height > 4320) {
            throw new IllegalArgumentException("test pattern size must be 16x16..7680x4320, was: " + width + "x" + height);
        }
        if (fps < 1 || fps > 120) {
            throw new IllegalArgumentException("test pattern fps must be 1..120, was: " + fps);
        }
        this.width = width;
        this.height = height;
        this.fps = fps;
        this.sink = sink;
        this.look = look;
    }

    @Override
    protected void doStart() {
        cameraState = CameraState.STARTING;
        // Its first drawing creates AWT's application context, which records its context class loader (see Threads).
        thread = Threads.daemon("camera-test-pattern", this::run);
        thread.start();
    }

    @Override
    protected void doStop() {
        stopSignal.countDown();
        synchronized (signal) {
            signal.notifyAll();
        }
        Threads.join(thread, 5000, log);
        cameraState = CameraState.STOPPED;
    }

    @Override
    public CameraStatus status() {
        return new CameraStatus("test-pattern", width + "x" + height + "@" + fps, cameraState, -1, 1, 0, null, lastError,
                -1, 0, 0, 0);
    }

    @Override
    public void poll(long nanoTime) {
        // Nothing to watch: frames are made on this camera's own thread.
    }

    @Override
    public void sleep() {
        sleeping = true;
    }

    @Override
    public void wake() {
        if (sleeping) {
            sleeping = false;
            synchronized (signal) {
                signal.notifyAll();
            }
        }
    }

    private void awaitWake() throws InterruptedException {
        cameraState = CameraState.IDLE;
        synchronized (signal) {
            while (sleeping && stopSignal.getCount() > 0) {
                signal.wait();
            }
        }
    }

    @Override
    public SplitterCounters splitterCounters() {
        return null;
    }

    private void run() {
        TestPattern pattern;
        try {
            pattern = new TestPattern(width, height, look);
        } catch (RuntimeException | LinkageError e) {
            lastError = "test pattern unavailable: " + e;
            log.error("Test pattern camera cannot render: {}", e.toString());
            return;
        }
        log.info("Test pattern camera started: {}x{} at {} fps, quality {}, rotation {}{}{}", width, height, fps, look.quality(),
                look.rotation(), look.hflip() ? ", hflip" : "", look.vflip() ? ", vflip" : "");
        long interval = 1_000_000_000L / fps;
        long next = System.nanoTime();
        long number = 0;
        try {
            while (true) {
                if (sleeping) {
                    awaitWake();
                    if (stopSignal.getCount() == 0) {
                        break;
                    }
                    next = System.nanoTime();
                }
                JpegEncoder.Buffer jpeg = pattern.render(number++, LocalTime.now());
                cameraState = CameraState.STREAMING;
                sink.publish(jpeg.bytes(), 0, jpeg.size(), CameraSupervisor.nowMicros());
                next += interval;
                long wait = next - System.nanoTime();
                if (wait < -interval) {
                    next = System.nanoTime(); // fell behind: do not burst to catch up
                    wait = 0;
                }
                if (stopSignal.await(Math.max(0, wait), TimeUnit.NANOSECONDS)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            lastError = e.toString();
            log.error("Test pattern camera failed", e);
        } finally {
            pattern.dispose();
        }
    }
}
