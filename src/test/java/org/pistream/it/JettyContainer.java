package org.pistream.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Eclipse Jetty 12 from its {@code jetty-home} archive, with its own {@code JETTY_BASE} holding the
 * modules {@code http} and {@code ee10-deploy} (added by {@code start.jar --add-modules}, as an
 * operator does), on a free loopback port, with the {@code webapps/} folder scanned every second.
 */
final class JettyContainer extends ServletContainer {
    static final String HOME_PROPERTY = "pistream.jetty.home";

    JettyContainer(Path base) throws IOException, InterruptedException {
        super(HOME_PROPERTY, base);
        // With a work/ folder in the base, Jetty unpacks WARs there rather than in the system's temporary folder.
        Files.createDirectories(this.base.resolve("work"));
        Process p = new ProcessBuilder(java(), "-jar", startJar(), "--add-modules=http,ee10-deploy")
                .directory(this.base.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("start.jar --add-modules failed:\n" + out);
        }
    }

    @Override
    String name() {
        return "Jetty";
    }

    @Override
    protected List<String> command() {
        List<String> cmd = jvmOptions();
        cmd.add(0, java());
        cmd.addAll(List.of("-jar", startJar(), "jetty.http.host=127.0.0.1", "jetty.http.port=0",
                "jetty.deploy.scanInterval=1"));
        return cmd;
    }

    @Override
    protected Pattern portLine() {
        return Pattern.compile("Started oejs\\.ServerConnector@\\w+\\{HTTP/1\\.1, \\(http/1\\.1\\)\\}\\{127\\.0\\.0\\.1:(\\d+)\\}");
    }

    @Override
    protected String startedLine() {
        return "Started oejs.Server@";
    }

    @Override
    void install(String contextPath, Map<String, String> parameters) throws IOException {
        String name = baseName(contextPath);
        Files.copy(war(), base.resolve("webapps").resolve(name + ".war"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(base.resolve("webapps").resolve(name + ".xml"),
                contextXml(contextPath, "<Property name=\"jetty.webapps\"/>/" + name + ".war", parameters));
    }

    @Override
    protected Path descriptor(String contextPath) {
        return base.resolve("webapps").resolve(baseName(contextPath) + ".xml");
    }

    @Override
    protected String descriptorXml(String contextPath, Map<String, String> parameters) {
        return contextXml(contextPath, xml(war().toString()), parameters);
    }

    @Override
    String webappClassLoaderClass() {
        // Jetty 12.1's ee10 environment uses the class loader shared by all its ee environments.
        return "org.eclipse.jetty.ee.webapp.WebAppClassLoader";
    }

    @Override
    Pattern failedStartLine(String contextPath) {
        return Pattern.compile("WARN .*Failed startup of context .*[{,]" + Pattern.quote(contextPath) + ",");
    }

    @Override
    Pattern undeployedLine(String contextPath) {
        return Pattern.compile("Stopped oeje10w\\.WebAppContext@\\w+\\{[^,]*,?" + Pattern.quote(contextPath) + ",");
    }

    @Override
    boolean logsWebappLinesAtShutdown() {
        return false; // JUL's handlers are closed by the JVM's own shutdown hook, racing Jetty's
    }

    /** A file name for a context path: {@code /cam/front} is {@code cam-front}; the XML sets the real path. */
    static String baseName(String contextPath) {
        return contextPath.isEmpty() || contextPath.equals("/") ? "root" : contextPath.substring(1).replace('/', '-');
    }

    /** A Jetty context XML; {@code warXml} is XML content (text or a property reference). */
    private static String contextXml(String contextPath, String warXml, Map<String, String> parameters) {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<!DOCTYPE Configure PUBLIC \"-//Jetty//Configure//EN\" \"https://jetty.org/configure_10_0.dtd\">\n"
                + "<Configure class=\"org.eclipse.jetty.ee10.webapp.WebAppContext\">\n"
                + "  <Set name=\"contextPath\">" + xml(contextPath) + "</Set>\n"
                + "  <Set name=\"war\">" + warXml + "</Set>\n");
        parameters.forEach((k, v) -> sb.append("  <Call name=\"setInitParameter\"><Arg>").append(xml(k)).append("</Arg><Arg>")
                .append(xml(v)).append("</Arg></Call>\n"));
        return sb.append("</Configure>\n").toString();
    }

    private String startJar() {
        return home.resolve("start.jar").toString();
    }

    private static String java() {
        return Path.of(javaHome(), "bin", "java").toString();
    }
}
