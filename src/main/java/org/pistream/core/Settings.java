package org.pistream.core;

import java.net.URI;
import java.util.List;

/**
 * Every setting pi-stream runs with, validated and immutable. Built once by the context listener
 * (from MicroProfile Config) and handed to constructors; nothing below reads configuration.
 *
 * @param cameraCommand    the camera program and its arguments, already split into words
 * @param testPattern      the built-in camera to use instead of the command, or null
 * @param httpSource       another MJPEG server to relay instead of the command, or null
 * @param statsIntervalSeconds seconds between stats log lines; 0 turns them off
 * @param cameraTimeoutSeconds end a camera that sends no complete frame for this long; 0: never
 * @param idleStopSeconds      stop the camera after this long without viewers; 0: never
 * @param warmupFrames         frames discarded after each camera start
 */
public record Settings(int port, String address, int maxClients, int bufferSize, int statsIntervalSeconds,
                       List<String> cameraCommand, TestPatternSpec testPattern, String logLevel, boolean verbose,
                       int maxFrameBytes, int snapshotTimeoutMillis, int cameraTimeoutSeconds, int idleStopSeconds,
                       int warmupFrames, HttpSourceSpec httpSource) {

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

    /**
     * An MJPEG URL to read frames from ({@code camera-url}).
     *
     * @param url      the URL without credentials, as logs and stats show it
     * @param user     basic-auth user, or null for none
     * @param password basic-auth password, or null; never shown
     */
    public record HttpSourceSpec(URI url, String user, String password) {
        @Override
        public String toString() {
            return url + (user == null ? "" : " (as " + user + ")");
        }
    }

    /** What the stats and logs call the camera. */
    public String cameraDescription() {
        if (httpSource != null) {
            return httpSource.toString();
        }
        return testPattern != null ? testPattern.toString() : String.join(" ", cameraCommand);
    }
}
