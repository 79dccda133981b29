package org.pistream.web.security;

import java.util.concurrent.atomic.LongAdder;

/** What the webapp's protections did, for {@code /stats}: written by the filters and the stall watch. */
public final class SecurityCounters {
    /** Stream clients dropped because their connection accepted no bytes for {@code client-timeout}. */
    public final LongAdder clientTimeouts = new LongAdder();
    /** Stream requests refused because their address had {@code max-clients-per-address} streams. */
    public final LongAdder refusedPerAddress = new LongAdder();
    /** Requests with wrong credentials. */
    public final LongAdder authFailures = new LongAdder();
    /** Requests refused (429) because their address failed to log in too often. */
    public final LongAdder authThrottled = new LongAdder();
    /** Requests to change camera settings refused (403 not allowed or cross-site, 415 not JSON). */
    public final LongAdder controlRefusals = new LongAdder();
}
