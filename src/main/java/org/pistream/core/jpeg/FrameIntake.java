package org.pistream.core.jpeg;

/**
 * Where every camera source hands over its frames, the last step of the source stage: a frame is
 * fixed here so that every viewer's decoder can show it, then passed on to be published. Today
 * the one fix is Safari's: frames without Huffman tables (UVC webcams, {@code ffmpeg -c copy})
 * get the standard ones ({@link HuffmanTables}). A further fix belongs here too, not in a source
 * or in the fan-out.
 *
 * <p>Threading: called by the source's reader thread, one frame at a time; it never waits. A frame
 * that needs no fix is passed on as it came (same array, no copy); a fixed frame is a new array.
 */
public final class FrameIntake {
    /** The stage after the intake: publishes a frame to the viewers, copying the bytes it keeps. */
    @FunctionalInterface
    public interface Publisher {
        void publish(byte[] jpeg, int offset, int length, long captureMicros);
    }

    private final Publisher next;

    public FrameIntake(Publisher next) {
        this.next = next;
    }

    /** A complete JPEG from a source, captured at {@code captureMicros} (microseconds since the epoch). */
    public void accept(byte[] jpeg, int offset, int length, long captureMicros) {
        byte[] fixed = HuffmanTables.insertIfMissing(jpeg, offset, length);
        if (fixed == null) {
            next.publish(jpeg, offset, length, captureMicros);
        } else {
            next.publish(fixed, 0, fixed.length, captureMicros);
        }
    }
}
