package org.pistream.launcher;

import java.util.Comparator;
import java.util.List;

import org.pistream.core.settings.Key;

import com.beust.jcommander.ParameterDescription;

/** The {@code --help} text: every flag, what it does, and its default, from the key table. */
final class Help {
    private Help() {
    }

    static String text(LauncherOptions options) {
        StringBuilder sb = new StringBuilder();
        sb.append("Usage: java -jar pi-stream.war [flags]\n")
          .append("       pi-stream [flags]         (installed from the Debian package)\n")
          .append("       java -jar pi-stream.war hash-password   (reads a password, prints its hash for --auth-password-hash)\n")
          .append("       java -jar pi-stream.war cameras         (lists the cameras found, with the line to use each)\n\n")
          .append("MJPEG streaming server for Raspberry Pi cameras. Endpoints: / (the live-view page in a\n")
          .append("browser, the stream otherwise), /stream, /snapshot, /stats, /metrics (Prometheus), /healthz.\n")
          .append("Connection limits, the header timeout and HTTPS apply to this embedded server only.\n")
          .append("A flag's value follows it as the next word or after '=': --port 8081 or --port=8081.\n")
          .append("Every flag --NAME can also be set as the system property -Dpistream.NAME, the\n")
          .append("environment variable PISTREAM_NAME (upper case, '-' as '_') or a line pistream.NAME=VALUE\n")
          .append("of the --config file. Highest priority first: flags, system properties, environment\n")
          .append("variables, the --config file, the defaults shown below.\n")
          .append("Per-logger levels: PISTREAM_LOG=org.pistream=debug,org.eclipse.jetty=info\n\nFlags:\n");
        List<ParameterDescription> params = options.commander().getParameters().stream()
                .sorted(Comparator.comparingInt(p -> p.getParameterAnnotation().order())).toList();
        for (ParameterDescription p : params) {
            Key<?> key = LauncherOptions.keyOf(p.getObject());
            String flag = p.getLongestName().substring(2);
            boolean takesValue = key != null ? key.flag() != Key.Flag.SWITCH : p.getParameterized().getType() == String.class;
            String left = "  " + p.getNames() + (!takesValue ? "" : flag.equals("config") ? " FILE" : " VALUE");
            sb.append(String.format("%-28s %s", left, p.getDescription()));
            if (key != null) {
                String value = key.defaultValue();
                sb.append(" (default: ").append(value == null || value.isEmpty() ? "none" : value).append(')');
            }
            sb.append('\n');
        }
        sb.append("\nConfig keys without a flag: ").append(String.join(", ", ConfigFile.configOnly(options.table())))
          .append(",\npistream.camera.NAME=SOURCE and pistream.camera.NAME.KEY for a named camera's own ")
          .append(String.join(", ", options.table().keys().stream().filter(Key::isPerCamera).map(Key::name).toList()))
          .append(".\n");
        sb.append("\nExamples:\n")
          .append("  java -jar pi-stream.war --camera test-pattern\n")
          .append("  java -jar pi-stream.war --config /etc/pi-stream/pi-stream.properties --port 8081\n")
          .append("  java -jar pi-stream.war --camera-cmd rpicam-vid --camera-args \"-t 0 -n --codec mjpeg --width 640 --height 480 -o -\"\n");
        return sb.toString();
    }
}
