package org.pistream.launcher;

import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.jetty.util.resource.Resource;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * Where the embedded server finds the webapp's static files (the live-view page): inside the WAR
 * it runs from, read in place as a {@code jar:} resource, or the {@code webapp/} folder of a
 * source tree when it runs from classes (an IDE, a test without the WAR).
 */
final class WebResources {
    /** Set by the bootstrap (and by the integration tests): the path of pi-stream.war. */
    static final String WAR_PROPERTY = "pistream.war";
    static final Path SOURCE_FOLDER = Path.of("webapp");

    private WebResources() {
    }

    /**
     * The webapp's root, or null when neither the WAR nor the source folder exists (the page is
     * then missing, the stream and the other endpoints work).
     *
     * @param factory a factory tied to the context's life, so a mounted WAR is closed with it
     */
    static Resource locate(ResourceFactory factory) {
        String war = System.getProperty(WAR_PROPERTY);
        if (war != null && Files.isRegularFile(Path.of(war))) {
            return factory.newJarFileResource(Path.of(war).toAbsolutePath().toUri());
        }
        if (Files.isDirectory(SOURCE_FOLDER.resolve("WEB-INF"))) {
            return factory.newResource(SOURCE_FOLDER.toAbsolutePath());
        }
        return null;
    }
}
