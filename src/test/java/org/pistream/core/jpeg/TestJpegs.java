package org.pistream.core.jpeg;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

import org.w3c.dom.NodeList;

/** Real JPEGs for tests, encoded with javax.imageio, and a few byte-level helpers. */
public final class TestJpegs {
    private static final String NATIVE_FORMAT = "javax_imageio_jpeg_image_1.0";

    private TestJpegs() {
    }

    /** A JPEG of random-coloured pixels: noise makes the scan long and full of stuffed {@code FF00}. */
    public static byte[] noise(int width, int height, long seed) {
        return encode(noiseImage(width, height, seed), 0);
    }

    /** Like {@link #noise} but with a DRI segment, so the scan contains restart markers {@code FFD0..FFD7}. */
    static byte[] noiseWithRestartInterval(int width, int height, long seed, int restartInterval) {
        return encode(noiseImage(width, height, seed), restartInterval);
    }

    /**
     * Inserts, right after the SOI of {@code jpeg}, an APP1 "Exif" segment whose payload is the whole
     * {@code thumbnail} JPEG, as cameras do.
     */
    static byte[] withExifThumbnail(byte[] jpeg, byte[] thumbnail) {
        byte[] exifHeader = "Exif\0\0".getBytes(StandardCharsets.US_ASCII);
        int segmentLength = 2 + exifHeader.length + thumbnail.length;
        if (segmentLength > 0xFFFF) {
            throw new IllegalArgumentException("thumbnail too big for one APP1 segment: " + thumbnail.length);
        }
        byte[] app1Header = {(byte) 0xFF, (byte) 0xE1, (byte) (segmentLength >> 8), (byte) segmentLength};
        byte[] soi = {jpeg[0], jpeg[1]};
        byte[] rest = java.util.Arrays.copyOfRange(jpeg, 2, jpeg.length);
        return concat(soi, app1Header, exifHeader, thumbnail, rest);
    }

    /** Index just after the (first) SOS segment header: where the entropy-coded data starts. */
    static int scanStart(byte[] jpeg) {
        int i = 2;
        while (i + 4 <= jpeg.length) {
            if ((jpeg[i] & 0xFF) != 0xFF) {
                throw new IllegalArgumentException("not a marker at " + i);
            }
            int marker = jpeg[i + 1] & 0xFF;
            int length = ((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF);
            if (marker == 0xDA) {
                return i + 2 + length;
            }
            i += 2 + length;
        }
        throw new IllegalArgumentException("no SOS");
    }

    /** Whether {@code data[from, to)} contains the two bytes {@code FF second}. */
    static boolean containsMarker(byte[] data, int from, int to, int second) {
        for (int i = from; i + 1 < to; i++) {
            if ((data[i] & 0xFF) == 0xFF && (data[i + 1] & 0xFF) == second) {
                return true;
            }
        }
        return false;
    }

    /** The JDK's encoder writes the standard tables; removing them leaves a frame like a UVC webcam's. */
    public static byte[] withoutHuffmanTables(byte[] jpeg) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        int i = 2;
        while (true) {
            int marker = jpeg[i + 1] & 0xFF;
            int length = ((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF);
            if (marker == 0xDA) {
                out.write(jpeg, i, jpeg.length - i);
                return out.toByteArray();
            }
            if (marker != 0xC4) {
                out.write(jpeg, i, 2 + length);
            }
            i += 2 + length;
        }
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static BufferedImage noiseImage(int width, int height, long seed) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        return image;
    }

    private static byte[] encode(BufferedImage image, int restartInterval) {
        return encode(image, restartInterval, 0, 0, -1);
    }

    /**
     * Encodes with the JDK: with a DRI segment when {@code restartInterval > 0}; with the luma's
     * sampling factors {@code lumaH x lumaV} (chroma 1x1) unless they are 0; at {@code quality}
     * (0..1) unless it is negative.
     */
    static byte[] encode(BufferedImage image, int restartInterval, int lumaH, int lumaV, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
             ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (quality >= 0) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(quality);
            }
            IIOMetadata metadata = writer.getDefaultImageMetadata(new ImageTypeSpecifier(image), param);
            IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(NATIVE_FORMAT);
            if (lumaH > 0) {
                NodeList specs = root.getElementsByTagName("componentSpec");
                for (int c = 0; c < specs.getLength(); c++) {
                    IIOMetadataNode spec = (IIOMetadataNode) specs.item(c);
                    spec.setAttribute("HsamplingFactor", Integer.toString(c == 0 ? lumaH : 1));
                    spec.setAttribute("VsamplingFactor", Integer.toString(c == 0 ? lumaV : 1));
                }
            }
            if (restartInterval > 0) {
                IIOMetadataNode markers = (IIOMetadataNode) root.getElementsByTagName("markerSequence").item(0);
                IIOMetadataNode dri = new IIOMetadataNode("dri");
                dri.setAttribute("interval", Integer.toString(restartInterval));
                markers.insertBefore(dri, markers.getElementsByTagName("sos").item(0));
            }
            metadata.setFromTree(NATIVE_FORMAT, root);
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, metadata), param);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
    }
}
