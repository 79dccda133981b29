package org.pistream.core.jpeg;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the splitter emitted and rejected. Written by the one reader thread, read by anyone.
 */
public final class SplitterCounters {
    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong garbageBytes = new AtomicLong();
    private final Map<DropReason, AtomicLong> drops = new EnumMap<>(DropReason.class);

    public SplitterCounters() {
        for (DropReason reason : DropReason.values()) {
            drops.put(reason, new AtomicLong());
        }
    }

    void frame() {
        frames.incrementAndGet();
    }

    void bytesIn(long n) {
        bytesIn.addAndGet(n);
    }

    public void garbage(long n) {
        garbageBytes.addAndGet(n);
    }

    public void drop(DropReason reason) {
        drops.get(reason).incrementAndGet();
    }

    public long frames() {
        return frames.get();
    }

    public long bytesIn() {
        return bytesIn.get();
    }

    public long garbageBytes() {
        return garbageBytes.get();
    }

    public long dropped(DropReason reason) {
        return drops.get(reason).get();
    }

    public long droppedTotal() {
        long sum = 0;
        for (AtomicLong n : drops.values()) {
            sum += n.get();
        }
        return sum;
    }
}
