package org.pistream.core.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

/**
 * A camera program in memory, with the parts of a real child process the supervisor relies on: its
 * stdout and stderr are pipes that reach their end after the buffered bytes once it exits (or when
 * its stdout is closed on its own), SIGTERM ends it with 143 unless it ignores SIGTERM, SIGKILL
 * always ends it with 137. A test scripts it: write frames, then exit, hang or close the output.
 */
final class FakeProcess extends Process {
    private static long nextPid = 40_000;

    private final long pid;
    private final Pipe stdout = new Pipe();
    private final Pipe stderr = new Pipe();
    private boolean ignoresSigterm;
    private Integer exitCode;
    private int sigterms;
    private int sigkills;

    FakeProcess() {
        synchronized (FakeProcess.class) {
            pid = nextPid++;
        }
    }

    FakeProcess write(byte[]... chunks) {
        for (byte[] chunk : chunks) {
            stdout.write(chunk);
        }
        return this;
    }

    FakeProcess writeStderr(String line) {
        stderr.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Ends with this exit code once the test says so, or at once when scripted before launch. */
    synchronized FakeProcess exit(int code) {
        if (exitCode == null) {
            exitCode = code;
            stdout.end();
            stderr.end();
            notifyAll();
        }
        return this;
    }

    /** Runs {@code action} when the supervisor first reads its stdout, before it gets any bytes. */
    FakeProcess onFirstRead(Runnable action) {
        stdout.onFirstRead(action);
        return this;
    }

    /** Closes its stdout but keeps running. */
    FakeProcess closeOutput() {
        stdout.end();
        return this;
    }

    synchronized FakeProcess ignoringSigterm() {
        ignoresSigterm = true;
        return this;
    }

    synchronized int sigterms() {
        return sigterms;
    }

    synchronized int sigkills() {
        return sigkills;
    }

    /** Whether the supervisor is blocked reading its stdout (or has read it to the end). */
    boolean beingRead() {
        return stdout.readers() > 0;
    }

    @Override
    public OutputStream getOutputStream() {
        return OutputStream.nullOutputStream();
    }

    @Override
    public InputStream getInputStream() {
        return stdout;
    }

    @Override
    public InputStream getErrorStream() {
        return stderr;
    }

    @Override
    public synchronized int waitFor() throws InterruptedException {
        while (exitCode == null) {
            wait();
        }
        return exitCode;
    }

    @Override
    public synchronized boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (exitCode == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    @Override
    public synchronized int exitValue() {
        if (exitCode == null) {
            throw new IllegalThreadStateException("process hasn't exited");
        }
        return exitCode;
    }

    @Override
    public synchronized boolean isAlive() {
        return exitCode == null;
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public void destroy() {
        boolean ends;
        synchronized (this) {
            sigterms++;
            ends = !ignoresSigterm;
        }
        if (ends) {
            exit(143);
        }
    }

    @Override
    public Process destroyForcibly() {
        synchronized (this) {
            sigkills++;
        }
        exit(137);
        return this;
    }

    /** A pipe: reads block until bytes come or the writing end closes. */
    private static final class Pipe extends InputStream {
        private final Deque<byte[]> chunks = new ArrayDeque<>();
        private byte[] current;
        private int pos;
        private boolean ended;
        private boolean closed;
        private int readers;
        private Runnable onFirstRead;

        synchronized void onFirstRead(Runnable action) {
            onFirstRead = action;
        }

        synchronized void write(byte[] chunk) {
            if (!ended) {
                chunks.addLast(chunk.clone());
                notifyAll();
            }
        }

        synchronized void end() {
            ended = true;
            notifyAll();
        }

        synchronized int readers() {
            return readers;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) throws IOException {
            readers++;
            if (onFirstRead != null) {
                Runnable action = onFirstRead;
                onFirstRead = null;
                action.run();
            }
            while (current == null || pos == current.length) {
                if (closed) {
                    throw new IOException("Stream closed");
                }
                if (!chunks.isEmpty()) {
                    current = chunks.removeFirst();
                    pos = 0;
                } else if (ended) {
                    return -1;
                } else {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted", e);
                    }
                }
            }
            int n = Math.min(len, current.length - pos);
            System.arraycopy(current, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public synchronized void close() {
            closed = true;
            notifyAll();
        }
    }
}
