package org.pistream.core.source;

/**
 * Where a source hands the frames it accepted: in pi-stream, the camera's broadcaster. Called on the
 * source's reader thread, one frame at a time.
 */
@FunctionalInterface
public interface FrameSink {
    /** Takes one whole JPEG; {@code jpeg} is only valid during the call, so the sink copies what it keeps. */
    void publish(byte[] jpeg, int offset, int length, long captureMicros);
}
