package org.pistream.core.stats;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.pistream.core.source.CameraState;

/**
 * A camera source at one moment: what it is doing and what its frame splitter threw away.
 *
 * @param kind                  {@code command}, {@code rpicam}, {@code test-pattern} or {@code http}
 * @param description           the command line or URL (credentials masked), or the pattern's size and rate
 * @param pid                   the camera program's process id while it runs, else null
 * @param restarts              restarts after an exit, a failed start or the watchdog
 * @param watchdogRestarts      runs ended because no frame came for {@code camera-timeout} seconds
 * @param lastExitCode          exit code of the last run, or null
 * @param lastError             why the last run ended or could not start, or null
 * @param problem               what viewers are shown instead of a picture, or null while frames flow
 * @param warmupFramesDiscarded frames discarded after starts ({@code warmup-frames})
 * @param frameBufferBytes      memory the splitter holds for the frame being read
 * @param framesDropped         frames dropped and never sent, by reason key, in a fixed order (zeros for a source without a splitter)
 * @param garbageBytes          bytes between frames that belonged to no frame
 * @param lastStderr            the last lines the camera program wrote on stderr (bounded, escaped), oldest first
 * @param requested             what the camera was asked for; what it delivers is in {@link FanoutStats}
 */
public record SourceStats(String kind, String description, CameraState state, Long pid, long starts, long restarts,
                          long watchdogRestarts, Integer lastExitCode, String lastError, String problem,
                          long warmupFramesDiscarded, int frameBufferBytes, Map<String, Long> framesDropped,
                          long garbageBytes, List<String> lastStderr, Requested requested) {

    /**
     * The size, rate and quality the camera was asked for (its settings, the kind's defaults filled
     * in), each null when not set: a command or URL camera is asked nothing.
     */
    public record Requested(String resolution, Integer fps, Integer quality) {
        public static final Requested NONE = new Requested(null, null, null);
    }

    /** A source without program output or requested mode. */
    public SourceStats(String kind, String description, CameraState state, Long pid, long starts, long restarts,
                       long watchdogRestarts, Integer lastExitCode, String lastError, String problem,
                       long warmupFramesDiscarded, int frameBufferBytes, Map<String, Long> framesDropped, long garbageBytes) {
        this(kind, description, state, pid, starts, restarts, watchdogRestarts, lastExitCode, lastError, problem,
                warmupFramesDiscarded, frameBufferBytes, framesDropped, garbageBytes, List.of(), Requested.NONE);
    }

    /** Every state's key, in a fixed order: {@code /metrics} shows a series for each. */
    public static final List<String> STATES = Stream.of(CameraState.values()).map(CameraState::key).toList();

    public SourceStats {
        framesDropped = Collections.unmodifiableMap(new LinkedHashMap<>(framesDropped));
        lastStderr = lastStderr == null ? List.of() : List.copyOf(lastStderr);
        requested = requested == null ? Requested.NONE : requested;
    }

    /** The state's key: {@code starting}, {@code streaming}, {@code restarting}, {@code misconfigured}, {@code idle} or {@code stopped}. */
    public String stateKey() {
        return state.key();
    }

    /** Frames dropped for any reason. */
    public long droppedTotal() {
        long sum = 0;
        for (long n : framesDropped.values()) {
            sum += n;
        }
        return sum;
    }
}
