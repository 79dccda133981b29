package org.pistream.core;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.pistream.core.control.CameraControls;
import org.pistream.core.control.ControlStore;
import org.pistream.core.fanout.Frame;
import org.pistream.core.fanout.FrameBroadcaster;
import org.pistream.core.jpeg.DropReason;
import org.pistream.core.jpeg.FrameIntake;
import org.pistream.core.jpeg.JpegVerifier;
import org.pistream.core.jpeg.SplitterCounters;
import org.pistream.core.settings.CameraSettings;
import org.pistream.core.settings.CameraSource;
import org.pistream.core.settings.KeyTable;
import org.pistream.core.picture.TestPattern;
import org.pistream.core.settings.Settings;
import org.pistream.core.source.Backoff;
import org.pistream.core.source.Camera;
import org.pistream.core.source.CameraState;
import org.pistream.core.source.CameraStatus;
import org.pistream.core.source.CameraSupervisor;
import org.pistream.core.source.FrameSink;
import org.pistream.core.source.HttpMjpegCamera;
import org.pistream.core.source.NoCamera;
import org.pistream.core.source.SwappableCamera;
import org.pistream.core.source.TestPatternCamera;
import org.pistream.core.stats.CameraStats;
import org.pistream.core.stats.FanoutStats;
import org.pistream.core.stats.Health;
import org.pistream.core.stats.SourceStats;
import org.pistream.core.stats.StatsLogLine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One camera served to many clients: owns the broadcaster, the camera and the timer thread
 * ({@code pistream-timer}: the {@link CameraMonitor}, stats log lines and request deadlines). Start creates them in that
 * order; stop ends them in reverse, so the camera stops feeding before the clients are closed.
 */
public final class PiStream extends Lifecycle {
    private static final Logger log = LoggerFactory.getLogger(PiStream.class);
    private static final Logger statsLog = LoggerFactory.getLogger("org.pistream.stats");

    private final String name;
    /** Put before log lines when a server has several cameras, so each line says which. */
    private final String logPrefix;
    /** The name this camera's threads carry, or null when the server has one camera. */
    private final String threadTag;
    private final int statsIntervalSeconds;
    private final FrameBroadcaster broadcaster;
    /** The camera in force; replaced by one with new settings when a control needs a restart. */
    private final SwappableCamera camera;
    private final FrameSink sink;
    private final CameraControls controls;
    /** Runs control changes and camera restarts for them, one at a time, off the request and timer threads. */
    private volatile java.util.concurrent.ThreadPoolExecutor controlsThread;
    private volatile Thread controlsWorker;
    private final CameraMonitor monitor;
    private static final Duration STOP_GRACE = Duration.ofSeconds(3);
    private static final long MONITOR_PERIOD_MILLIS = 250;
    private final Instant startedAt = Instant.now();
    private final long startedNanos = System.nanoTime();
    private volatile ScheduledThreadPoolExecutor timer;
    private volatile java.util.concurrent.ScheduledFuture<?> monitorTask;
    /** The timer's one thread, joined in stop: the pool reports termination before its thread exits. */
    private volatile Thread timerThread;

    /**
     * @param settings             the camera's: its name in stats, metrics and URLs, its source and limits
     * @param statsIntervalSeconds seconds between stats log lines; 0: none
     * @param named                whether the server names its cameras, so logs name this one
     */
    public PiStream(CameraSettings settings, int statsIntervalSeconds, boolean named) {
        this(settings, statsIntervalSeconds, named, new ControlStore(null), Map.of());
    }

    /**
     * @param store where applied control values are saved
     * @param saved this camera's saved control values, restored before it first starts
     */
    public PiStream(CameraSettings configured, int statsIntervalSeconds, boolean named, ControlStore store,
                    Map<String, String> saved) {
        this.name = configured.name();
        this.logPrefix = named ? "Camera '" + name + "': " : "";
        this.threadTag = named ? name : null;
        this.controls = new CameraControls(configured, CameraControls.providerFor(configured), store, logPrefix);
        CameraSettings settings = controls.restore(saved);
        this.statsIntervalSeconds = statsIntervalSeconds;
        int fanoutThreads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        this.broadcaster = new FrameBroadcaster(settings.bufferSize(), settings.maxClients(), fanoutThreads);
        // Every source's frames pass the intake (the source stage's fixes) on their way to the broadcaster.
        FrameIntake intake = new FrameIntake(broadcaster::publish);
        this.sink = intake::accept;
        this.camera = new SwappableCamera(camera(settings, sink, controls.provider().arguments()));
        controls.restarter(this::restart);
        broadcaster.liveCheck(() -> camera.status().state() == CameraState.STREAMING);
        broadcaster.onDemand(camera::wake);
        this.monitor = new CameraMonitor(camera, broadcaster, settings.idleStopSeconds(), freshNanos(),
                requested(settings).resolution());
    }

    /**
     * The built-in test pattern, another MJPEG server, or a supervised camera program; auto: the camera it
     * chose, or none. {@code controlArguments}: the rpicam controls changed from their defaults.
     */
    private static Camera camera(CameraSettings settings, FrameSink sink, java.util.List<String> controlArguments) {
        Duration timeout = Duration.ofSeconds(settings.cameraTimeoutSeconds());
        JpegVerifier.Level verify = JpegVerifier.Level.parse(settings.verifyFrames());
        if (settings.source() instanceof CameraSource.AutoSource auto) {
            if (auto.chosen() == null) {
                return new NoCamera(auto.description(), auto.reason());
            }
            return camera(new CameraSettings(settings.name(), auto.chosen(), settings.values()), sink, controlArguments);
        }
        if (settings.source() instanceof CameraSource.V4l2Source v4l2) {
            return new CameraSupervisor(v4l2.kind(), v4l2.command(settings), settings.maxFrameBytes(), verify, sink,
                    Backoff.cameraDefault(), STOP_GRACE, timeout, settings.warmupFrames());
        }
        if (settings.source() instanceof CameraSource.TestPatternSource pattern) {
            Integer quality = settings.values().has(KeyTable.QUALITY) ? settings.get(KeyTable.QUALITY) : null;
            return new TestPatternCamera(pattern.width(), pattern.height(), pattern.fps(), sink,
                    new TestPattern.Look(quality == null ? 80 : quality, orientation(settings, KeyTable.ROTATION, 0),
                            orientation(settings, KeyTable.HFLIP, false), orientation(settings, KeyTable.VFLIP, false)));
        }
        if (settings.source() instanceof CameraSource.RpicamSource rpicam) {
            java.util.List<String> command = new java.util.ArrayList<>(rpicam.command(settings));
            command.addAll(controlArguments); // the rpicam controls changed from their defaults
            return new CameraSupervisor(rpicam.kind(), command, settings.maxFrameBytes(), verify, sink,
                    Backoff.cameraDefault(), STOP_GRACE, timeout, settings.warmupFrames());
        }
        if (settings.source() instanceof CameraSource.HttpSource source) {
            return new HttpMjpegCamera(source.uri(), source.user(), source.password(), settings.maxFrameBytes(), verify, sink,
                    Backoff.cameraDefault(), timeout, settings.warmupFrames());
        }
        CameraSource.CommandSource command = (CameraSource.CommandSource) settings.source();
        return new CameraSupervisor(command.kind(), command.command(), settings.maxFrameBytes(),
                verify, sink, Backoff.cameraDefault(), STOP_GRACE, timeout, settings.warmupFrames());
    }

    private static <T> T orientation(CameraSettings settings, org.pistream.core.settings.Key<T> key, T otherwise) {
        return settings.values().has(key) ? settings.get(key) : otherwise;
    }

    /**
     * Replaces the camera by one with {@code next} settings and program arguments, on the controls
     * thread: viewers stay subscribed and see "applying settings" until the new camera streams.
     */
    private void restart(CameraSettings next, java.util.List<String> arguments) {
        java.util.concurrent.ThreadPoolExecutor t = controlsThread;
        Camera replacement = camera(next, sink, arguments);
        Runnable swap = () -> {
            long begin = System.nanoTime();
            camera.swap(replacement);
            // Tell viewers now rather than at the monitor's next tick: a camera can start in less than that.
            java.util.concurrent.ScheduledExecutorService tm = timer;
            if (tm != null) {
                try {
                    tm.execute(monitor);
                } catch (java.util.concurrent.RejectedExecutionException stopping) {
                    // the server is stopping: nobody to tell
                }
            }
            log.info("{}Camera restarted for new settings ({} ms to stop the old one): {}", logPrefix,
                    (System.nanoTime() - begin) / 1_000_000, next.source().description());
        };
        if (t == null) {
            swap.run(); // not started: the new camera starts with start()
        } else {
            t.execute(swap);
        }
    }

    /** This camera's controls. */
    public CameraControls controls() {
        return controls;
    }

    /**
     * Runs {@code task} on this camera's controls thread, after any change before it: a change and
     * the restart it causes are done one at a time, and never on a request or the timer thread.
     */
    public void onControlsThread(Runnable task) {
        java.util.concurrent.ThreadPoolExecutor t = controlsThread;
        if (t == null) {
            throw new java.util.concurrent.RejectedExecutionException("PiStream is not running");
        }
        t.execute(task);
    }

    /** How old a camera frame may be and still count as live (keep-alive, snapshots). */
    private long freshNanos() {
        int seconds = settings().cameraTimeoutSeconds() > 0 ? settings().cameraTimeoutSeconds() : 10;
        return seconds * 1_000_000_000L;
    }

    /**
     * The newest camera frame if the camera is streaming and the frame is recent, else null: a
     * snapshot is never a placeholder nor a stale picture of a camera that is down.
     */
    public Frame freshFrame() {
        Frame real = broadcaster.latestReal();
        if (real == null || camera.status().state() != CameraState.STREAMING) {
            return null;
        }
        long ageMicros = CameraSupervisor.nowMicros() - real.captureMicros();
        return ageMicros <= freshNanos() / 1000 ? real : null;
    }

    /**
     * Whether the camera works as intended: UP while it delivers fresh frames (see
     * {@link #freshFrame()}) and while it is stopped on purpose because nobody watches
     * ({@code idle-stop}); DOWN while it starts, restarts, has stopped sending, or pi-stream stops.
     */
    public Health health() {
        return health(camera.status());
    }

    private Health health(CameraStatus status) {
        Frame real = broadcaster.latestReal();
        Long ageMillis = real == null ? null : Math.max(0, (CameraSupervisor.nowMicros() - real.captureMicros()) / 1000);
        boolean up = !isStopping() && (status.state() == CameraState.IDLE || status.state() == CameraState.APPLYING
                || freshFrame() != null);
        return new Health(up, status.state(), ageMillis, status.problem(), status.lastError());
    }

    @Override
    protected void doStart() {
        Threads.forCamera(threadTag, this::startThreads);
    }

    private void startThreads() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = Threads.daemon("pistream-timer", r);
            timerThread = thread; // the one core thread: a failing task ends in its future, never the thread
            return thread;
        });
        t.setRemoveOnCancelPolicy(true); // cancelled request deadlines must not pile up
        timer = t;
        // Bounded: a client that posts changes faster than the camera restarts gets 503, not a growing queue.
        java.util.concurrent.ThreadPoolExecutor c = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new java.util.concurrent.ArrayBlockingQueue<>(8), r -> {
                    Thread thread = Threads.daemon("pistream-controls", r);
                    controlsWorker = thread;
                    return thread;
                });
        c.prestartCoreThread(); // made here, in this camera's thread group, not by the first request
        controlsThread = c;
        broadcaster.start();
        camera.start();
        monitorTask = t.scheduleWithFixedDelay(monitor, MONITOR_PERIOD_MILLIS, MONITOR_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        if (statsIntervalSeconds > 0) {
            StatsLogLine line = new StatsLogLine(System.nanoTime());
            t.scheduleAtFixedRate(() -> logStats(line), statsIntervalSeconds, statsIntervalSeconds, TimeUnit.SECONDS);
        }
        logChoice(settings().source());
        log.info("{}pi-stream started: camera {}, max {} clients, buffer {} frames", logPrefix, settings().source().description(),
                settings().maxClients(), settings().bufferSize());
    }

    /** What was chosen at start and why: the automatic choice, a webcam's mode. */
    private void logChoice(CameraSource source) {
        if (source instanceof CameraSource.AutoSource auto) {
            for (String note : auto.notes()) {
                log.info("{}Camera detection: {}", logPrefix, note);
            }
            if (auto.chosen() == null) {
                log.warn("{}Camera auto: {}; a camera plugged in later is used after pi-stream restarts", logPrefix, auto.reason());
                return;
            }
            log.info("{}Camera auto: {}", logPrefix, auto.reason());
            logChoice(auto.chosen());
        } else if (source instanceof CameraSource.V4l2Source v4l2) {
            log.info("{}Camera v4l2:{}: {}", logPrefix, v4l2.device(), v4l2.reason());
        }
    }

    @Override
    protected void doStop() {
        long begin = System.nanoTime();
        java.util.concurrent.ScheduledFuture<?> task = monitorTask;
        if (task != null) {
            task.cancel(false); // no placeholder or watchdog action while shutting down
        }
        java.util.concurrent.ThreadPoolExecutor c = controlsThread;
        controlsThread = null;
        if (c != null) {
            c.shutdownNow(); // a queued restart is dropped; a running one ends before the camera stops
            try {
                Thread worker = controlsWorker;
                if (!c.awaitTermination(5, TimeUnit.SECONDS)) {
                    log.warn("pistream-controls did not end within 5 s");
                } else if (worker != null) {
                    worker.join(1000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        camera.stop();
        broadcaster.stop();
        ScheduledThreadPoolExecutor t = timer;
        if (t != null) {
            t.shutdownNow();
            try {
                Thread thread = timerThread;
                if (!t.awaitTermination(3, TimeUnit.SECONDS)) {
                    log.warn("pistream-timer did not end within 3 s");
                } else if (thread != null) {
                    thread.join(1000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        monitor.dispose();
        FanoutStats numbers = broadcaster.stats();
        log.info("{}pi-stream stopped in {} ms after {} frames in, {} frames out", logPrefix, (System.nanoTime() - begin) / 1_000_000,
                numbers.framesIn(), numbers.framesOut());
    }

    private void logStats(StatsLogLine line) {
        try {
            StatsLogLine.Line next = line.next(stats(), System.nanoTime());
            if (next.quiet()) {
                statsLog.debug(logPrefix + next.text());
            } else {
                statsLog.info(logPrefix + next.text());
            }
        } catch (RuntimeException e) {
            log.warn("Stats line failed", e);
        }
    }

    /**
     * This camera's numbers now, read once into an immutable snapshot: the one place that reads the
     * broadcaster's, the camera's and the splitter's live counters for {@code /stats},
     * {@code /metrics} and the stats log line.
     */
    public CameraStats stats() {
        CameraStatus status = camera.status();
        return new CameraStats(name, startedAt, uptime(), health(status), source(status, camera.splitterCounters(),
                        requested(settings())),
                broadcaster.stats());
    }

    private static SourceStats.Requested requested(CameraSettings settings) {
        return new SourceStats.Requested(orientation(settings, KeyTable.RESOLUTION, null), orientation(settings, KeyTable.FPS, null),
                orientation(settings, KeyTable.QUALITY, null));
    }

    private static SourceStats source(CameraStatus status, SplitterCounters counters, SourceStats.Requested requested) {
        Map<String, Long> dropped = new LinkedHashMap<>();
        for (DropReason reason : DropReason.values()) {
            dropped.put(reason.key(), counters == null ? 0 : counters.dropped(reason));
        }
        return new SourceStats(status.kind(), status.description(), status.state(), status.pid() < 0 ? null : status.pid(),
                status.starts(), status.restarts(), status.watchdogKills(), status.lastExitCode(), status.lastError(),
                status.problem(), status.warmupDiscarded(), status.frameBufferBytes(), dropped,
                counters == null ? 0 : counters.garbageBytes(), status.lastStderr(), requested);
    }

    /** The settings in force: the configured ones with the control changes applied since. */
    public CameraSettings settings() {
        return controls.settings();
    }

    /** The camera's name: {@value Settings#UNNAMED} for the unnamed camera. */
    public String name() {
        return name;
    }

    public FrameBroadcaster broadcaster() {
        return broadcaster;
    }

    public Camera camera() {
        return camera;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Duration uptime() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** The timer for short deadlines; tasks must not block. */
    public ScheduledExecutorService timer() {
        ScheduledExecutorService t = timer;
        if (t == null) {
            throw new IllegalStateException("PiStream is not started");
        }
        return t;
    }
}
