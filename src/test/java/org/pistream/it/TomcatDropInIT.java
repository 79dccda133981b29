package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** pi-stream.war in a real Apache Tomcat 10.1 distribution (see {@link DropInContract}). */
class TomcatDropInIT extends DropInContract {

    @Override
    protected ServletContainer createContainer(Path base) throws Exception {
        return new TomcatContainer(base);
    }

    @Test
    @Order(1)
    void piStreamLogsIntoCatalinaLogBesideTomcatsOwnLines() throws Exception {
        container.awaitCount(ready(INSTALLED), 1, DEPLOY);
        Path catalinaLog = ((TomcatContainer) container).catalinaLog();
        // Tomcat's file handler writes asynchronously.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> lines;
        do {
            Thread.sleep(100);
            lines = Files.readAllLines(catalinaLog);
        } while (lines.stream().noneMatch(l -> l.contains("Server startup in")) && System.nanoTime() < deadline);
        // Tomcat's format, so the records went through JUL to Tomcat's handlers.
        Pattern ours = Pattern.compile("^\\S+ \\S+ INFO \\[[^]]+\\] org\\.pistream\\.web\\.PiStreamContextListener\\."
                + "contextInitialized pi-stream \\S+ ready at context path '/cam/front'$");
        assertTrue(lines.stream().anyMatch(l -> ours.matcher(l).matches()), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.contains("org.pistream.core.source.CameraSupervisor") && l.contains("Camera started: pid")),
                "lines from pi-stream's own threads: " + String.join("\n", lines));
        // Tomcat's own lines still reach its log after pi-stream started: its JUL set-up is untouched.
        int ourLine = indexOf(lines, "ready at context path '/cam/front'");
        assertTrue(indexOf(lines, "Server startup in") > ourLine, String.join("\n", lines));
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }
}
