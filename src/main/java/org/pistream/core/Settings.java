package org.pistream.core;

import java.util.List;

/**
 * Every setting pi-stream runs with, validated and immutable. Built once by the context listener
 * (from MicroProfile Config) and handed to constructors; nothing below reads configuration.
 *
 * @param cameraCommand    the camera program and its arguments, already split into words
 * @param testPattern      the built-in camera to use instead of the command, or null
 * @param statsIntervalSeconds seconds between stats log lines; 0 turns them off
 * @param cameraTimeoutSeconds end a camera that sends no complete frame for this long; 0: never
 * @param idleStopSeconds      stop the camera after this long without viewers; 0: never
 * @param warmupFrames         frames discarded after each camera start
 * @param logFormat            {@code text} or {@code json} (one JSON object per line); used by the embedded launcher
 */
public record Settings(int port, String address, int maxClients, int bufferSize, int statsIntervalSeconds,
                       List<String> cameraCommand, TestPatternSpec testPattern, String logLevel, boolean verbose,
                       int maxFrameBytes, int snapshotTimeoutMillis, int cameraTimeoutSeconds, int idleStopSeconds,
                       int warmupFrames, String logFormat) {

    public Settings {
        cameraCommand = List.copyOf(cameraCommand);
    }

    /** Size and rate of the built-in test pattern. */
    public record TestPatternSpec(int width, int height, int fps) {
        @Override
        public String toString() {
            return "test-pattern:" + width + "x" + height + "@" + fps;
        }
    }

    /** What the stats and logs call the camera: credentials in the command are masked. */
    public String cameraDescription() {
        return testPattern != null ? testPattern.toString() : Secrets.redact(String.join(" ", cameraCommand));
    }

    /** Every setting, for logs: the camera command with credentials masked. */
    @Override
    public String toString() {
        return "Settings[port=" + port + ", address=" + address + ", maxClients=" + maxClients + ", bufferSize=" + bufferSize
                + ", statsIntervalSeconds=" + statsIntervalSeconds + ", camera=" + cameraDescription() + ", logLevel="
                + logLevel + ", verbose=" + verbose + ", logFormat=" + logFormat + ", maxFrameBytes=" + maxFrameBytes
                + ", snapshotTimeoutMillis=" + snapshotTimeoutMillis + ", cameraTimeoutSeconds=" + cameraTimeoutSeconds
                + ", idleStopSeconds=" + idleStopSeconds + ", warmupFrames=" + warmupFrames + "]";
    }
}
