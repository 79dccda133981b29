package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** pi-stream.war in a real Eclipse Jetty 12 (ee10) distribution (see {@link DropInContract}). */
class JettyDropInIT extends DropInContract {

    @Override
    protected ServletContainer createContainer(Path base) throws Exception {
        return new JettyContainer(base);
    }

    @Test
    @Order(1)
    void piStreamLogsThroughJulToJettysConsole() throws Exception {
        container.awaitCount(ready(INSTALLED), 1, DEPLOY);
        List<String> lines = container.logLines();
        // JUL's default console format: the source line, then "LEVEL: message".
        int ours = -1;
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).matches("INFO: pi-stream \\S+ ready at context path '/cam/front'")
                    && lines.get(i - 1).endsWith("org.pistream.web.PiStreamContextListener contextInitialized")) {
                ours = i;
            }
        }
        assertTrue(ours > 0, container.log());
        // Jetty's own logging carries on beside it.
        int jettyStarted = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("INFO :oejs.Server:main: Started oejs.Server@")) {
                jettyStarted = i;
            }
        }
        assertTrue(jettyStarted > ours, container.log());
    }
}
