package org.pistream.core;

/** Reads facts from a complete JPEG's headers without decoding it. */
public final class JpegInfo {
    private JpegInfo() {
    }

    /**
     * Width and height from the first start-of-frame segment, or null when the headers end, or are
     * malformed, before one.
     */
    public static int[] dimensions(byte[] jpeg, int offset, int length) {
        int end = offset + length;
        int i = offset + 2; // after SOI
        while (i + 4 <= end) {
            if ((jpeg[i] & 0xFF) != 0xFF) {
                return null;
            }
            int marker = jpeg[i + 1] & 0xFF;
            if (marker == 0xFF) {
                i++;
                continue;
            }
            if (marker == 0xD9 || marker == 0xDA) {
                return null;
            }
            if ((marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
                i += 2;
                continue;
            }
            int segment = ((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF);
            boolean startOfFrame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (startOfFrame && i + 9 <= end) {
                int height = ((jpeg[i + 5] & 0xFF) << 8) | (jpeg[i + 6] & 0xFF);
                int width = ((jpeg[i + 7] & 0xFF) << 8) | (jpeg[i + 8] & 0xFF);
                return new int[] {width, height};
            }
            if (segment < 2) {
                return null;
            }
            i += 2 + segment;
        }
        return null;
    }
}
