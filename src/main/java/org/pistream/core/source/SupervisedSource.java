package org.pistream.core.source;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.pistream.core.Lifecycle;
import org.pistream.core.LogGate;
import org.pistream.core.Threads;
import org.pistream.core.jpeg.DropReason;
import org.pistream.core.jpeg.JpegFrameSplitter;
import org.pistream.core.jpeg.JpegVerdict;
import org.pistream.core.jpeg.JpegVerifier;
import org.pistream.core.jpeg.SplitterCounters;
import org.slf4j.Logger;

/**
 * A camera source that runs on one reader thread and is kept running: the template for the camera
 * program ({@link CameraSupervisor}) and the MJPEG server ({@link HttpMjpegCamera}). A new source kind
 * extends it and fills in how one run opens, reads and ends; the template owns everything else:
 * <ul>
 *   <li>the reader thread ({@code threadName}, created in start, joined in stop) and its loop: open
 *       a run, read it until it ends, say why, wait the stepped {@link Backoff}, open the next;</li>
 *   <li>the watchdog: {@link #poll} ends a run that delivered no complete frame for
 *       {@code camera-timeout};</li>
 *   <li>sleep and wake: {@link #sleep} ends the run without a restart (and without a backoff when
 *       woken again at once) until {@link #wake};</li>
 *   <li>the frame path: the {@link JpegFrameSplitter} the kind feeds, warm-up frames discarded after
 *       each start, the first-frame state change, then {@code publishAccepted}, the one step every
 *       accepted frame passes, into the {@link FrameSink};</li>
 *   <li>misconfiguration: a kind that says so ({@link #failuresShowMisconfiguration}) and fails
 *       the same way {@value #MISCONFIGURED_AFTER} times in a row without a frame (the same
 *       {@link #close} reason, which holds the exit code and the program's last words) is reported
 *       as misconfigured, logged once, and retried at the longest backoff until a frame comes;</li>
 *   <li>{@link CameraStatus} and the counters behind it.</li>
 * </ul>
 * A source that makes whole frames itself and has nothing to supervise implements {@link Camera}
 * directly, as {@link TestPatternCamera} does.
 *
 * <p>Threads: only the reader thread calls {@link #open}, {@link #readFrames}, {@link #close},
 * {@link #captureMicros}, {@link #readerEnded} and the log hooks of a run ({@code logStreaming},
 * {@code logRestart}, {@code logIdle}). {@link #abortRun} runs on any thread (the pi-stream timer
 * for the watchdog, a request thread for sleep); {@link #pollRun} and {@code logWatchdog} on the
 * timer; {@link #stopRun} on the thread that calls stop. Another thread ends a run by setting its reason first ({@link #endReason})
 * and then calling {@link #abortRun}, which must make a blocked {@link #readFrames} return. A run that
 * starts while such a request is in flight would not see it, so a kind checks {@link #shouldEnd()}
 * once it has published its handle (process, request, body) where {@code abortRun} can find it.
 */
public abstract class SupervisedSource extends Lifecycle implements Camera {
    /** Failures alike in a row, without a frame, that make a source misconfigured. */
    public static final int MISCONFIGURED_AFTER = 3;

    private final Logger log;
    private final String kind;
    private final String description;
    private final String threadName;
    private final FrameSink sink;
    private final Backoff backoff;
    private final long timeoutNanos;
    private final int warmupFrames;
    private final SourceClock clock;
    private final SplitterCounters counters = new SplitterCounters();
    private final JpegFrameSplitter splitter;
    /** Checks every frame the splitter cuts (reader thread only: it keeps decoding state between frames). */
    private final JpegVerifier verifier;
    private final LogGate rejectLog = new LogGate(10, TimeUnit.SECONDS);
    private final WakeSignal signal = new WakeSignal();

    private Thread reader;
    private volatile CameraState cameraState = CameraState.STOPPED;
    private volatile boolean sleeping;
    /** The current run was ended by {@link #sleep}: not a failure, so no backoff when woken at once. */
    private volatile boolean closedForIdle;
    /** Between a successful {@link #open} and the end of {@link #readFrames}: the watchdog may end the run. */
    private volatile boolean reading;
    private volatile long starts;
    private volatile long restarts;
    private volatile long watchdogKills;
    private volatile long warmupDiscarded;
    private volatile String lastError;
    private volatile String endReason;
    private volatile long lastProgressNanos;
    private volatile long nextStartNanos;
    /** Failed the same way {@link #MISCONFIGURED_AFTER} times in a row; cleared by a frame. */
    private volatile boolean misconfigured;
    /** Between runs, waiting for the next start: stats say when it comes. */
    private volatile boolean backingOff;
    // Reader thread only.
    private long framesThisRun;
    /** Runs in a row that ended with {@link #lastFailure} without a frame. */
    private int sameFailures;
    private String lastFailure;

    /**
     * @param log           the kind's logger: thread-join warnings go there
     * @param kind          the kind as stats show it ({@code command}, {@code http})
     * @param description   what stats and the stats line show, with credentials masked
     * @param threadName    the reader thread's name ({@link Threads} adds the camera's name)
     * @param sink          where accepted frames go; it must copy them
     * @param cameraTimeout end a run that delivers no complete frame for this long (zero: never)
     * @param warmupFrames  frames to discard after each start while exposure settles
     */
    protected SupervisedSource(Logger log, String kind, String description, String threadName, int maxFrameBytes,
                               JpegVerifier.Level verify, FrameSink sink, Backoff backoff, Duration cameraTimeout,
                               int warmupFrames, SourceClock clock) {
        if (warmupFrames < 0) {
            throw new IllegalArgumentException("warm-up frames must be >= 0, was: " + warmupFrames);
        }
        if (cameraTimeout.isNegative()) {
            throw new IllegalArgumentException("camera timeout must be >= 0, was: " + cameraTimeout);
        }
        this.log = log;
        this.kind = kind;
        this.description = description;
        this.threadName = threadName;
        this.sink = sink;
        this.backoff = backoff;
        this.timeoutNanos = cameraTimeout.toNanos();
        this.warmupFrames = warmupFrames;
        this.clock = clock;
        this.splitter = new JpegFrameSplitter(maxFrameBytes, this::onFrame, counters);
        this.verifier = new JpegVerifier(verify);
    }

    // ---- Hooks: one run of the source -------------------------------------------------------

    /**
     * Starts one run (reader thread): launches the program or opens the connection, calls
     * {@link #countStart()} where a start counts, publishes its handle for {@link #abortRun} and then
     * checks {@link #shouldEnd()}. Throws when the run cannot start, saying why in words for stats
     * and viewers; it then cleans up what it opened, and neither {@link #readFrames} nor
     * {@link #close} follows.
     */
    protected abstract void open() throws OpenFailed;

    /**
     * Reads the run's frames into {@link #splitter()} until the source ends or {@link #abortRun}
     * closes it (reader thread). The template ends the splitter's stream afterwards.
     */
    protected abstract void readFrames() throws IOException;

    /**
     * Ends the run (reader thread): reaps or kills the process, closes the connection; then says why
     * the run ended, as stats and viewers show it.
     *
     * @param endReason   why another thread ended the run ({@code stopped}, {@code stopped while idle},
     *                    the watchdog's reason), or null when the source ended by itself
     * @param readFailure what {@link #readFrames} threw, or null
     */
    protected abstract String close(String endReason, IOException readFailure);

    /**
     * Ends the current run from any thread without blocking, so that {@link #readFrames} returns:
     * signals the process, cancels the request, closes the body. There may be no run.
     */
    protected abstract void abortRun();

    /**
     * Ends the current run on the thread that calls stop, after the reason is set and the reader is
     * woken; may block for a bounded time. The default calls {@link #abortRun}.
     */
    protected void stopRun() {
        abortRun();
    }

    /**
     * Called a few times a second on the pi-stream timer before the watchdog looks, for work a kind's
     * run needs then (escalating a termination). Must not block. The default does nothing.
     */
    protected void pollRun(long nanoTime) {
    }

    /** Capture time of the frame being published, in microseconds since the epoch (reader thread). Default: now. */
    protected long captureMicros() {
        return nowMicros();
    }

    /** The process id of the run, or -1 (the default) when there is none. Any thread. */
    protected long pid() {
        return -1;
    }

    /** The exit code of the last run, or null (the default) when the kind has none. Any thread. */
    protected Integer lastExitCode() {
        return null;
    }

    /** The last lines the source's program wrote on stderr, oldest first; the default: none. Any thread. */
    protected List<String> lastOutputLines() {
        return List.of();
    }

    /**
     * Whether a run that fails exactly as the ones before it, without a frame, means a wrong setting
     * rather than a passing fault. The default: no. A program that exits with the same code and
     * words each time is misconfigured; a server that is down for a while is not.
     */
    protected boolean failuresShowMisconfiguration() {
        return false;
    }

    /** How long stop waits for the reader thread. The default: 5 s. */
    protected long stopJoinMillis() {
        return 5000;
    }

    /** Called when the reader thread ends, on it, to release what it created. The default does nothing. */
    protected void readerEnded() {
    }

    // ---- Hooks: what a kind says ----------------------------------------------------------------

    /** The first frame after warm-up of a run arrived (reader thread). */
    protected abstract void logStreaming(int length, long start);

    /** A run failed: the next start is in {@code delayMillis} (reader thread). */
    protected abstract void logRestart(String error, long ranMillis, long frames, long restart, long delayMillis);

    /** A run ended because nobody watches (reader thread). */
    protected abstract void logIdle();

    /** Someone watches again after {@link #sleep} (the caller's thread). */
    protected abstract void logWanted();

    /** The watchdog ends the run (pi-stream timer). */
    protected abstract void logWatchdog(String reason);

    // ---- For kinds ------------------------------------------------------------------------------

    /** Counts a start (stats {@code starts}); a kind calls it from {@link #open}. */
    protected final void countStart() {
        starts++;
    }

    /** What stats show: the command line or the URL, with credentials masked. */
    protected final String description() {
        return description;
    }

    protected final long starts() {
        return starts;
    }

    /** The splitter {@link #readFrames} feeds. Reader thread only. */
    protected final JpegFrameSplitter splitter() {
        return splitter;
    }

    /** Why another thread ended the current run, or null. */
    protected final String endReason() {
        return endReason;
    }

    /** Whether stop or sleep asked the source to end: a run just opened must be ended again. */
    protected final boolean shouldEnd() {
        return isStopping() || sleeping;
    }

    protected final SourceClock clock() {
        return clock;
    }

    /** The time a frame is stamped with: microseconds since the epoch. */
    public static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    // ---- Lifecycle ------------------------------------------------------------------------------

    @Override
    protected final void doStart() {
        // Joined in stop. A kind's resources with JVM-wide helpers (the process reaper, the HTTP
        // client's threads) are created on this thread, so they inherit its context class loader (see Threads).
        reader = Threads.daemon(threadName, this::superviseLoop);
        reader.start();
    }

    @Override
    protected final void doStop() {
        endReason = "stopped";
        signal.wakeAll(); // ends a backoff or idle wait at once
        stopRun();
        Threads.join(reader, stopJoinMillis(), log);
        cameraState = CameraState.STOPPED;
    }

    @Override
    public final CameraStatus status() {
        CameraState state = cameraState;
        long restartIn = backingOff ? Math.max(0, (nextStartNanos - clock.nanoTime()) / 1_000_000) : -1;
        return new CameraStatus(kind, description, state, pid(), starts, restarts, lastExitCode(), lastError,
                restartIn, watchdogKills, warmupDiscarded, splitter.bufferCapacity(), lastOutputLines());
    }

    @Override
    public final SplitterCounters splitterCounters() {
        return counters;
    }

    @Override
    public final void poll(long now) {
        pollRun(now);
        if (timeoutNanos > 0 && reading && endReason == null && now - lastProgressNanos > timeoutNanos) {
            watchdogKills++;
            String reason = "sent no frame for " + timeoutNanos / 1_000_000_000L + " s";
            logWatchdog(reason);
            end(reason);
        }
    }

    @Override
    public final void sleep() {
        if (sleeping) {
            return;
        }
        sleeping = true;
        closedForIdle = true;
        end("stopped while idle");
        signal.wakeAll(); // ends a backoff wait at once
    }

    @Override
    public final void wake() {
        if (sleeping) {
            sleeping = false;
            logWanted();
            signal.wakeAll();
        }
    }

    private void end(String reason) {
        endReason = reason;
        abortRun();
    }

    // ---- The reader thread ----------------------------------------------------------------------

    private void superviseLoop() {
        try {
            while (!isStopping()) {
                if (sleeping) {
                    cameraState = CameraState.IDLE;
                    signal.await(Long.MAX_VALUE, () -> !isStopping() && sleeping);
                    continue;
                }
                long startedAt = clock.nanoTime();
                runOnce();
                long ranMillis = (clock.nanoTime() - startedAt) / 1_000_000;
                if (isStopping()) {
                    break;
                }
                if (sleeping || closedForIdle) {
                    logIdle();
                    continue; // asleep now, or woken again already: then start again without a backoff
                }
                boolean repeated = countFailure();
                long delay = misconfigured ? backoff.capDelayMillis()
                        : backoff.nextDelayMillis(ranMillis, framesThisRun > warmupFrames);
                nextStartNanos = clock.nanoTime() + delay * 1_000_000;
                backingOff = true;
                cameraState = misconfigured ? CameraState.MISCONFIGURED : CameraState.RESTARTING;
                if (!misconfigured) {
                    logRestart(lastError, ranMillis, framesThisRun, restarts + 1, delay);
                } else if (repeated) {
                    log.debug("Camera still misconfigured: {}; retry #{} in {} ms", lastError, restarts + 1, delay);
                } else {
                    log.warn("Camera misconfigured: it failed the same way {} times in a row without a frame: {};"
                            + " retrying every {} s until it sends one", sameFailures, lastError, delay / 1000);
                }
                clock.pause(signal, delay, () -> !isStopping() && !sleeping);
                backingOff = false;
                if (!isStopping() && !sleeping) {
                    restarts++;
                }
            }
        } finally {
            readerEnded();
        }
    }

    /**
     * Counts a run that ended (reader thread): one that failed as the one before, without a frame,
     * adds to the streak, anything else starts it over. Returns whether the source was misconfigured
     * already before this run, so the warning is logged once.
     */
    private boolean countFailure() {
        boolean before = misconfigured;
        if (!failuresShowMisconfiguration() || framesThisRun > 0 || lastError == null) {
            sameFailures = 0;
            lastFailure = null;
        } else if (lastError.equals(lastFailure)) {
            sameFailures++;
        } else {
            sameFailures = 1;
            lastFailure = lastError;
        }
        misconfigured = sameFailures >= MISCONFIGURED_AFTER;
        return before && misconfigured;
    }

    private void runOnce() {
        cameraState = misconfigured ? CameraState.MISCONFIGURED : CameraState.STARTING;
        endReason = null;
        closedForIdle = false;
        framesThisRun = 0;
        lastProgressNanos = clock.nanoTime();
        splitter.endOfStream();
        try {
            open();
        } catch (OpenFailed e) {
            lastError = e.getMessage();
            return;
        }
        IOException failure = null;
        reading = true;
        try {
            readFrames();
        } catch (IOException e) {
            failure = e;
        } finally {
            reading = false;
            splitter.endOfStream();
        }
        lastError = close(endReason, failure);
    }

    /**
     * Every complete JPEG the splitter cuts from the source (reader thread). A frame the check refuses
     * is counted and never published, so viewers and {@code /snapshot} keep the last good one; it is
     * no sign of life either, so a camera that sends only broken frames meets the watchdog.
     */
    private void onFrame(byte[] jpeg, int offset, int length) {
        JpegVerdict verdict = verifier.verify(jpeg, offset, length);
        if (!verdict.isOk()) {
            counters.drop(DropReason.of(verdict));
            String more = rejectLog.pass();
            if (more != null) {
                log.warn("Dropped a camera frame of {} bytes: {} ({}){}", length, verdict.key(), verifier.detail(), more);
            }
            return;
        }
        framesThisRun++;
        lastProgressNanos = clock.nanoTime();
        if (misconfigured) {
            misconfigured = false; // it works now: whatever was wrong was set right
            cameraState = CameraState.STARTING;
        }
        if (framesThisRun <= warmupFrames) {
            warmupDiscarded++;
            return; // exposure still settling
        }
        if (cameraState != CameraState.STREAMING) {
            cameraState = CameraState.STREAMING;
            logStreaming(length, starts);
        }
        publishAccepted(jpeg, offset, length, captureMicros());
    }

    /**
     * The one step every frame accepted from a source passes (reader thread), after the splitter
     * found it whole and warm-up is over: the place for per-frame processing at the source stage. It
     * hands the frame to the sink, which is {@code core.jpeg.FrameIntake} (wired in {@code PiStream}):
     * it inserts missing Huffman tables on the frame's way into the broadcaster.
     */
    private void publishAccepted(byte[] jpeg, int offset, int length, long captureMicros) {
        sink.publish(jpeg, offset, length, captureMicros);
    }

    /** Why a run could not start, in words for stats and viewers ({@code command not found: rpicam-vid}). */
    protected static final class OpenFailed extends Exception {
        private static final long serialVersionUID = 1L;

        public OpenFailed(String reason) {
            super(reason, null, false, false);
        }
    }
}
