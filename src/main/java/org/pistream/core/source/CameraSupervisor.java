package org.pistream.core.source;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.pistream.core.LogGate;
import org.pistream.core.Threads;
import org.pistream.core.jpeg.JpegVerifier;
import org.pistream.core.settings.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the camera command, splits its standard output into frames, and restarts it when it exits: the
 * process kind of {@link SupervisedSource}, which owns the loop, backoff, watchdog, sleep and warm-up.
 *
 * <p>Threads: {@code camera-reader} (the template's) launches the process through the
 * {@link ProcessLauncher}, reads its stdout into one reused buffer, and reaps it; {@code camera-stderr}
 * (one per run, joined by the reader) drains the camera's stderr into a {@link StderrTail} and logs it
 * to {@code org.pistream.camera} (at most {@value #STDERR_LOG_LINES} lines per 10 s); the run's reason
 * is the tail's, so stats and viewers read {@code rpicam-vid exited with code 255: ERROR: *** no
 * cameras available ***}.
 * {@link #poll} on the pi-stream timer escalates SIGTERM to SIGKILL after the grace period, so no
 * caller ever blocks on a stubborn process; only stop waits (SIGTERM, grace, SIGKILL). A command
 * that cannot start is logged and retried with the same backoff.
 */
public final class CameraSupervisor extends SupervisedSource {
    private static final Logger log = LoggerFactory.getLogger(CameraSupervisor.class);
    private static final Logger cameraLog = LoggerFactory.getLogger("org.pistream.camera");
    private static final int READ_BUFFER = 64 * 1024;
    private static final int STDERR_LOG_LINES = 30;

    private final List<String> command;
    private final ProcessLauncher launcher;
    private final Duration stopGrace;
    private final StderrTail stderrTail = new StderrTail();
    /** A program that writes a line per frame must not fill the log; its last lines stay in stats. */
    private final LogGate stderrLog = new LogGate(STDERR_LOG_LINES, 10, TimeUnit.SECONDS);
    // Reader thread only.
    private final byte[] buffer = new byte[READ_BUFFER];
    private Thread stderr;

    private volatile Process process;
    private volatile Integer lastExitCode;
    private volatile long terminateRequestedNanos;

    /**
     * @param cameraTimeout end a running camera that sends no complete frame for this long (zero: never)
     * @param warmupFrames  frames to discard after each start while exposure settles
     */
    public CameraSupervisor(List<String> command, int maxFrameBytes, JpegVerifier.Level verify, FrameSink sink,
                            Backoff backoff, Duration stopGrace, Duration cameraTimeout, int warmupFrames) {
        this("command", command, maxFrameBytes, verify, sink, backoff, stopGrace, cameraTimeout, warmupFrames);
    }

    /** @param kind the kind as stats show it: {@code command}, or {@code rpicam} for a command pi-stream made up */
    public CameraSupervisor(String kind, List<String> command, int maxFrameBytes, JpegVerifier.Level verify, FrameSink sink,
                            Backoff backoff, Duration stopGrace, Duration cameraTimeout, int warmupFrames) {
        this(kind, command, maxFrameBytes, verify, sink, backoff, stopGrace, cameraTimeout, warmupFrames, ProcessLauncher.SYSTEM,
                SourceClock.SYSTEM);
    }

    CameraSupervisor(List<String> command, int maxFrameBytes, JpegVerifier.Level verify, FrameSink sink, Backoff backoff,
                     Duration stopGrace, Duration cameraTimeout, int warmupFrames, ProcessLauncher launcher, SourceClock clock) {
        this("command", command, maxFrameBytes, verify, sink, backoff, stopGrace, cameraTimeout, warmupFrames, launcher, clock);
    }

    CameraSupervisor(String kind, List<String> command, int maxFrameBytes, JpegVerifier.Level verify, FrameSink sink,
                     Backoff backoff, Duration stopGrace, Duration cameraTimeout, int warmupFrames, ProcessLauncher launcher,
                     SourceClock clock) {
        super(log, kind, Secrets.redact(String.join(" ", nonEmpty(command))), "camera-reader", maxFrameBytes, verify,
                sink, backoff, cameraTimeout, warmupFrames, clock);
        this.command = List.copyOf(command);
        this.launcher = launcher;
        this.stopGrace = stopGrace;
    }

    private static List<String> nonEmpty(List<String> command) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("camera command must not be empty");
        }
        return command;
    }

    @Override
    protected void open() throws OpenFailed {
        terminateRequestedNanos = 0;
        stderrTail.newRun();
        Process p;
        try {
            p = launcher.launch(command);
        } catch (IOException e) {
            lastExitCode = null;
            throw new OpenFailed(describeStartFailure(e));
        }
        process = p;
        countStart();
        if (shouldEnd()) {
            terminate(p); // stop() or sleep() ran between the check and start(); they could not see this process
        }
        log.info("Camera started: pid {} `{}` (start #{})", p.pid(), description(), starts());
        stderr = Threads.daemon("camera-stderr", () -> stderrTail.pump(p.getErrorStream(), this::logStderr));
        stderr.start();
    }

    @Override
    protected void readFrames() throws IOException {
        try (InputStream out = process.getInputStream()) {
            int n;
            while ((n = out.read(buffer)) >= 0) {
                if (n > 0) {
                    splitter().feed(buffer, 0, n);
                }
            }
        }
    }

    @Override
    protected String close(String endReason, IOException readFailure) {
        Process p = process;
        if (readFailure != null && !isStopping()) {
            log.warn("Reading the camera's output failed: {}", readFailure.getMessage());
        }
        // The output closed: a camera that keeps running without output is ended too.
        String reason = endReason;
        if (!waitFor(p, stopGrace)) {
            if (reason == null) {
                reason = "closed its output but kept running";
            }
            terminate(p);
        }
        try {
            stderr.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stderr = null;
        Integer exitCode = p.isAlive() ? null : p.exitValue();
        lastExitCode = exitCode;
        if (isStopping()) {
            log.info("Camera stopped: pid {} exit code {}", p.pid(), exitCode);
        }
        process = null;
        if (isStopping()) {
            return "stopped";
        }
        if (reason != null) {
            return reason + " (exit code " + exitCode + ")";
        }
        String words = stderrTail.reason();
        return program() + " exited with code " + exitCode + (words == null ? "" : ": " + words);
    }

    @Override
    protected void abortRun() {
        Process p = process;
        if (p != null && p.isAlive()) {
            terminateRequestedNanos = clock().nanoTime();
            p.destroy(); // SIGTERM; poll() escalates to SIGKILL after the grace period
        }
    }

    @Override
    protected void stopRun() {
        Process p = process;
        if (p != null) {
            terminate(p);
        }
    }

    @Override
    protected void pollRun(long now) {
        Process p = process;
        long requested = terminateRequestedNanos;
        if (p != null && requested != 0 && p.isAlive() && now - requested > stopGrace.toNanos()) {
            log.warn("Camera pid {} ignored SIGTERM for {} ms; killing it", p.pid(), stopGrace.toMillis());
            p.destroyForcibly();
            terminateRequestedNanos = now; // try again after another grace period if need be
        }
    }

    @Override
    protected long pid() {
        Process p = process;
        return p != null && p.isAlive() ? p.pid() : -1;
    }

    @Override
    protected Integer lastExitCode() {
        return lastExitCode;
    }

    /** A program that exits with the same code and words each time will do so until a setting changes. */
    @Override
    protected boolean failuresShowMisconfiguration() {
        return true;
    }

    @Override
    protected List<String> lastOutputLines() {
        return stderrTail.lines();
    }

    /** The program's file name, as people call it: {@code rpicam-vid} for {@code /usr/bin/rpicam-vid}. */
    private String program() {
        String program = command.get(0);
        int slash = program.lastIndexOf('/', program.length() - 2);
        return program.substring(slash + 1);
    }

    @Override
    protected long stopJoinMillis() {
        return stopGrace.toMillis() + 2000;
    }

    @Override
    protected void logStreaming(int length, long start) {
        log.info("Camera streaming: first frame of {} bytes after start #{}", length, start);
    }

    @Override
    protected void logRestart(String error, long ranMillis, long frames, long restart, long delayMillis) {
        log.warn("Camera {} (ran {} ms, {} frames); restart #{} in {} ms", error, ranMillis, frames, restart, delayMillis);
    }

    @Override
    protected void logIdle() {
        log.info("Camera stopped: nobody watching");
    }

    @Override
    protected void logWanted() {
        log.info("Camera wanted again: starting it");
    }

    @Override
    protected void logWatchdog(String reason) {
        log.warn("Camera pid {} {}: ending it (watchdog)", pid(), reason);
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

    private void logStderr(String line) {
        String more = stderrLog.pass();
        if (more != null) {
            cameraLog.info("{}{}", line, more);
        }
    }

    /** SIGTERM, then SIGKILL after the grace period; blocks up to the grace period plus 2 s. */
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

    @Override
    public String toString() {
        CameraStatus s = status();
        return "CameraSupervisor{" + s.state() + " pid=" + s.pid() + " restarts=" + s.restarts() + "}";
    }
}
