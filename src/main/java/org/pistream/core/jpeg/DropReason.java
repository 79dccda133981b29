package org.pistream.core.jpeg;

import java.util.Locale;

/** Why the splitter discarded a frame. */
public enum DropReason {
    /** The stream ended, or a new frame began, before the end-of-image marker. */
    TRUNCATED,
    /** The frame grew past the configured maximum size. */
    OVERSIZE,
    /** The marker structure was invalid, or the frame had no image data. */
    MALFORMED;

    /** Lower-case name used in stats and logs. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
