package org.pistream.core.jpeg;

import java.util.Locale;

/** Why the source stage discarded a frame: the splitter, or the frame check after it. */
public enum DropReason {
    /** The stream ended, or a new frame began, before the end-of-image marker. */
    TRUNCATED,
    /** The frame grew past the configured maximum size. */
    OVERSIZE,
    /** The marker structure was invalid, or the frame had no image data. */
    MALFORMED,
    /** The frame check ({@link JpegVerifier}) found markers out of place or segments that overrun the frame. */
    BAD_MARKERS,
    /** A Huffman table that is invalid or over-subscribed, or a scan that names one not defined. */
    BAD_HUFFMAN_TABLE,
    /** A quantisation table that is missing, invalid, or has a zero step. */
    BAD_QUANT_TABLE,
    /** A frame header (SOF) with impossible sizes, components or sampling factors. */
    BAD_FRAME_HEADER,
    /** Wider or taller than the frame check allows. */
    TOO_LARGE,
    /** A scan header (SOS) that does not match the frame header. */
    BAD_SCAN_HEADER,
    /** Scan data that does not decode: an undefined code, a block overflow, too little or too much data. */
    BAD_ENTROPY_DATA,
    /** A JPEG kind browsers and viewers do not all show (progressive, arithmetic, 12-bit, lossless). */
    UNSUPPORTED;

    /** The drop counted for a frame the frame check refused; {@code verdict} is not OK. */
    public static DropReason of(JpegVerdict verdict) {
        return valueOf(verdict.name());
    }

    /** Lower-case name used in stats and logs. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
