package org.pistream.core.jpeg;

import java.util.Arrays;

/**
 * Cuts a camera's byte stream into complete JPEG frames.
 *
 * <p>It walks JPEG markers by their segment lengths instead of scanning for the first end marker,
 * so an EXIF thumbnail (a whole JPEG inside APP1) does not cut a frame in half. Inside
 * entropy-coded data {@code FF00} and the restart markers {@code FFD0..FFD7} are data. Bytes
 * outside a frame are skipped and counted as garbage; truncated, malformed and oversize frames are
 * dropped, counted by {@link DropReason}, and the splitter resynchronises at the next start marker.
 * The frame buffer never grows past the configured maximum.
 *
 * <p>Not thread-safe: one reader thread calls {@link #feed}; the {@link Sink} is called on that
 * thread and must copy what it keeps, because the buffer is reused for the next frame.
 */
public final class JpegFrameSplitter {

    /** Receives each complete frame; {@code jpeg} is only valid during the call. */
    @FunctionalInterface
    public interface Sink {
        void onFrame(byte[] jpeg, int offset, int length);
    }

    private enum State {
        SEEK_FF, SEEK_SOI, MARKER, MARKER_CODE, LENGTH_HIGH, LENGTH_LOW, SEGMENT, ENTROPY, ENTROPY_FF
    }

    private static final int INITIAL_BUFFER = 64 * 1024;

    private final int maxFrameBytes;
    private final Sink sink;
    private final SplitterCounters counters;

    private State state = State.SEEK_FF;
    private byte[] frame;
    private int frameLength;
    /** The frame is too large: keep walking its structure to find its end, but store nothing. */
    private boolean discarding;
    private boolean sawScan;
    private boolean segmentIsScan;
    private int lengthHigh;
    private int segmentRemaining;

    public JpegFrameSplitter(int maxFrameBytes, Sink sink, SplitterCounters counters) {
        if (maxFrameBytes < 128) {
            throw new IllegalArgumentException("maxFrameBytes must be >= 128, was: " + maxFrameBytes);
        }
        this.maxFrameBytes = maxFrameBytes;
        this.sink = sink;
        this.counters = counters;
        this.frame = new byte[Math.min(INITIAL_BUFFER, maxFrameBytes)];
    }

    public SplitterCounters counters() {
        return counters;
    }

    /** Bytes currently allocated for the frame being assembled; never more than the maximum frame size. */
    public int bufferCapacity() {
        return frame.length;
    }

    /** Feeds the next bytes of the stream, in any chunking. */
    public void feed(byte[] data, int offset, int length) {
        counters.bytesIn(length);
        final int end = offset + length;
        int i = offset;
        // Start, within data, of frame bytes not yet copied into the frame buffer; -1 outside a frame.
        int copyFrom = inFrame() ? offset : -1;
        while (i < end) {
            switch (state) {
                case SEEK_FF: {
                    int start = i;
                    while (i < end && data[i] != (byte) 0xFF) {
                        i++;
                    }
                    counters.garbage(i - start);
                    if (i < end) {
                        state = State.SEEK_SOI;
                        i++;
                    }
                    break;
                }
                case SEEK_SOI: {
                    int b = data[i] & 0xFF;
                    if (b == 0xD8) {
                        copyFrom = beginFrame(data, offset, i);
                        state = State.MARKER;
                    } else if (b == 0xFF) {
                        counters.garbage(1);
                    } else {
                        counters.garbage(2);
                        state = State.SEEK_FF;
                    }
                    i++;
                    break;
                }
                case MARKER: {
                    if (data[i] != (byte) 0xFF) {
                        copyFrom = drop(DropReason.MALFORMED);
                        // Resynchronise on this very byte: it may start the next frame.
                        state = State.SEEK_FF;
                        break;
                    }
                    state = State.MARKER_CODE;
                    i++;
                    break;
                }
                case MARKER_CODE: {
                    int code = data[i] & 0xFF;
                    if (code == 0xFF) {
                        i++; // fill byte
                    } else if (code == 0xD8) {
                        // A new image starts before this one ended.
                        drop(DropReason.TRUNCATED);
                        copyFrom = beginFrame(data, offset, i);
                        state = State.MARKER;
                        i++;
                    } else if (code == 0xD9) {
                        i++;
                        copyFrom = endFrame(data, copyFrom, i);
                    } else if ((code >= 0xD0 && code <= 0xD7) || code == 0x01) {
                        state = State.MARKER; // standalone marker, no length
                        i++;
                    } else if (code == 0x00) {
                        copyFrom = drop(DropReason.MALFORMED);
                        state = State.SEEK_FF;
                    } else {
                        segmentIsScan = code == 0xDA;
                        state = State.LENGTH_HIGH;
                        i++;
                    }
                    break;
                }
                case LENGTH_HIGH:
                    lengthHigh = data[i] & 0xFF;
                    state = State.LENGTH_LOW;
                    i++;
                    break;
                case LENGTH_LOW: {
                    int segmentLength = (lengthHigh << 8) | (data[i] & 0xFF);
                    if (segmentLength < 2) {
                        copyFrom = drop(DropReason.MALFORMED);
                        state = State.SEEK_FF;
                        break;
                    }
                    i++;
                    segmentRemaining = segmentLength - 2;
                    state = State.SEGMENT;
                    if (segmentRemaining == 0) {
                        afterSegment();
                    }
                    break;
                }
                case SEGMENT: {
                    int n = Math.min(segmentRemaining, end - i);
                    i += n;
                    segmentRemaining -= n;
                    if (segmentRemaining == 0) {
                        afterSegment();
                    }
                    break;
                }
                case ENTROPY:
                    while (i < end && data[i] != (byte) 0xFF) {
                        i++;
                    }
                    if (i < end) {
                        state = State.ENTROPY_FF;
                        i++;
                    }
                    break;
                case ENTROPY_FF: {
                    int b = data[i] & 0xFF;
                    if (b == 0x00 || (b >= 0xD0 && b <= 0xD7)) {
                        state = State.ENTROPY; // stuffed byte or restart marker: still scan data
                        i++;
                    } else if (b == 0xFF) {
                        i++; // fill byte
                    } else {
                        state = State.MARKER_CODE; // a real marker ends the scan; handle it there
                    }
                    break;
                }
                default:
                    throw new IllegalStateException("unknown state " + state);
            }
            if (copyFrom >= 0 && !inFrame()) {
                copyFrom = -1;
            }
        }
        if (copyFrom >= 0 && inFrame()) {
            append(data, copyFrom, end - copyFrom);
        }
    }

    /** The input ended (the camera closed its output): a frame in progress is truncated. */
    public void endOfStream() {
        if (inFrame()) {
            drop(DropReason.TRUNCATED);
        }
        state = State.SEEK_FF;
    }

    private boolean inFrame() {
        return state != State.SEEK_FF && state != State.SEEK_SOI;
    }

    private void afterSegment() {
        if (segmentIsScan) {
            sawScan = true;
            state = State.ENTROPY;
        } else {
            state = State.MARKER;
        }
    }

    /** Starts a frame whose D8 byte is at {@code d8}; returns where copying starts in {@code data}. */
    private int beginFrame(byte[] data, int offset, int d8) {
        frameLength = 0;
        discarding = false;
        sawScan = false;
        if (d8 > offset) {
            return d8 - 1;
        }
        // The FF of this start marker came at the end of the previous chunk.
        frame[0] = (byte) 0xFF;
        frameLength = 1;
        return d8;
    }

    /** Completes the frame ending just before {@code end}; returns -1 (no frame in progress). */
    private int endFrame(byte[] data, int copyFrom, int end) {
        append(data, copyFrom, end - copyFrom);
        state = State.SEEK_FF;
        if (discarding) {
            // counted when the limit was crossed
        } else if (!sawScan) {
            counters.drop(DropReason.MALFORMED);
        } else {
            counters.frame();
            sink.onFrame(frame, 0, frameLength);
        }
        frameLength = 0;
        discarding = false;
        return -1;
    }

    /** Abandons the frame in progress; returns -1 (no frame in progress). */
    private int drop(DropReason reason) {
        if (!discarding) {
            counters.drop(reason); // an oversize frame was counted when it crossed the limit
        }
        frameLength = 0;
        discarding = false;
        state = State.SEEK_FF;
        return -1;
    }

    private void append(byte[] data, int from, int length) {
        if (discarding || length <= 0) {
            return;
        }
        int needed = frameLength + length;
        if (needed > maxFrameBytes) {
            // Counted now, not at the frame's end: a camera that never ends its frame shows up in stats at once.
            counters.drop(DropReason.OVERSIZE);
            discarding = true;
            frameLength = 0;
            return;
        }
        if (needed > frame.length) {
            frame = Arrays.copyOf(frame, (int) Math.min(maxFrameBytes, Math.max(needed, 2L * frame.length)));
        }
        System.arraycopy(data, from, frame, frameLength, length);
        frameLength = needed;
    }
}
