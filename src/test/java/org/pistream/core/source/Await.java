package org.pistream.core.source;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for what another thread does: a bound against hanging, never a timing assertion. */
final class Await {
    private static final long BOUND_NANOS = 10_000_000_000L;

    private Await() {
    }

    static void until(Supplier<String> what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + BOUND_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within 10 s: " + what.get());
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what.get());
            }
        }
    }

    /** Whether a live thread has this name (the sources' threads are named for what they do). */
    static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.isAlive() && t.getName().equals(name));
    }
}
