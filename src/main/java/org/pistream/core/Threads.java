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
 * starts helper threads of its own on their behalf that outlive the webapp. {@code ProcessBuilder.start()}
 * hands the new camera process to a pooled "process reaper" thread, and the test pattern's first
 * drawing starts AWT's "Java2D Disposer" and creates AWT's application context; each takes the
 * context class loader of the thread that caused it and keeps it for as long as it lives. With the
 * webapp's loader there, an undeployed webapp's classes would stay in memory (and a reused reaper
 * thread would keep them indefinitely). The system class loader is what such JVM-wide helpers get
 * when the JVM starts them itself. Nothing pi-stream runs on these threads looks classes up by the
 * context class loader: loggers and classes are resolved through their defining loaders.
 */
final class Threads {
    private Threads() {
    }

    /** A new, unstarted daemon thread; the caller starts it and joins it when it stops. */
    static Thread daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.setContextClassLoader(ClassLoader.getSystemClassLoader());
        return thread;
    }
}
