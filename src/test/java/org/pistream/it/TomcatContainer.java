package org.pistream.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Apache Tomcat 10.1 from its distribution archive, with its own {@code CATALINA_BASE}: the
 * distribution's {@code conf/} with three changes to {@code server.xml} (no shutdown port, the
 * HTTP connector on a free loopback port, deployment changes checked every second), started with
 * {@code bin/catalina.sh run}.
 */
final class TomcatContainer extends ServletContainer {
    static final String HOME_PROPERTY = "pistream.tomcat.home";

    TomcatContainer(Path base) throws IOException {
        super(HOME_PROPERTY, base);
        for (String dir : List.of("logs", "temp", "webapps", "work", "conf/Catalina/localhost")) {
            Files.createDirectories(this.base.resolve(dir));
        }
        try (Stream<Path> files = Files.list(home.resolve("conf"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, this.base.resolve("conf").resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path serverXml = this.base.resolve("conf/server.xml");
        String xml = Files.readString(serverXml);
        xml = replaceOnce(xml, "<Server port=\"8005\"", "<Server port=\"-1\"");
        xml = replaceOnce(xml, "<Connector port=\"8080\" protocol=\"HTTP/1.1\"",
                "<Connector port=\"0\" address=\"127.0.0.1\" protocol=\"HTTP/1.1\"");
        xml = replaceOnce(xml, "<Engine name=\"Catalina\" defaultHost=\"localhost\">",
                "<Engine name=\"Catalina\" defaultHost=\"localhost\" backgroundProcessorDelay=\"1\">");
        Files.writeString(serverXml, xml);
    }

    @Override
    String name() {
        return "Tomcat";
    }

    @Override
    protected List<String> command() {
        // Through sh: the archive's unpacking need not keep the scripts' executable bits.
        return List.of("sh", home.resolve("bin/catalina.sh").toString(), "run");
    }

    @Override
    protected Map<String, String> environment() {
        return Map.of("CATALINA_HOME", home.toString(), "CATALINA_BASE", base.toString(), "JAVA_HOME", javaHome(),
                "CATALINA_OPTS", String.join(" ", jvmOptions()), "JAVA_OPTS", "");
    }

    @Override
    protected Pattern portLine() {
        // With port="0" Tomcat names the connector after the port the system picked.
        return Pattern.compile("Starting ProtocolHandler \\[\"http-nio-127\\.0\\.0\\.1-auto-\\d+-(\\d+)\"\\]");
    }

    @Override
    protected String startedLine() {
        return "Server startup in";
    }

    @Override
    void install(String contextPath, Map<String, String> parameters) throws IOException {
        String name = baseName(contextPath);
        Files.writeString(base.resolve("conf/Catalina/localhost").resolve(name + ".xml"), contextXml(null, parameters));
        Files.copy(war(), base.resolve("webapps").resolve(name + ".war"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    protected Path descriptor(String contextPath) {
        return base.resolve("conf/Catalina/localhost").resolve(baseName(contextPath) + ".xml");
    }

    @Override
    protected String descriptorXml(String contextPath, Map<String, String> parameters) {
        return contextXml(war(), parameters);
    }

    @Override
    String webappClassLoaderClass() {
        return "org.apache.catalina.loader.ParallelWebappClassLoader";
    }

    @Override
    Pattern failedStartLine(String contextPath) {
        return Pattern.compile("SEVERE .*Context \\[" + Pattern.quote(contextPath) + "\\] startup failed due to previous errors");
    }

    @Override
    Pattern undeployedLine(String contextPath) {
        return Pattern.compile("Undeploying context \\[" + Pattern.quote(contextPath) + "\\]");
    }

    @Override
    boolean logsWebappLinesAtShutdown() {
        return true;
    }

    @Override
    protected List<Path> logFiles() {
        // catalina.DATE.log repeats the console; localhost.DATE.log has the listener's exception.
        try (Stream<Path> files = Files.list(base.resolve("logs"))) {
            return new ArrayList<>(files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The file Tomcat's own log is written to (besides the console). */
    Path catalinaLog() {
        return logFiles().stream().filter(f -> f.getFileName().toString().startsWith("catalina.")).findFirst()
                .orElseThrow(() -> new AssertionError("no catalina.*.log in " + base.resolve("logs")));
    }

    /** Tomcat's file name for a context path: {@code /cam/front} is {@code cam#front}, {@code /} is {@code ROOT}. */
    static String baseName(String contextPath) {
        return contextPath.isEmpty() || contextPath.equals("/") ? "ROOT" : contextPath.substring(1).replace('/', '#');
    }

    private static String contextXml(Path docBase, Map<String, String> parameters) {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Context");
        if (docBase != null) {
            sb.append(" docBase=\"").append(xml(docBase.toString())).append('"');
        }
        sb.append(">\n");
        parameters.forEach((k, v) -> sb.append("  <Parameter name=\"").append(xml(k)).append("\" value=\"").append(xml(v))
                .append("\"/>\n"));
        return sb.append("</Context>\n").toString();
    }

    private static String replaceOnce(String text, String from, String to) {
        int at = text.indexOf(from);
        if (at < 0 || text.indexOf(from, at + 1) >= 0) {
            throw new AssertionError("server.xml of this Tomcat does not have exactly one '" + from + "'");
        }
        return text.replace(from, to);
    }
}
