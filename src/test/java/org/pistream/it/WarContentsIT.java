package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a servlet container's webapp class loader can see in pi-stream.war: {@code WEB-INF/classes}
 * and {@code WEB-INF/lib}. No server, no command-line parser and no logging backend may be there;
 * they belong to the launcher under {@code WEB-INF/launcher}.
 */
class WarContentsIT {
    private static final List<String> NOT_FOR_CONTAINERS = List.of("org/eclipse/jetty/", "com/beust/jcommander/",
            "ch/qos/logback/", "org/slf4j/bridge/", "jakarta/servlet/", "org/pistream/launcher/", "org/pistream/boot/");
    private static final String SLF4J_PROVIDERS = "META-INF/services/org.slf4j.spi.SLF4JServiceProvider";

    /** Every class a container's webapp loader can load: class file path to the jar (or folder) it is in. */
    private static final Map<String, String> webappClasses = new TreeMap<>();
    private static final List<String> slf4jProviders = new ArrayList<>();
    private static final List<String> launcherJars = new ArrayList<>();

    @BeforeAll
    static void readWar() throws IOException {
        try (ZipFile war = new ZipFile(ServerProcess.war().toFile())) {
            Enumeration<? extends ZipEntry> entries = war.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                String name = e.getName();
                if (name.startsWith("WEB-INF/classes/")) {
                    webappClasses.put(name.substring("WEB-INF/classes/".length()), "WEB-INF/classes");
                } else if (name.startsWith("WEB-INF/lib/") && name.endsWith(".jar")) {
                    try (InputStream in = war.getInputStream(e)) {
                        readJar(name, in);
                    }
                } else if (name.startsWith("WEB-INF/launcher/") && name.endsWith(".jar")) {
                    launcherJars.add(name.substring("WEB-INF/launcher/".length()));
                }
            }
        }
    }

    private static void readJar(String jarName, InputStream in) throws IOException {
        ZipInputStream jar = new ZipInputStream(in);
        for (ZipEntry e; (e = jar.getNextEntry()) != null; ) {
            if (e.getName().equals(SLF4J_PROVIDERS)) {
                String text = new String(jar.readAllBytes(), StandardCharsets.UTF_8);
                text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(slf4jProviders::add);
            } else if (e.getName().endsWith(".class")) {
                webappClasses.put(e.getName(), jarName);
            }
        }
    }

    @Test
    void webappClassPathHasNoServerParserOrLoggingBackend() {
        List<String> found = webappClasses.entrySet().stream()
                .filter(e -> NOT_FOR_CONTAINERS.stream().anyMatch(e.getKey()::startsWith))
                .map(e -> e.getKey() + " in " + e.getValue()).toList();
        assertEquals(List.of(), found);
        assertTrue(webappClasses.containsKey("org/pistream/web/PiStreamContextListener.class"), webappClasses.keySet().toString());
        assertTrue(webappClasses.containsKey("org/slf4j/LoggerFactory.class"), "slf4j-api for the webapp");
    }

    @Test
    void theOnlySlf4jProviderLogsThroughJul() {
        // JUL is what Tomcat's log is made of and what every container can capture.
        assertEquals(List.of("org.slf4j.jul.JULServiceProvider"), slf4jProviders);
    }

    @Test
    void theLauncherKeepsItsJarsOutOfTheWebappClassPath() {
        for (String prefix : List.of("jetty-server-", "jetty-ee10-servlet-", "jcommander-", "logback-classic-", "jul-to-slf4j-",
                "pi-stream-launcher")) {
            assertTrue(launcherJars.stream().anyMatch(j -> j.startsWith(prefix)), prefix + " in " + launcherJars);
        }
    }
}
