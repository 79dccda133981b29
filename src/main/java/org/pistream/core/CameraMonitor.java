package org.pistream.core;

import org.pistream.core.fanout.Frame;
import org.pistream.core.fanout.FrameBroadcaster;
import org.pistream.core.picture.Placeholder;
import org.pistream.core.source.Camera;
import org.pistream.core.source.CameraState;
import org.pistream.core.source.CameraStatus;
import org.pistream.core.source.CameraSupervisor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps viewers informed when frames stop, and the camera busy only while someone watches. Runs a
 * few times a second on the pi-stream timer:
 * <ul>
 *   <li>drives the camera's watchdog ({@link Camera#poll});</li>
 *   <li>keep-alive: when no frame went out for a second while the camera streams, re-sends the
 *       last frame, so browsers and proxies keep the connection;</li>
 *   <li>no signal: while the camera starts, restarts or fails, sends the placeholder picture with
 *       the reason about once a second (rendered again only when the text or size changes);</li>
 *   <li>idle stop: sleeps the camera when nobody has watched for {@code idle-stop} seconds.</li>
 * </ul>
 */
final class CameraMonitor implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(CameraMonitor.class);
    static final long RESEND_NANOS = 1_000_000_000L;
    private static final int DEFAULT_WIDTH = 640;
    private static final int DEFAULT_HEIGHT = 480;

    private final Camera camera;
    private final FrameBroadcaster broadcaster;
    private final long idleStopNanos;
    private final long freshNanos;
    /** The no-signal picture's size before the camera's first frame: the size asked of it, else 640x480. */
    private final int defaultWidth;
    private final int defaultHeight;
    // Made on first use, on the timer thread: ImageIO remembers the context class loader of the thread
    // that first uses it, and the deploying thread's is the webapp's (see Threads).
    private Placeholder placeholder;

    private long lastDemandNanos = System.nanoTime();
    private String placeholderKey;
    private byte[] placeholderJpeg;

    /**
     * @param idleStopSeconds sleep the camera after this long without viewers; 0: never
     * @param freshNanos      a camera frame older than this is not repeated as a keep-alive
     * @param resolution      the size asked of the camera ({@code WxH}), or null
     */
    CameraMonitor(Camera camera, FrameBroadcaster broadcaster, int idleStopSeconds, long freshNanos, String resolution) {
        this.camera = camera;
        this.broadcaster = broadcaster;
        this.idleStopNanos = idleStopSeconds * 1_000_000_000L;
        this.freshNanos = freshNanos;
        int x = resolution == null ? -1 : resolution.indexOf('x');
        this.defaultWidth = x > 0 ? Integer.parseInt(resolution.substring(0, x)) : DEFAULT_WIDTH;
        this.defaultHeight = x > 0 ? Integer.parseInt(resolution.substring(x + 1)) : DEFAULT_HEIGHT;
    }

    @Override
    public void run() {
        try {
            long now = System.nanoTime();
            camera.poll(now);
            boolean watched = broadcaster.subscriberCount() > 0;
            if (idleStopNanos > 0) {
                stopWhenIdle(now, watched || broadcaster.hasFrameWaiters());
            }
            if (watched && (now - broadcaster.lastPublishNanos() >= RESEND_NANOS || showsStaleCameraFrame())) {
                resend();
            }
        } catch (RuntimeException | LinkageError e) {
            log.warn("Camera monitor failed", e);
        }
    }

    /** The camera is down but the last frame sent is a camera frame: tell viewers now, not in a second. */
    private boolean showsStaleCameraFrame() {
        Frame latest = broadcaster.latest();
        return latest != null && !latest.isPlaceholder() && camera.status().problem() != null;
    }

    private void stopWhenIdle(long now, boolean wanted) {
        CameraState state = camera.status().state();
        if (wanted || state == CameraState.IDLE) {
            lastDemandNanos = now;
        } else if (now - lastDemandNanos >= idleStopNanos) {
            log.info("Nobody watched for {} s: stopping the camera until the next request", idleStopNanos / 1_000_000_000L);
            camera.sleep();
            lastDemandNanos = now;
        }
    }

    private void resend() {
        CameraStatus status = camera.status();
        Frame real = broadcaster.latestReal();
        long micros = CameraSupervisor.nowMicros();
        boolean fresh = real != null && micros - real.captureMicros() <= freshNanos / 1000;
        String problem = status.problem();
        if (problem == null && fresh) {
            broadcaster.republish(real);
            return;
        }
        if (problem == null) {
            problem = real == null ? "waiting for the camera" : "camera sends no frames";
        }
        int[] size = real == null ? null : real.size();
        int width = size == null ? defaultWidth : size[0];
        int height = size == null ? defaultHeight : size[1];
        // A restart for new settings is said as such, not as a lost signal.
        String title = status.state() == CameraState.APPLYING ? "APPLYING SETTINGS" : "NO SIGNAL";
        String key = width + "x" + height + " " + title + " " + problem;
        if (!key.equals(placeholderKey)) {
            if (placeholder == null) {
                placeholder = new Placeholder();
            }
            placeholderJpeg = placeholder.render(width, height, title, problem);
            placeholderKey = key;
        }
        broadcaster.publishPlaceholder(placeholderJpeg, micros, real);
    }

    /** Called after the timer thread has ended. */
    void dispose() {
        if (placeholder != null) {
            placeholder.dispose();
        }
    }
}
