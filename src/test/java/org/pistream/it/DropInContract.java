package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the drop-in WAR must do in any servlet container; each container's test extends this.
 *
 * <p>One container process serves the whole class: the WAR installed before start at
 * {@value #INSTALLED} (copied into {@code webapps/} with a context XML), a broken deployment at
 * {@value #BROKEN}, deploy/undeploy cycles at {@value #REDEPLOYED} (three with the camera program,
 * one with the built-in test pattern), and finally the container is stopped. The order is fixed because the last test stops the container. Camera processes carry
 * a tag on their command line, so the process table shows which ones belong to this run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class DropInContract {
    static final String INSTALLED = "/cam/front";
    static final String REDEPLOYED = "/pistream";
    static final String BROKEN = "/broken";
    static final Duration DEPLOY = Duration.ofSeconds(60);
    /** What a container's leak detection or pi-stream's own shutdown says about something left running. */
    private static final Pattern LEAK_WARNING = Pattern.compile("appears to have started a|failed to stop it|memory leak"
            + "|ThreadLocal|failed to (remove|unregister)|did not end within|ignored SIGTERM", Pattern.CASE_INSENSITIVE);

    protected ServletContainer container;
    private String tag;

    protected abstract ServletContainer createContainer(Path base) throws Exception;

    @BeforeAll
    void startContainer() throws Exception {
        container = createContainer(Path.of("target", "drop-in", getClass().getSimpleName()));
        tag = "-Dpistream.testcam=" + container.name().toLowerCase(Locale.ROOT) + "-" + ProcessHandle.current().pid();
        container.install(INSTALLED, camera(INSTALLED));
        container.start();
        container.awaitCount(ready(INSTALLED), 1, DEPLOY);
    }

    @AfterAll
    void killContainer() {
        if (container != null) {
            container.close();
        }
    }

    /** Context parameters that make pi-stream run the test camera program, tagged with the context path. */
    Map<String, String> camera(String contextPath) {
        return Map.of("pistream.camera-cmd", ExternalTools.javaBinary(),
                "pistream.camera-args", tag + contextPath + " " + ExternalTools.testCameraArgs("--fps 20 --size 320x240"));
    }

    static String ready(String contextPath) {
        return "ready at context path '" + contextPath + "'";
    }

    static String stopped(String contextPath) {
        return "pi-stream stopped at context path '" + contextPath + "'";
    }

    /** Live camera processes of this run whose tag starts with {@code tag + contextPath}. */
    List<ProcessHandle> cameraProcesses(String contextPath) {
        String wanted = tag + contextPath;
        return ProcessHandle.allProcesses()
                .filter(p -> p.isAlive() && p.info().commandLine().map(c -> c.contains(wanted)).orElse(false)).toList();
    }

    @Test
    @Order(1)
    void servesStreamSnapshotAndStatsUnderItsContextPath() throws Exception {
        URI uri = container.uri(INSTALLED);
        Http.awaitStatus(uri.resolve("stats"), s -> s == 200, DEPLOY);
        JsonNode stats = Http.awaitStats(uri, DEPLOY, s -> s.at("/camera/state").asText().equals("streaming"));
        assertEquals("command", stats.at("/camera/kind").asText());
        long cameraPid = stats.at("/camera/pid").asLong();
        assertTrue(container.processHandle().descendants().anyMatch(p -> p.pid() == cameraPid),
                "the camera program runs as a child of the container: " + cameraPid);
        assertEquals(List.of(cameraPid), cameraProcesses(INSTALLED).stream().map(ProcessHandle::pid).toList());

        try (MjpegClient client = MjpegClient.open(uri, INSTALLED + "/stream")) {
            assertEquals(200, client.status());
            MjpegClient.Part part = client.readPart();
            for (int i = 0; i < 10; i++) {
                part = client.readPart();
            }
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(part.jpeg()));
            assertEquals(320, image.getWidth());
            assertEquals(240, image.getHeight());
            JsonNode withClient = Http.awaitStats(uri, DEPLOY, s -> s.at("/clients/connected").asInt() == 1);
            assertEquals(INSTALLED + "/stream", withClient.at("/clients/list/0/path").asText());
        }
        try (MjpegClient root = MjpegClient.open(uri, INSTALLED + "/")) {
            assertEquals(200, root.status(), "the context root serves the stream too");
            root.readPart();
        }

        HttpResponse<byte[]> snapshot = Http.get(uri.resolve("snapshot"));
        assertEquals(200, snapshot.statusCode());
        assertEquals("image/jpeg", snapshot.headers().firstValue("content-type").orElse(null));
        MjpegClient.checkJpeg(snapshot.body());
        assertEquals(320, ImageIO.read(new ByteArrayInputStream(snapshot.body())).getWidth());

        JsonNode after = Http.stats(uri);
        assertTrue(after.at("/camera/framesIn").asLong() > 0, after.toString());
        assertTrue(after.at("/output/framesOut").asLong() >= 12, after.toString());
        assertEquals(100, after.at("/clients/max").asInt(), "the bundled default");
        // Nothing is served outside the context path.
        assertEquals(404, Http.get(uri.resolve("/stream")).statusCode());
    }

    @Test
    @Order(2)
    void invalidValueFailsTheDeploymentWithALogLineNamingKeyAndValue() throws Exception {
        Map<String, String> parameters = new HashMap<>(camera(BROKEN));
        parameters.put("pistream.max-clients", "-1");
        container.deploy(BROKEN, parameters);

        container.awaitLine(container.failedStartLine(BROKEN), DEPLOY);
        String line = container.awaitLine(Pattern.compile("SEVERE.*pi-stream cannot start at context path '/broken': "
                + "Invalid pistream\\.max-clients: must be a whole number from 1 to 100000, was: '-1'"), DEPLOY);
        assertFalse(line.isBlank());
        assertNotEquals(200, Http.get(container.uri(BROKEN).resolve("stats")).statusCode(),
                "a failed deployment serves nothing");
        assertEquals(List.of(), cameraProcesses(BROKEN), "no camera is started for a failed deployment");
        assertEquals(0, container.count(ready(BROKEN)));

        container.undeploy(BROKEN);
        container.awaitLine(container.undeployedLine(BROKEN), DEPLOY);
    }

    @Test
    @Order(3)
    void redeployingThreeTimesLeavesNoThreadCameraOrClassLoaderBehind() throws Exception {
        long pid = container.processHandle().pid();
        Map<String, Integer> installedThreads = Jcmd.piStreamThreads(pid);
        assertTrue(installedThreads.containsKey("camera-reader"), installedThreads.toString());
        awaitWebappClassLoaders(pid, 1, "before the cycles: the installed deployment's only");

        for (int cycle = 1; cycle <= 3; cycle++) {
            JsonNode stats = deployStreamAndUndeploy(camera(REDEPLOYED), installedThreads, uri -> { });
            assertEquals("command", stats.at("/camera/kind").asText());
        }

        // Each undeployed webapp's class loader can be collected: nothing holds on to it.
        awaitWebappClassLoaders(pid, 1, "after 3 redeploys: the installed deployment's only");
        assertNoLeakWarnings();
    }

    /**
     * The built-in test pattern in a container: its thread ends and its stream closes on undeploy.
     * Its class loader is not counted: the JDK's ImageIO registry, created on first use, keeps the
     * security context of its first caller, and with it that webapp's class loader (README).
     */
    @Test
    @Order(4)
    void testPatternCameraStopsWithItsWebapp() throws Exception {
        Map<String, Integer> installedThreads = Jcmd.piStreamThreads(container.processHandle().pid());
        // With a second, named camera: both stop with the webapp, and no thread of either is left.
        JsonNode stats = deployStreamAndUndeploy(Map.of("pistream.camera", "test-pattern:160x120@10",
                "pistream.camera.side", "test-pattern:96x64@10"), installedThreads, DropInContract::namedCameraRoutes);
        assertEquals("test-pattern", stats.at("/camera/kind").asText());
        assertEquals(160, stats.at("/camera/width").asInt());
        assertEquals(2, stats.at("/cameras").size(), stats.toString());
        assertEquals("side", stats.at("/cameras/1/name").asText());
        assertEquals("cam/side/stream", stats.at("/cameras/1/stream").asText());
        assertNoLeakWarnings();
    }

    /**
     * Deploys at {@value #REDEPLOYED}, reads a snapshot, keeps a viewer connected through the
     * undeploy, and checks that the stream ended, the camera process (if any) is gone and only
     * {@code installedThreads} remain. Returns the stats seen while it ran.
     */
    private JsonNode deployStreamAndUndeploy(Map<String, String> parameters, Map<String, Integer> installedThreads,
                                             WhileDeployed check) throws Exception {
        URI uri = container.uri(REDEPLOYED);
        long deployments = container.count(ready(REDEPLOYED));
        container.deploy(REDEPLOYED, parameters);
        container.awaitCount(ready(REDEPLOYED), deployments + 1, DEPLOY);
        Http.awaitStatus(uri.resolve("stats"), s -> s == 200, DEPLOY);
        JsonNode stats = Http.awaitStats(uri, DEPLOY, s -> s.at("/camera/state").asText().equals("streaming"));
        // The handle remembers the process's start time, so a recycled pid does not count as alive.
        ProcessHandle camera = ProcessHandle.of(stats.at("/camera/pid").asLong()).orElse(null);
        HttpResponse<byte[]> snapshot = Http.get(uri.resolve("snapshot"));
        assertEquals(200, snapshot.statusCode());
        MjpegClient.checkJpeg(snapshot.body());
        check.run(uri);

        // A viewer stays connected through the undeploy: its stream must end, not hang.
        try (MjpegClient viewer = MjpegClient.open(uri, REDEPLOYED + "/stream")) {
            viewer.readPart();
            container.undeploy(REDEPLOYED);
            container.awaitCount(stopped(REDEPLOYED), deployments + 1, DEPLOY);
            assertStreamEnds(viewer);
        }
        String deployment = "deployment #" + (deployments + 1) + " at " + REDEPLOYED;
        if (camera != null) {
            assertFalse(camera.isAlive(), deployment + ": the camera process " + camera.pid() + " has ended");
        }
        assertEquals(List.of(), cameraProcesses(REDEPLOYED), deployment);
        assertEquals(installedThreads, Jcmd.piStreamThreads(container.processHandle().pid()),
                deployment + ": only the installed deployment's threads are left");
        Http.awaitStatus(uri.resolve("stats"), s -> s != 200, DEPLOY);
        return stats;
    }

    /** What a test checks while its deployment runs, given the deployment's root URI. */
    interface WhileDeployed {
        void run(URI root) throws Exception;
    }

    /**
     * A named camera's URLs work in the container as embedded (CameraRoutesIT): {@code ?camera=} on
     * the context root, {@code /cam/NAME/} and the page's files under it, 404 for an unknown camera.
     */
    private static void namedCameraRoutes(URI root) throws Exception {
        for (String path : List.of("?action=snapshot&camera=side&t=1", "cam/side/?action=snapshot", "cam/side/snapshot")) {
            HttpResponse<byte[]> side = Http.get(root.resolve(path));
            assertEquals(200, side.statusCode(), path);
            MjpegClient.checkJpeg(side.body());
            assertEquals(96, ImageIO.read(new ByteArrayInputStream(side.body())).getWidth(), path);
        }
        HttpResponse<String> page = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(root.resolve("cam/side/")).header("Accept", "text/html").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<title>pi-stream</title>"), page.body());
        assertEquals(200, Http.get(root.resolve("cam/side/assets/app.js")).statusCode());
        HttpResponse<byte[]> unknown = Http.get(root.resolve("?action=snapshot&camera=nope"));
        assertEquals(404, unknown.statusCode());
        assertTrue(new String(unknown.body(), StandardCharsets.UTF_8).contains("default, side"),
                new String(unknown.body(), StandardCharsets.UTF_8));
    }

    /** Waits until {@code expected} webapp class loaders are alive (each count follows a full collection). */
    private void awaitWebappClassLoaders(long pid, long expected, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String loaderClass = container.webappClassLoaderClass();
        long live;
        while ((live = Jcmd.liveInstances(pid, loaderClass)) != expected && System.nanoTime() < deadline) {
            Thread.sleep(1000);
        }
        assertEquals(expected, live, "live " + loaderClass + " instances " + what);
    }

    @Test
    @Order(5)
    void stoppingTheContainerEndsTheCameraAndNothingIsLeftRunning() throws Exception {
        ProcessHandle camera = ProcessHandle.of(Http.stats(container.uri(INSTALLED)).at("/camera/pid").asLong()).orElseThrow();
        container.stop();
        if (container.logsWebappLinesAtShutdown()) {
            assertTrue(container.log().contains(stopped(INSTALLED)), container.log());
        }
        assertFalse(camera.isAlive(), "camera " + camera.pid());
        assertEquals(List.of(), cameraProcesses(""), "camera processes of this run still running");
        assertNoLeakWarnings();
    }

    private void assertNoLeakWarnings() {
        List<String> lines = container.logLines();
        List<String> warnings = new java.util.ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            int end = i + 1;
            while (end < lines.size() && (lines.get(end).startsWith(" ") || lines.get(end).startsWith("\t"))) {
                end++; // the warning's stack trace
            }
            if (containerThreadExiting(lines.subList(i, end))) {
                i = end - 1;
            } else if (LEAK_WARNING.matcher(lines.get(i)).find()) {
                warnings.add(lines.get(i));
            }
        }
        assertEquals(List.of(), warnings, container.name() + " log");
    }

    /**
     * Tomcat renews its own connector threads when a webapp stops, and its leak check can catch one of
     * them in the middle of exiting (its stack only in the JDK's thread-termination code): the
     * container's thread, not one the webapp started, so not a leak of ours. Our threads are named
     * pistream-* / camera-*, and a ThreadLocal we left on a container thread gets another warning.
     */
    private static boolean containerThreadExiting(List<String> block) {
        return block.size() > 1 && block.get(0).contains("appears to have started a thread named [http-nio-")
                && block.subList(1, block.size()).stream().allMatch(l -> l.contains("jdk.internal.misc.TerminatingThreadLocal"));
    }

    /** Reads until the stream ends: the closing boundary, end of stream or a reset connection. */
    private static void assertStreamEnds(MjpegClient viewer) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        try {
            while (System.nanoTime() < deadline) {
                viewer.readPart();
            }
        } catch (SocketTimeoutException hangs) {
            throw new AssertionError("the stream neither ended nor sent a frame after the undeploy", hangs);
        } catch (IOException ended) {
            return;
        }
        throw new AssertionError("the stream still sends frames 20 s after the undeploy");
    }
}
