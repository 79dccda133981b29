package org.pistream.core;

/**
 * Creates pi-stream's own threads: named, daemon, and with the system class loader as their
 * context class loader.
 *
 * <p>Daemon is set explicitly because a thread inherits the flag of the thread that creates it,
 * and in a servlet container that is whichever thread happens to deploy the webapp. Every such
 * thread is still joined by the component that started it.
 *
 * <p>The context class loader is not the webapp's, although these threads run webapp code: the JDK
 * keeps JVM-wide objects, created on their behalf, that outlive the webapp and remember the context
 * class loader of the thread that caused them. {@code ProcessBuilder.start()} hands the new camera
 * process to a pooled "process reaper" thread that inherits it and is reused for later processes;
 * the test pattern's first drawing creates AWT's application context, which records it. With the
 * webapp's loader there, an undeployed webapp's classes would stay in memory (the drop-in tests
 * count the container's webapp class loaders). The system class loader is what such helpers get
 * when the JVM creates them itself. Nothing pi-stream runs on these threads looks classes up by the
 * context class loader: loggers and classes are resolved through their defining loaders.
 */
public final class Threads {
    /**
     * The camera a thread works for, when a server has several: added to the names of the threads
     * it creates (log lines show the thread), and inherited by their own threads, such as a camera
     * program's stderr pump started by the camera's reader thread.
     */
    private static final InheritableThreadLocal<String> CAMERA = new InheritableThreadLocal<>();

    private Threads() {
    }

    /** Runs {@code start} with the threads it creates (and theirs) named for {@code camera}; null: unnamed. */
    static void forCamera(String camera, Runnable start) {
        if (camera == null) {
            start.run();
            return;
        }
        CAMERA.set(camera);
        try {
            start.run();
        } finally {
            CAMERA.remove();
        }
    }

    /** Joins {@code thread} (null: nothing to do) for up to {@code millis}, and says so when it is still running. */
    public static void join(Thread thread, long millis, org.slf4j.Logger log) {
        if (thread == null) {
            return;
        }
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("{} did not end within {} ms", thread.getName(), millis);
        }
    }

    /** A new, unstarted daemon thread; the caller starts it and joins it when it stops. */
    public static Thread daemon(String name, Runnable task) {
        String camera = CAMERA.get();
        Thread thread = new Thread(task, camera == null ? name : name + "@" + camera);
        thread.setDaemon(true);
        thread.setContextClassLoader(ClassLoader.getSystemClassLoader());
        return thread;
    }
}
