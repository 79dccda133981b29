package org.pistream.core.source;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A {@link FrameSink} that keeps a copy of every frame it is given, with its capture time. */
final class FrameRecorder implements FrameSink {
    record Published(byte[] jpeg, long captureMicros) {
    }

    private final List<Published> frames = new ArrayList<>();

    @Override
    public synchronized void publish(byte[] jpeg, int offset, int length, long captureMicros) {
        frames.add(new Published(Arrays.copyOfRange(jpeg, offset, offset + length), captureMicros));
    }

    synchronized List<Published> frames() {
        return List.copyOf(frames);
    }

    synchronized int count() {
        return frames.size();
    }

    void awaitCount(int n) {
        Await.until(() -> n + " frames published, got " + count(), () -> count() >= n);
    }
}
