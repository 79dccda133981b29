package org.pistream.core.jpeg;

/**
 * What {@link JpegVerifier} found: {@link #OK}, or why the frame must not be sent. Each reject has a
 * short {@link #key()} for stats and logs; {@link JpegVerifier#detail()} says more for a log line.
 */
public enum JpegVerdict {
    /** The frame passed every check of the verifier's level. */
    OK("ok"),
    /**
     * The marker structure is broken: no SOI first or no EOI last, a segment longer than the frame, a
     * marker that has no place in a JPEG (reserved codes, a second SOI, SOF after the scan), a required
     * segment missing, or a wrong DRI length.
     */
    BAD_MARKERS("bad_markers"),
    /** A DHT segment is malformed: bad class or id, too many codes, an over-subscribed code, an impossible symbol. */
    BAD_HUFFMAN_TABLE("bad_huffman_table"),
    /** A DQT segment is malformed (bad precision or id, wrong length, a zero step), or a component's table is missing. */
    BAD_QUANT_TABLE("bad_quant_table"),
    /** The SOF segment is inconsistent: length, zero width, component count, duplicate ids, sampling factors. */
    BAD_FRAME_HEADER("bad_frame_header"),
    /** The width or height is above the verifier's limits. */
    TOO_LARGE("too_large"),
    /**
     * An SOS segment is inconsistent: unknown or repeated component, undefined Huffman table, spectral
     * selection other than 0..63, no SOF before it, a component left without a scan.
     */
    BAD_SCAN_HEADER("bad_scan_header"),
    /**
     * The entropy-coded data does not decode: an undefined code, a block of more than 64 coefficients,
     * data that ends before the last MCU or goes on after it, a missing or out-of-order restart marker.
     */
    BAD_ENTROPY_DATA("bad_entropy_data"),
    /**
     * A valid JPEG that browsers do not show or pi-stream does not check: progressive, lossless,
     * hierarchical or arithmetic-coded, 12-bit precision, or a height defined later by DNL.
     */
    UNSUPPORTED("unsupported");

    private final String key;

    JpegVerdict(String key) {
        this.key = key;
    }

    /** Short lower-case name for stats and logs, e.g. {@code bad_huffman_table}. */
    public String key() {
        return key;
    }

    public boolean isOk() {
        return this == OK;
    }
}
