package org.pistream.core.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.pistream.it.ExternalTools;

/**
 * The real launcher's processes: a shell pipeline, as a YUYV webcam's {@code v4l2-ctl | ffmpeg} runs, ends
 * with all its processes when the supervisor ends the shell, by SIGTERM and by SIGKILL.
 */
class ProcessTreeTest {
    private static List<ProcessHandle> started(Process p, int processes) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (p.descendants().count() < processes && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        List<ProcessHandle> children = p.descendants().toList();
        assertEquals(processes, children.size(), "the pipeline runs: " + children);
        return children;
    }

    @Test
    void endingAPipelinesShellEndsBothSidesOfThePipe() throws Exception {
        ExternalTools.require("sh");
        Process p = ProcessLauncher.SYSTEM.launch(List.of("sh", "-c", "sleep 60 | sleep 61"));
        List<ProcessHandle> children = started(p, 2);
        p.destroy();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "the shell and what it started ended");
        for (ProcessHandle child : children) {
            assertFalse(child.isAlive(), "left running: " + child.info().commandLine().orElse("?"));
        }
        assertFalse(p.isAlive());
    }

    @Test
    void aChildThatIgnoresSigtermIsKilledWithTheShell() throws Exception {
        ExternalTools.require("sh");
        // The inner shell ignores SIGTERM and keeps starting sleeps: it outlives the outer shell's SIGTERM.
        Process p = ProcessLauncher.SYSTEM.launch(List.of("sh", "-c", "sh -c 'trap \"\" TERM; while :; do sleep 1; done' | sleep 61"));
        List<ProcessHandle> children = started(p, 3);
        ProcessHandle stubborn = children.stream().filter(c -> c.info().command().orElse("").endsWith("sh")).findFirst().orElseThrow();
        p.destroy();
        assertFalse(p.waitFor(1, TimeUnit.SECONDS), "not ended while a child that ignores SIGTERM runs");
        assertTrue(p.isAlive());
        assertTrue(stubborn.isAlive());
        p.destroyForcibly();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertFalse(stubborn.isAlive(), "SIGKILL reached it");
        assertFalse(p.isAlive());
    }
}
