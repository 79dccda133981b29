package org.pistream.core.stats;

import java.time.Duration;
import java.time.Instant;

/**
 * Everything {@code /stats}, {@code /metrics} and the stats log line show about one camera, read
 * once and immutable: the readers format it and never reach into the fan-out or the source. Taken
 * by {@code PiStream.stats()} (the one place that reads the live counters).
 *
 * @param name      the camera's name: {@code default} for the unnamed camera
 * @param startedAt when the camera's pi-stream started
 * @param uptime    time since then
 * @param health    whether the camera works as intended, as {@code /healthz} answers
 */
public record CameraStats(String name, Instant startedAt, Duration uptime, Health health, SourceStats source,
                          FanoutStats fanout) {
}
