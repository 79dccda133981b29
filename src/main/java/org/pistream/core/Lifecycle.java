package org.pistream.core;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Start/stop template for everything that owns threads or processes.
 *
 * <p>{@link #start()} and {@link #stop()} are final and call {@link #doStart()} / {@link #doStop()}
 * exactly once each. Subclasses create their threads in {@code doStart} and end and join them in
 * {@code doStop}, in reverse order of creation. {@code stop()} may be called from any thread, any
 * number of times; only the first call does the work. It is not synchronized, so a {@code doStop}
 * that joins a thread cannot deadlock with that thread reading {@link #state()}.
 */
public abstract class Lifecycle {

    /** Where a component is in its life. */
    public enum State { NEW, STARTING, RUNNING, STOPPING, STOPPED, FAILED }

    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);

    public final void start() {
        if (!state.compareAndSet(State.NEW, State.STARTING)) {
            throw new IllegalStateException(getClass().getSimpleName() + " cannot start: it is " + state.get());
        }
        try {
            doStart();
            state.compareAndSet(State.STARTING, State.RUNNING);
        } catch (RuntimeException | Error e) {
            state.set(State.FAILED);
            try {
                doStop();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    public final void stop() {
        State before = state.getAndUpdate(s -> s == State.STARTING || s == State.RUNNING ? State.STOPPING : s);
        if (before == State.NEW) {
            state.compareAndSet(State.NEW, State.STOPPED);
            return;
        }
        if (before != State.STARTING && before != State.RUNNING) {
            return;
        }
        try {
            doStop();
        } finally {
            state.set(State.STOPPED);
        }
    }

    public final State state() {
        return state.get();
    }

    public final boolean isStopping() {
        State s = state.get();
        return s == State.STOPPING || s == State.STOPPED;
    }

    /** Called once by {@link #start()} on the caller's thread. */
    protected abstract void doStart();

    /** Called once by {@link #stop()}; must end and join every thread {@link #doStart()} created. */
    protected abstract void doStop();
}
