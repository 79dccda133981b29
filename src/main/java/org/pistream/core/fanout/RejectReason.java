package org.pistream.core.fanout;

import java.util.Locale;

/** Why a stream client was turned away. */
public enum RejectReason {
    /** {@code max-clients} viewers were already connected. */
    MAX_CLIENTS,
    /** The server is shutting down. */
    SHUTTING_DOWN;

    /** Lower-case name used in stats and metric labels. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
