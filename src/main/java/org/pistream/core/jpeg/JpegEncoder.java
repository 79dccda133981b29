package org.pistream.core.jpeg;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Encodes pictures pi-stream draws itself as baseline JPEGs with the JDK. Not thread-safe. */
public final class JpegEncoder {
    private final ImageWriter writer;
    private final ImageWriteParam param;
    private final Buffer encoded = new Buffer();

    public JpegEncoder(float quality) {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) {
            throw new IllegalStateException("this JDK has no JPEG encoder");
        }
        writer = writers.next();
        param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
    }

    /** Encodes into a reused buffer: the bytes are valid until the next call. */
    public Buffer encode(BufferedImage image) {
        encoded.reset();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(encoded)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG encoding failed", e);
        }
        return encoded;
    }

    /** Encodes into a new array with a comment (COM) segment right after the start marker. */
    public byte[] encodeWithComment(BufferedImage image, String comment) {
        Buffer jpeg = encode(image);
        byte[] text = comment.getBytes(StandardCharsets.US_ASCII);
        int segment = Math.min(text.length, 65533);
        byte[] out = new byte[jpeg.size() + 4 + segment];
        out[0] = (byte) 0xFF;
        out[1] = (byte) 0xD8;
        out[2] = (byte) 0xFF;
        out[3] = (byte) 0xFE;
        out[4] = (byte) ((segment + 2) >> 8);
        out[5] = (byte) (segment + 2);
        System.arraycopy(text, 0, out, 6, segment);
        System.arraycopy(jpeg.bytes(), 2, out, 6 + segment, jpeg.size() - 2);
        return out;
    }

    public void dispose() {
        writer.dispose();
    }

    /** A byte buffer whose array can be read without a copy. */
    public static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(64 * 1024);
        }

        public byte[] bytes() {
            return buf;
        }
    }
}
