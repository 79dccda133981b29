package org.pistream.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Looks inside another running JVM with the JDK's {@code jcmd}: the names of its threads, and how
 * many live instances a class has after a full collection.
 */
final class Jcmd {
    private static final Pattern THREAD = Pattern.compile("^\"([^\"]+)\" #\\d+");
    /** The threads pi-stream starts, whatever deployment they belong to. */
    private static final Pattern PISTREAM_THREAD =
            Pattern.compile("camera-reader|camera-stderr|camera-test-pattern|pistream-timer|frame-fanout-\\d+");

    private Jcmd() {
    }

    /** pi-stream's threads in JVM {@code pid}: name to how many threads have it. */
    static Map<String, Integer> piStreamThreads(long pid) throws IOException, InterruptedException {
        Map<String, Integer> names = new TreeMap<>();
        for (String line : run(pid, "Thread.print").lines().toList()) {
            Matcher m = THREAD.matcher(line);
            if (m.find() && PISTREAM_THREAD.matcher(m.group(1)).matches()) {
                names.merge(m.group(1), 1, Integer::sum);
            }
        }
        return names;
    }

    /** Live instances of {@code className} in JVM {@code pid}; the class histogram collects garbage first. */
    static long liveInstances(long pid, String className) throws IOException, InterruptedException {
        Pattern row = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+" + Pattern.quote(className) + "(\\s|$)");
        for (String line : run(pid, "GC.class_histogram").lines().toList()) {
            Matcher m = row.matcher(line);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        return 0;
    }

    private static String run(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            jcmd = ExternalTools.require("jcmd"); // a JRE without jcmd: skip, or fail in CI
        }
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("jcmd " + pid + " " + command + " failed:\n" + out);
        }
        return out;
    }
}
