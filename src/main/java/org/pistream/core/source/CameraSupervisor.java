package org.pistream.core.source;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.pistream.core.Lifecycle;
import org.pistream.core.Threads;
import org.pistream.core.jpeg.FrameIntake;
import org.pistream.core.jpeg.JpegFrameSplitter;
import org.pistream.core.jpeg.SplitterCounters;
import org.pistream.core.settings.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the camera command, splits its standard output into frames, and restarts it when it exits.
 *
 * <p>Threads: {@code camera-reader} (created in start, joined in stop) launches the process, reads
 * its stdout into one reused buffer, feeds the splitter, waits for the exit and sleeps the
 * backoff; {@code camera-stderr} (one per run, joined by the reader) logs the camera's stderr.
 * {@link #poll} runs on the pi-stream timer: it is the watchdog (a camera that sends no complete
 * frame for {@code camera-timeout} is ended) and escalates SIGTERM to SIGKILL after the grace
 * period, so no caller ever blocks on a stubborn process. A command that cannot start is logged
 * and retried with the same backoff. {@link #sleep} ends the process without a restart until
 * {@link #wake}. Stop ends the process (SIGTERM, then SIGKILL) and joins both threads.
 */
public final class CameraSupervisor extends Lifecycle implements Camera {
    private static final Logger log = LoggerFactory.getLogger(CameraSupervisor.class);
    private static final Logger cameraLog = LoggerFactory.getLogger("org.pistream.camera");
    private static final int READ_BUFFER = 64 * 1024;
    private static final int STDERR_LINES_KEPT = 10;
    private static final int STDERR_LINE_MAX = 1000;

    private final List<String> command;
    /** The command line as stats and logs show it: credentials masked. */
    private final String description;
    private final FrameIntake intake;
    private final Backoff backoff;
    private final Duration stopGrace;
    private final long timeoutNanos;
    private final int warmupFrames;
    private final SplitterCounters counters = new SplitterCounters();
    private final JpegFrameSplitter splitter;
    private final WakeSignal signal = new WakeSignal();
    private final Deque<String> lastStderr = new ArrayDeque<>();

    private Thread reader;
    private volatile Process process;
    private volatile CameraState cameraState = CameraState.STOPPED;
    private volatile boolean sleeping;
    private volatile long starts;
    private volatile long restarts;
    private volatile long watchdogKills;
    private volatile long warmupDiscarded;
    private volatile Integer lastExitCode;
    private volatile String lastError;
    private volatile String endReason;
    private volatile long lastProgressNanos;
    private volatile long terminateRequestedNanos;
    private volatile long nextStartNanos;
    private long framesThisRun;

    /**
     * @param cameraTimeout end a running camera that sends no complete frame for this long (zero: never)
     * @param warmupFrames  frames to discard after each start while exposure settles
     */
    public CameraSupervisor(List<String> command, int maxFrameBytes, FrameIntake intake, Backoff backoff,
                            Duration stopGrace, Duration cameraTimeout, int warmupFrames) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("camera command must not be empty");
        }
        this.command = List.copyOf(command);
        this.description = Secrets.redact(String.join(" ", command));
        this.intake = intake;
        this.backoff = backoff;
        this.stopGrace = stopGrace;
        this.timeoutNanos = cameraTimeout.toNanos();
        this.warmupFrames = warmupFrames;
        this.splitter = new JpegFrameSplitter(maxFrameBytes, this::onFrame, counters);
    }

    @Override
    protected void doStart() {
        // Joined in stop. The camera process is started on this thread, so the JDK's process reaper
        // inherits its context class loader (see Threads).
        reader = Threads.daemon("camera-reader", this::superviseLoop);
        reader.start();
    }

    @Override
    protected void doStop() {
        wakeReader();
        Process p = process;
        if (p != null) {
            terminate(p);
        }
        Threads.join(reader, stopGrace.toMillis() + 2000, log);
        cameraState = CameraState.STOPPED;
    }

    @Override
    public CameraStatus status() {
        Process p = process;
        long restartIn = cameraState == CameraState.RESTARTING
                ? Math.max(0, (nextStartNanos - System.nanoTime()) / 1_000_000) : -1;
        return new CameraStatus("command", description, cameraState, p != null && p.isAlive() ? p.pid() : -1,
                starts, restarts, lastExitCode, lastError, restartIn, watchdogKills, warmupDiscarded,
                splitter.bufferCapacity());
    }

    @Override
    public SplitterCounters splitterCounters() {
        return counters;
    }

    @Override
    public void poll(long now) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        long requested = terminateRequestedNanos;
        if (requested != 0) {
            if (now - requested > stopGrace.toNanos()) {
                log.warn("Camera pid {} ignored SIGTERM for {} ms; killing it", p.pid(), stopGrace.toMillis());
                p.destroyForcibly();
                terminateRequestedNanos = now; // try again after another grace period if need be
            }
            return;
        }
        if (timeoutNanos > 0 && now - lastProgressNanos > timeoutNanos) {
            watchdogKills++;
            endReason = "sent no frame for " + timeoutNanos / 1_000_000_000L + " s";
            log.warn("Camera pid {} {}: ending it (watchdog)", p.pid(), endReason);
            requestTerminate(p, now);
        }
    }

    @Override
    public void sleep() {
        if (sleeping) {
            return;
        }
        sleeping = true;
        Process p = process;
        if (p != null && p.isAlive()) {
            endReason = "stopped while idle";
            requestTerminate(p, System.nanoTime());
        }
        wakeReader(); // ends a backoff wait at once
    }

    @Override
    public void wake() {
        if (sleeping) {
            sleeping = false;
            log.info("Camera wanted again: starting it");
            wakeReader();
        }
    }

    private void requestTerminate(Process p, long now) {
        terminateRequestedNanos = now;
        p.destroy(); // SIGTERM; poll() escalates to SIGKILL after the grace period
    }

    private void wakeReader() {
        signal.wakeAll();
    }

    private void onFrame(byte[] jpeg, int offset, int length) {
        framesThisRun++;
        lastProgressNanos = System.nanoTime();
        if (framesThisRun <= warmupFrames) {
            warmupDiscarded++;
            return; // exposure still settling
        }
        if (cameraState != CameraState.STREAMING) {
            cameraState = CameraState.STREAMING;
            log.info("Camera streaming: first frame of {} bytes after start #{}", length, starts);
        }
        intake.accept(jpeg, offset, length, nowMicros());
    }

    private void superviseLoop() {
        byte[] buffer = new byte[READ_BUFFER];
        while (!isStopping()) {
            if (sleeping) {
                cameraState = CameraState.IDLE;
                signal.await(Long.MAX_VALUE, () -> !isStopping() && sleeping);
                continue;
            }
            long startedAt = System.nanoTime();
            framesThisRun = 0;
            runOnce(buffer);
            long ranMillis = (System.nanoTime() - startedAt) / 1_000_000;
            if (isStopping()) {
                break;
            }
            if (sleeping) {
                log.info("Camera stopped: nobody watching");
                continue;
            }
            long delay = backoff.nextDelayMillis(ranMillis, framesThisRun > warmupFrames);
            nextStartNanos = System.nanoTime() + delay * 1_000_000;
            cameraState = CameraState.RESTARTING;
            log.warn("Camera {} after {} ms and {} frames; restart #{} in {} ms{}", lastError, ranMillis, framesThisRun,
                    restarts + 1, delay, stderrTail());
            signal.await(delay, () -> !isStopping() && !sleeping);
            if (!isStopping() && !sleeping) {
                restarts++;
            }
        }
    }

    private void runOnce(byte[] buffer) {
        cameraState = CameraState.STARTING;
        endReason = null;
        terminateRequestedNanos = 0;
        splitter.endOfStream();
        Process p;
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            p = pb.start();
        } catch (IOException e) {
            lastExitCode = null;
            lastError = describeStartFailure(e);
            return;
        }
        lastProgressNanos = System.nanoTime();
        process = p;
        starts++;
        if (isStopping() || sleeping) {
            terminate(p); // stop() or sleep() ran between the check and start(); they could not see this process
        }
        log.info("Camera started: pid {} `{}` (start #{})", p.pid(), description, starts);
        Thread stderr = Threads.daemon("camera-stderr", () -> pumpStderr(p.getErrorStream()));
        stderr.start();
        try (InputStream out = p.getInputStream()) {
            int n;
            while ((n = out.read(buffer)) >= 0) {
                if (n > 0) {
                    splitter.feed(buffer, 0, n);
                }
            }
        } catch (IOException e) {
            if (!isStopping()) {
                log.warn("Reading the camera's output failed: {}", e.getMessage());
            }
        }
        splitter.endOfStream();
        // The output closed: a camera that keeps running without output is ended too.
        if (!waitFor(p, stopGrace)) {
            if (endReason == null) {
                endReason = "closed its output but kept running";
            }
            terminate(p);
        }
        try {
            stderr.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lastExitCode = p.isAlive() ? null : p.exitValue();
        String reason = endReason;
        lastError = isStopping() ? "stopped" : reason != null ? reason + " (exit code " + lastExitCode + ")"
                : "exited with code " + lastExitCode;
        if (isStopping()) {
            log.info("Camera stopped: pid {} exit code {}", p.pid(), lastExitCode);
        }
        process = null;
    }

    private String describeStartFailure(IOException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("error=2,")) {
            return "command not found: " + command.get(0);
        }
        if (message.contains("error=13,")) {
            return "command not executable: " + command.get(0);
        }
        return "command could not start: " + command.get(0) + " (" + message + ")";
    }

    private void pumpStderr(InputStream err) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(err, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.length() > STDERR_LINE_MAX) {
                    line = line.substring(0, STDERR_LINE_MAX) + "...";
                }
                line = Secrets.redact(line); // ffmpeg, for one, prints its input URL with the password
                cameraLog.info("{}", line);
                synchronized (lastStderr) {
                    if (lastStderr.size() == STDERR_LINES_KEPT) {
                        lastStderr.removeFirst();
                    }
                    lastStderr.addLast(line);
                }
            }
        } catch (IOException e) {
            // The process ended: nothing more to read.
        }
    }

    private String stderrTail() {
        synchronized (lastStderr) {
            if (lastStderr.isEmpty()) {
                return "";
            }
            String tail = "; last stderr: " + String.join(" | ", lastStderr);
            lastStderr.clear();
            return tail;
        }
    }

    /** SIGTERM, then SIGKILL after the grace period; blocks up to twice the grace period. */
    private void terminate(Process p) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        if (!waitFor(p, stopGrace)) {
            log.warn("Camera pid {} ignored SIGTERM for {} ms; killing it", p.pid(), stopGrace.toMillis());
            p.destroyForcibly();
            waitFor(p, Duration.ofSeconds(2));
        }
    }

    private static boolean waitFor(Process p, Duration timeout) {
        try {
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }

    public static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    @Override
    public String toString() {
        CameraStatus s = status();
        return "CameraSupervisor{" + s.state() + " pid=" + s.pid() + " restarts=" + s.restarts() + "}";
    }
}
