package org.pistream.web.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

import org.junit.jupiter.api.Test;
import org.pistream.core.fanout.FrameBroadcaster;
import org.pistream.core.fanout.FrameSubscriber;
import org.pistream.core.fanout.MultipartFraming;
import org.pistream.core.fanout.StreamEncoder;
import org.pistream.core.fanout.StreamOptions;
import org.pistream.core.fanout.Subscription;

class ChunkWriterTest {
    private static final int PASS_THROUGH = 8192;

    private static StreamEncoder.Chunk chunk(int length) {
        byte[] bytes = new byte[length + 20];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return new StreamEncoder.Chunk(bytes, 10, length, true);
    }

    @Test
    void inAContainerEveryWriteAsksForAFlush() throws IOException {
        ByteStream out = new ByteStream();
        StreamEncoder.Chunk large = chunk(40_000);

        assertTrue(ChunkWriter.portable().write(out, large));
        assertTrue(ChunkWriter.of(null).write(out, large), "no declaration: the portable writer");
        byte[] written = out.bytes.toByteArray();
        assertArrayEquals(Arrays.copyOfRange(large.bytes(), 10, 10 + 40_000),
                Arrays.copyOfRange(written, 0, 40_000), "the chunk's bytes, from its offset");
    }

    @Test
    void aFrameLargerThanWhatTheServerBuffersNeedsNoFlush() throws IOException {
        ByteStream out = new ByteStream();

        assertFalse(ChunkWriter.of(PASS_THROUGH).write(out, chunk(PASS_THROUGH + 1)));
        assertTrue(ChunkWriter.of(PASS_THROUGH).write(out, chunk(PASS_THROUGH)), "the server keeps writes up to its size");
        assertTrue(ChunkWriter.passThroughAbove(PASS_THROUGH).write(out, chunk(60)), "small blocks such as part headers");
    }

    private static final byte[] JPEG = chunk(40_000).bytes();
    private static final long CAPTURED = 1_700_000_000_000_000L;

    /** The bytes a client must receive for the first frame: the part as it is built on the heap. */
    private static byte[] expected() {
        return MultipartFraming.frame(0, CAPTURED, JPEG, 0, JPEG.length).part();
    }

    /**
     * A frame published to a broadcaster with an off-heap pool: its chunk has only the off-heap part,
     * and comes with a reference to it, as for a client's drain loop.
     */
    private static StreamEncoder.Chunk offHeapChunk(FrameBroadcaster broadcaster) {
        broadcaster.publish(JPEG, 0, JPEG.length, CAPTURED);
        StreamEncoder encoder = new StreamEncoder(StreamOptions.STANDARD);
        encoder.preamble();
        StreamEncoder.Chunk chunk = encoder.next(broadcaster.subscribe(new FrameSubscriber() {
            @Override
            public void deliver(Subscription subscription) {
            }

            @Override
            public void broadcasterClosed(Subscription subscription) {
            }
        }));
        assertNotNull(chunk.offHeap());
        assertNull(chunk.bytes(), "off-heap only: the frame takes no heap");
        return chunk;
    }

    private static FrameBroadcaster broadcaster() {
        FrameBroadcaster b = new FrameBroadcaster(1, 10, 1);
        b.offHeapParts(1 << 20);
        b.start();
        return b;
    }

    /**
     * Without a buffer write the broadcaster keeps frames on the heap; should an off-heap chunk reach
     * such a writer anyway, its bytes are copied out and its reference given back.
     */
    @Test
    void withoutBufferWritesAnOffHeapChunkIsCopiedOutAndItsReferenceGivenBack() throws IOException {
        FrameBroadcaster b = broadcaster();
        try {
            StreamEncoder.Chunk chunk = offHeapChunk(b);
            ByteStream out = new ByteStream();
            InFlight inFlight = new InFlight();
            ChunkWriter writer = ChunkWriter.of(null, null);
            assertFalse(writer.writesBuffers());
            assertTrue(writer.write(out, chunk, inFlight));
            assertArrayEquals(expected(), out.bytes.toByteArray());
            assertFalse(inFlight.holds());
            b.publish(new byte[] {1, 2}, 0, 2, 0); // the ring (1 frame) drops it: nothing else held it
            assertFalse(chunk.offHeap().retain(), "its buffer went back to the pool");
        } finally {
            b.stop();
        }
    }

    @Test
    void withBufferWritesTheOffHeapSliceIsWrittenAndHeldUntilTheWriteIsDone() throws IOException {
        FrameBroadcaster b = broadcaster();
        try {
            StreamEncoder.Chunk chunk = offHeapChunk(b);
            List<ByteBuffer> given = new ArrayList<>();
            ChunkWriter writer = ChunkWriter.of(PASS_THROUGH, (BufferWrites) (o, buffer) -> given.add(buffer));
            assertTrue(writer.writesBuffers());
            ByteStream out = new ByteStream();
            InFlight inFlight = new InFlight();
            assertFalse(writer.write(out, chunk, inFlight), "a frame passes through: no flush");
            assertEquals(0, out.bytes.size(), "nothing written as an array");
            assertEquals(1, given.size());
            assertTrue(given.get(0).isDirect());
            byte[] sent = new byte[given.get(0).remaining()];
            given.get(0).get(sent);
            assertArrayEquals(expected(), sent);
            assertTrue(inFlight.holds());
            b.publish(new byte[] {1, 2}, 0, 2, 0); // the ring drops the frame; the pending write still holds it
            assertTrue(chunk.offHeap().retain(), "still held by the write");
            chunk.offHeap().release();
            inFlight.writeDone();
            assertFalse(inFlight.holds());
            assertFalse(chunk.offHeap().retain(), "released once the write was done");
        } finally {
            b.stop();
        }
    }

    /** A response wrapped by a filter is not the container's own stream: the array is written. */
    @Test
    void aStreamTheBufferWriteDoesNotKnowGetsTheArray() throws IOException {
        FrameBroadcaster b = broadcaster();
        try {
            StreamEncoder.Chunk chunk = offHeapChunk(b);
            ChunkWriter writer = ChunkWriter.of(PASS_THROUGH, (BufferWrites) (o, buffer) -> false);
            ByteStream out = new ByteStream();
            InFlight inFlight = new InFlight();
            writer.write(out, chunk, inFlight);
            assertArrayEquals(expected(), out.bytes.toByteArray());
            assertFalse(inFlight.holds());
            b.publish(new byte[] {1, 2}, 0, 2, 0);
            assertFalse(chunk.offHeap().retain(), "the reference taken for the write was given back");
        } finally {
            b.stop();
        }
    }

    @Test
    void aResponseCompletedWhileAWriteIsInFlightReleasesItAndWhatComesAfter() throws IOException {
        FrameBroadcaster b = broadcaster();
        try {
            StreamEncoder.Chunk chunk = offHeapChunk(b);
            ChunkWriter writer = ChunkWriter.of(PASS_THROUGH, (BufferWrites) (o, buffer) -> true);
            InFlight inFlight = new InFlight();
            writer.write(new ByteStream(), chunk, inFlight);
            inFlight.close();
            assertFalse(inFlight.holds());
            assertTrue(chunk.offHeap().retain(), "the frame is still the broadcaster's newest");
            writer.write(new ByteStream(), chunk, inFlight); // a drain that raced the completion
            assertFalse(inFlight.holds(), "held after close: released at once");
            b.publish(new byte[] {1, 2}, 0, 2, 0);
            assertFalse(chunk.offHeap().retain(), "every reference came back");
        } finally {
            b.stop();
        }
    }

    @Test
    void aNegativeSizeIsRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChunkWriter.passThroughAbove(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
    }

    private static final class ByteStream extends ServletOutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public void write(int b) {
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setWriteListener(WriteListener writeListener) {
        }
    }
}
