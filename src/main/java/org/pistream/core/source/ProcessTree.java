package org.pistream.core.source;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A camera program with whatever it started: ending it ends its descendants too, and it counts as alive until
 * they are gone. A camera that is a shell pipeline ({@code sh -c 'v4l2-ctl ... | exec ffmpeg ...'}, or a
 * user's own script) would otherwise leave its children running when only the shell gets SIGTERM; the
 * supervisor's own SIGTERM, grace and SIGKILL now reach every one of them. Streams, pid and exit code are the
 * started process's.
 */
final class ProcessTree extends Process {
    private final Process process;
    /** Descendants that were signalled: waited for with the process, since nobody else reaps them for us. */
    private final Set<ProcessHandle> signalled = ConcurrentHashMap.newKeySet();

    ProcessTree(Process process) {
        this.process = process;
    }

    @Override
    public OutputStream getOutputStream() {
        return process.getOutputStream();
    }

    @Override
    public InputStream getInputStream() {
        return process.getInputStream();
    }

    @Override
    public InputStream getErrorStream() {
        return process.getErrorStream();
    }

    @Override
    public int waitFor() throws InterruptedException {
        int code = process.waitFor();
        for (ProcessHandle h : signalled) {
            try {
                h.onExit().get();
            } catch (java.util.concurrent.ExecutionException e) {
                // onExit never completes exceptionally
            }
        }
        return code;
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        if (!process.waitFor(timeout, unit)) {
            return false;
        }
        for (ProcessHandle h : signalled) {
            long left = deadline - System.nanoTime();
            try {
                if (left <= 0 && h.isAlive()) {
                    return false;
                }
                h.onExit().get(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                return false;
            } catch (java.util.concurrent.ExecutionException e) {
                // onExit never completes exceptionally
            }
        }
        return true;
    }

    @Override
    public int exitValue() {
        return process.exitValue();
    }

    @Override
    public void destroy() {
        signal(false);
    }

    @Override
    public Process destroyForcibly() {
        signal(true);
        return this;
    }

    /** The descendants first: once the program is gone they are re-parented and no longer found through it. */
    private void signal(boolean force) {
        process.descendants().forEach(h -> {
            signalled.add(h);
            if (force) {
                h.destroyForcibly();
            } else {
                h.destroy();
            }
        });
        for (ProcessHandle h : signalled) {
            if (force && h.isAlive()) {
                h.destroyForcibly(); // one that ignored SIGTERM and was re-parented meanwhile
            }
        }
        if (force) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
    }

    @Override
    public boolean isAlive() {
        return process.isAlive() || signalled.stream().anyMatch(ProcessHandle::isAlive);
    }

    @Override
    public boolean supportsNormalTermination() {
        return process.supportsNormalTermination();
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public ProcessHandle toHandle() {
        return process.toHandle();
    }

    @Override
    public CompletableFuture<Process> onExit() {
        return process.onExit().thenApply(p -> this);
    }

    @Override
    public String toString() {
        return "ProcessTree{" + process + "}";
    }
}
