package org.pistream.core.jpeg;

/** Reads facts from a complete JPEG's headers without decoding it. */
public final class JpegInfo {
    private JpegInfo() {
    }

    /** Sees each header segment until one returns true. */
    @FunctionalInterface
    interface HeaderVisitor {
        /**
         * @param marker   the marker code (e.g. 0xC0 for SOF0, 0xDA for SOS)
         * @param position index of the segment's 0xFF byte
         * @return true to stop the walk at this segment
         */
        boolean visit(int marker, int position);
    }

    /**
     * Walks the header segments after SOI, up to and including the first SOS, by their lengths.
     * Returns the position where the visitor stopped, or -1 when it did not stop (or the headers end
     * or are malformed first).
     */
    static int walkHeaders(byte[] jpeg, int offset, int length, HeaderVisitor visitor) {
        int end = offset + length;
        int i = offset + 2; // after SOI
        while (i + 4 <= end) {
            if ((jpeg[i] & 0xFF) != 0xFF) {
                return -1;
            }
            int marker = jpeg[i + 1] & 0xFF;
            if (marker == 0xFF) {
                i++; // fill byte
                continue;
            }
            if (marker == 0xD8 || marker == 0xD9) {
                return -1;
            }
            if (visitor.visit(marker, i)) {
                return i;
            }
            if (marker == 0xDA) {
                return -1;
            }
            if ((marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
                i += 2;
                continue;
            }
            int segment = ((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF);
            if (segment < 2) {
                return -1;
            }
            i += 2 + segment;
        }
        return -1;
    }

    /**
     * Width and height from the first start-of-frame segment, or null when the headers end, or are
     * malformed, before one.
     */
    public static int[] dimensions(byte[] jpeg, int offset, int length) {
        int sof = walkHeaders(jpeg, offset, length, (marker, position) ->
                marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC);
        if (sof < 0 || sof + 9 > offset + length) {
            return null;
        }
        int height = ((jpeg[sof + 5] & 0xFF) << 8) | (jpeg[sof + 6] & 0xFF);
        int width = ((jpeg[sof + 7] & 0xFF) << 8) | (jpeg[sof + 8] & 0xFF);
        return new int[] {width, height};
    }
}
