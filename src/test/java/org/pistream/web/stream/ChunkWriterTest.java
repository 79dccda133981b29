package org.pistream.web.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

import org.junit.jupiter.api.Test;
import org.pistream.core.fanout.StreamEncoder;

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
