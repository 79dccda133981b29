package org.pistream.core.fanout;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Who may become a stream client: at most {@code max-clients} at once, none while shutting down.
 * Counts the clients let in and those turned away, by {@link RejectReason}.
 *
 * <p>Threading: any thread; a slot is taken with a compare-and-set, so concurrent requests never
 * let in more than the limit.
 */
final class Admission {
    private final int maxClients;
    private final AtomicInteger clients = new AtomicInteger();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLongArray rejected = new AtomicLongArray(RejectReason.values().length);

    Admission(int maxClients) {
        if (maxClients < 1) {
            throw new IllegalArgumentException("max-clients must be >= 1, was: " + maxClients);
        }
        this.maxClients = maxClients;
    }

    /** Takes a slot and counts the client as accepted; false (counted as {@code max_clients}) when all are taken. */
    boolean tryAdmit() {
        while (true) {
            int current = clients.get();
            if (current >= maxClients) {
                refuse(RejectReason.MAX_CLIENTS);
                return false;
            }
            if (clients.compareAndSet(current, current + 1)) {
                accepted.incrementAndGet();
                return true;
            }
        }
    }

    /** Counts a client turned away before it asked for a slot. */
    void refuse(RejectReason reason) {
        rejected.incrementAndGet(reason.ordinal());
    }

    /** Gives back a slot {@link #tryAdmit()} took; the caller makes sure it does so once. */
    void release() {
        clients.decrementAndGet();
    }

    int clients() {
        return clients.get();
    }

    int maxClients() {
        return maxClients;
    }

    long accepted() {
        return accepted.get();
    }

    long rejected(RejectReason reason) {
        return rejected.get(reason.ordinal());
    }
}
