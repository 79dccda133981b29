package org.pistream.core.source;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Hands the supervisor the next scripted {@link FakeProcess} (or throws the scripted start failure);
 * once the script is used up, a process that runs and sends nothing until it is ended.
 */
final class FakeLauncher implements ProcessLauncher {
    private final Deque<Object> script = new ArrayDeque<>();
    private final List<FakeProcess> launched = new ArrayList<>();
    private final List<List<String>> commands = new ArrayList<>();
    private int calls;

    synchronized FakeLauncher then(FakeProcess process) {
        script.addLast(process);
        return this;
    }

    synchronized FakeLauncher thenFailing(IOException e) {
        script.addLast(e);
        return this;
    }

    @Override
    public synchronized Process launch(List<String> command) throws IOException {
        calls++;
        commands.add(command);
        Object next = script.isEmpty() ? new FakeProcess() : script.removeFirst();
        if (next instanceof IOException e) {
            throw e;
        }
        FakeProcess process = (FakeProcess) next;
        launched.add(process);
        return process;
    }

    synchronized int calls() {
        return calls;
    }

    synchronized List<FakeProcess> launched() {
        return List.copyOf(launched);
    }

    synchronized List<List<String>> commands() {
        return List.copyOf(commands);
    }

    /** The {@code n}-th process launched (from 1), once it has been. */
    FakeProcess awaitLaunch(int n) {
        Await.until(() -> "launch #" + n + ", calls so far " + calls(), () -> launched().size() >= n);
        return launched().get(n - 1);
    }
}
