package org.pistream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pistream.core.settings.PasswordHash;
import org.pistream.docs.Docs;

/**
 * docs/RECIPES.md, run: each recipe block is read from the page and its URLs and arguments are
 * used, as written, by the app's own client where it runs here (curl, ffmpeg with Frigate's and
 * go2rtc's arguments, motion, VLC) against pi-stream started with the README's run command. Only
 * the example host and port (and the example password) are replaced by the test server's, and an
 * app's endless run is bounded (noted where it is). Two servers: one with authentication, for the
 * recipes that carry credentials, one without, for the apps whose page shows the picture in the
 * browser (OctoPrint, Mainsail, Fluidd) and the Frigate and go2rtc examples.
 */
class RecipesIT {
    private static final String USER = "viewer";
    private static final String PASSWORD = "recipe-test-pw";
    private static final Duration APP_TIMEOUT = Duration.ofSeconds(30);
    /** Frigate's preset-http-mjpeg-generic, as frigate/ffmpeg_presets.py expands it (the user agent's version aside). */
    private static final List<String> FRIGATE_MJPEG_PRESET = List.of("-avoid_negative_ts", "make_zero", "-fflags", "nobuffer",
            "-flags", "low_delay", "-strict", "experimental", "-fflags", "+genpts+discardcorrupt", "-use_wallclock_as_timestamps", "1");

    /** Every recipe block on the page, each run by a test below: a block added to the page must be added here and run. */
    private static final List<String> RECIPES = List.of("home-assistant", "home-assistant-snapshot", "octoprint", "mainsail",
            "moonraker", "frigate", "frigate-ffmpeg", "go2rtc", "go2rtc-ffmpeg", "motion", "vlc", "ffmpeg");

    private static Map<String, String> recipes;
    private static ServerProcess locked;
    private static ServerProcess open;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        recipes = Docs.recipes(Docs.path("docs", "RECIPES.md"));
        assertEquals(RECIPES, List.copyOf(recipes.keySet()), "the page's recipe blocks, in order, are the ones this test runs");
        String hash = PasswordHash.create(PASSWORD.toCharArray(), new SecureRandom());
        locked = ServerProcess.startCommand(readmeRunCommand("--port", "0", "--address", "127.0.0.1",
                "--auth-user", USER, "--auth-password-hash", hash), Map.of());
        open = ServerProcess.startCommand(readmeRunCommand("--port", "0", "--address", "127.0.0.1"), Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        if (locked != null) {
            locked.close();
        }
        if (open != null) {
            open.close();
        }
    }

    /** The README's run command (the java part of its first line), with {@code extra} flags added. */
    static List<String> readmeRunCommand(String... extra) throws IOException {
        String line = Docs.readmeRunLine();
        String java = line.substring(line.indexOf("&&") + 2).strip();
        List<String> command = new ArrayList<>(Docs.words(java));
        assertEquals("java", command.get(0), line);
        command.set(0, ExternalTools.javaBinary());
        command.addAll(List.of(extra));
        return command;
    }

    @Test
    void readmeRunCommandGivesTheJvmTheSmallBoardOptions() throws Exception {
        assertTrue(readmeRunCommand().contains("@etc/jvm-pi.options"), "the README runs java with @etc/jvm-pi.options");
        String xmx = Docs.read(Docs.path("etc", "jvm-pi.options")).lines().filter(l -> l.startsWith("-Xmx")).findFirst()
                .orElseThrow(() -> new AssertionError("etc/jvm-pi.options sets -Xmx"));
        Matcher m = Pattern.compile("-Xmx(\\d+)([mMgG])").matcher(xmx);
        assertTrue(m.matches(), xmx);
        long limit = Long.parseLong(m.group(1)) * (m.group(2).equalsIgnoreCase("g") ? 1L << 30 : 1L << 20);
        long heapMax = Http.stats(open.uri()).path("server").path("heapMaxBytes").asLong();
        assertTrue(heapMax > 0 && heapMax <= limit, xmx + " from etc/jvm-pi.options is in force: heap max " + heapMax);
    }

    @Test
    void homeAssistantStreamAndStillImageWithBasicAuth() throws Exception {
        Map<String, String> yaml = Docs.yamlValues(recipe("home-assistant"));
        assertEquals("mjpeg", yaml.get("platform"));
        assertEquals("basic", yaml.get("authentication"));
        assertEquals(USER, yaml.get("username"));
        String auth = "Basic " + Base64.getEncoder().encodeToString(
                (yaml.get("username") + ":" + local(yaml.get("password"), locked)).getBytes(StandardCharsets.UTF_8));
        URI stream = URI.create(local(yaml.get("mjpeg_url"), locked));
        assertStreamGivesFrames(stream, Map.of("Authorization", auth));
        assertEquals(401, plainGet(stream, Map.of()).statusCode(), "without the credentials: refused");
        assertImage(plainGet(URI.create(local(yaml.get("still_image_url"), locked)), Map.of("Authorization", auth)).body());

        // The still image as Home Assistant fetches it, with curl and the page's exact command.
        String curl = recipe("home-assistant-snapshot");
        assertTrue(curl.contains(yaml.get("still_image_url")), "the curl line fetches the YAML's still_image_url");
        ExternalTools.require("curl");
        Result run = run(Docs.words(local(curl, locked)), dir);
        assertEquals(0, run.exit(), run.output());
        assertImage(Files.readAllBytes(dir.resolve("snapshot.jpg")));
    }

    @Test
    void octoPrintStreamAndSnapshotUrls() throws Exception {
        Map<String, String> urls = Docs.colonValues(recipe("octoprint"));
        assertTrue(urls.get("Stream URL").contains(":8081/"), "OctoPrint's recipe keeps off OctoPi's port 8080");
        assertStreamGivesFrames(URI.create(local(urls.get("Stream URL"), open)), Map.of());
        HttpResponse<byte[]> snapshot = plainGet(URI.create(local(urls.get("Snapshot URL"), open)), Map.of());
        assertEquals("image/jpeg", snapshot.headers().firstValue("Content-Type").orElse(""));
        assertImage(snapshot.body());
    }

    @Test
    void mainsailFluiddAndMoonrakerUrlsWithTheAdaptiveModesCacheBuster() throws Exception {
        Map<String, String> ui = Docs.colonValues(recipe("mainsail"));
        Map<String, String> moonraker = Docs.colonValues(recipe("moonraker"));
        assertEquals(ui.get("URL Stream"), moonraker.get("stream_url"), "the UI and moonraker.conf say the same");
        assertEquals(ui.get("URL Snapshot"), moonraker.get("snapshot_url"));
        assertTrue(moonraker.get("service").startsWith("mjpegstreamer"), moonraker.get("service"));
        assertStreamGivesFrames(URI.create(local(moonraker.get("stream_url"), open)), Map.of());
        String snapshot = local(moonraker.get("snapshot_url"), open);
        assertImage(plainGet(URI.create(snapshot), Map.of()).body());
        assertImage(plainGet(URI.create(snapshot + "&timestamp=" + System.nanoTime()), Map.of()).body());
    }

    @Test
    void frigateDetectsOnTheStreamWithItsMjpegPresetsArguments() throws Exception {
        String yaml = recipe("frigate");
        Map<String, String> values = Docs.yamlValues(yaml);
        assertEquals("preset-http-mjpeg-generic", values.get("input_args"));
        int width = Integer.parseInt(values.get("width"));
        int height = Integer.parseInt(values.get("height"));
        int fps = Integer.parseInt(values.get("fps"));

        List<String> command = Docs.words(recipe("frigate-ffmpeg"));
        int input = command.indexOf("-i");
        assertEquals(values.get("path"), command.get(input + 1), "ffmpeg reads the YAML's path");
        int agent = command.indexOf("-user_agent");
        assertEquals(FRIGATE_MJPEG_PRESET, command.subList(agent + 2, input), "the preset's arguments");
        assertTrue(command.get(agent + 1).startsWith("FFmpeg Frigate/"), command.get(agent + 1));
        assertEquals(List.of("-r", String.valueOf(fps), "-vf", "fps=" + fps + ",scale=" + width + ":" + height),
                command.subList(input + 2, input + 6), "the detect size and rate");

        ExternalTools.require("ffmpeg");
        List<String> local = localWords(command, open);
        int frameBytes = width * height * 3 / 2;
        Process ffmpeg = new ProcessBuilder(local).redirectError(dir.resolve("ffmpeg.err").toFile()).start();
        try (InputStream raw = ffmpeg.getInputStream()) {
            // Frigate reads this pipe for ever; the test reads ten frames and stops it.
            byte[] frames = raw.readNBytes(10 * frameBytes);
            assertEquals(10 * frameBytes, frames.length, "ten whole yuv420p frames at the detect size; ffmpeg said: "
                    + Files.readString(dir.resolve("ffmpeg.err")));
            assertTrue(hasPicture(frames, width * height), "the frames hold a picture, not a flat field");
        } finally {
            ffmpeg.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void go2rtcSourceLineTurnsTheStreamIntoH264() throws Exception {
        Map<String, String> values = Docs.yamlValues(recipe("go2rtc"));
        String source = values.get("pi_camera");
        assertTrue(source.startsWith("ffmpeg:") && source.endsWith("#video=h264"), source);
        String url = source.substring("ffmpeg:".length(), source.indexOf('#'));

        List<String> command = Docs.words(recipe("go2rtc-ffmpeg"));
        assertEquals(url, command.get(command.indexOf("-i") + 1), "ffmpeg reads the source line's URL");
        int output = command.indexOf("-user_agent");
        assertEquals(List.of("-user_agent", "ffmpeg/go2rtc", "-rtsp_transport", "tcp", "-f", "rtsp"),
                command.subList(output, output + 6), "go2rtc's RTSP output, which the test replaces by a file");

        ExternalTools.require("ffmpeg");
        ExternalTools.require("ffprobe");
        List<String> local = new ArrayList<>(localWords(command.subList(0, output), open));
        Path h264 = dir.resolve("go2rtc.h264");
        local.addAll(List.of("-frames:v", "10", "-f", "h264", h264.toString()));
        Result run = run(local, dir);
        assertEquals(0, run.exit(), run.output());
        Result probe = run(List.of("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                "stream=codec_name,width,height,nb_read_frames", "-of", "csv=p=0", h264.toString()), dir);
        assertEquals("h264,640,480,10", probe.output().strip());
    }

    @Test
    void motionReadsTheStreamWithMotionEyesNetcamSettings() throws Exception {
        Path motionBin = ExternalTools.require("motion");
        String lines = local(recipe("motion"), locked);
        assertTrue(lines.contains("netcam_userpass " + USER + ":" + PASSWORD), lines);
        Path target = Files.createDirectories(dir.resolve("motion"));
        // The recipe's lines plus what a test run needs: foreground, a snapshot a second into a
        // folder of its own, nothing else written, no ports of motion's own.
        Files.writeString(dir.resolve("motion.conf"), lines + "\n"
                + "daemon off\nsetup_mode off\nlog_level 6\nsnapshot_interval 1\ntarget_dir " + target + "\n"
                + "picture_output off\nmovie_output off\nwebcontrol_port 0\nstream_port 0\n", StandardCharsets.UTF_8);
        Process motion = new ProcessBuilder(motionBin.toString(), "-n", "-c", dir.resolve("motion.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("motion.log").toFile()).start();
        try {
            Path snapshot = awaitFile(target, ".jpg", motion);
            assertNotNull(snapshot, "motion wrote no snapshot within " + APP_TIMEOUT + "; its log:\n"
                    + Files.readString(dir.resolve("motion.log")));
            BufferedImage image = assertImage(Files.readAllBytes(snapshot));
            assertEquals(640, image.getWidth());
        } finally {
            motion.destroy();
            if (!motion.waitFor(10, TimeUnit.SECONDS)) {
                motion.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void vlcPlaysTheStream() throws Exception {
        List<String> words = Docs.words(recipe("vlc"));
        assertEquals("vlc", words.get(0));
        Path cvlc = ExternalTools.require("cvlc");
        String url = local(words.get(1), locked);
        // cvlc is vlc without a window; the stream is recorded to a file as VLC demuxes it, and VLC
        // runs as nobody because it refuses root.
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Path out = dir.resolve("vlc.mjpg");
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "env", "HOME=" + dir));
        }
        command.addAll(List.of(cvlc.toString(), "-I", "dummy", "--no-audio", url,
                "--sout", "#std{access=file,mux=mpjpeg,dst=" + out + "}"));
        Process vlc = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("vlc.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + APP_TIMEOUT.toNanos();
            List<byte[]> jpegs = List.of();
            while (jpegs.size() < 10 && vlc.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(200);
                jpegs = Files.exists(out) ? jpegs(Files.readAllBytes(out)) : List.of();
            }
            assertTrue(jpegs.size() >= 10, "VLC recorded " + jpegs.size() + " frames; its log:\n" + Files.readString(dir.resolve("vlc.log")));
            for (byte[] jpeg : jpegs.subList(0, 10)) {
                assertImage(jpeg);
            }
        } finally {
            vlc.destroy();
            if (!vlc.waitFor(10, TimeUnit.SECONDS)) {
                vlc.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void ffmpegRecordsTheStreamWithoutReencoding() throws Exception {
        ExternalTools.require("ffmpeg");
        ExternalTools.require("ffprobe");
        List<String> command = localWords(Docs.words(recipe("ffmpeg")), locked);
        // A two-second recording instead of the page's ten, into the test's folder.
        int t = command.indexOf("-t");
        command.set(t + 1, "2");
        Path file = dir.resolve(command.get(command.size() - 1));
        command.set(command.size() - 1, file.toString());
        Result run = run(command, dir);
        assertEquals(0, run.exit(), run.output());
        Result probe = run(List.of("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                "stream=codec_name,width,height,nb_read_frames", "-of", "csv=p=0", file.toString()), dir);
        String[] fields = probe.output().strip().split(",");
        assertEquals("mjpeg,640,480", String.join(",", List.of(fields).subList(0, 3)), probe.output());
        assertTrue(Integer.parseInt(fields[3]) >= 20, "about two seconds of frames: " + probe.output());
    }

    private static String recipe(String name) {
        String text = recipes.get(name);
        assertNotNull(text, "docs/RECIPES.md has a block marked <!-- recipe: " + name + " -->");
        return text;
    }

    /** The example host and port, in any URL of {@code text}, become the server's; the example password its own. */
    static String local(String text, TestServer server) {
        Matcher m = Pattern.compile("(https?://(?:[^@/\\s\"]+@)?)[A-Za-z0-9.-]+:\\d+").matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + "127.0.0.1:" + server.port()));
        }
        m.appendTail(sb);
        return sb.toString().replace("YOUR_PASSWORD", PASSWORD);
    }

    private static List<String> localWords(List<String> words, TestServer server) {
        return new ArrayList<>(words.stream().map(w -> local(w, server)).toList());
    }

    private static void assertStreamGivesFrames(URI uri, Map<String, String> headers) throws IOException {
        String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        try (MjpegClient client = MjpegClient.open(URI.create("http://" + uri.getHost() + ":" + uri.getPort() + "/"), path, headers)) {
            assertEquals(200, client.status(), uri.toString());
            for (int i = 0; i < 3; i++) {
                assertImage(client.readPart().jpeg());
            }
        }
    }

    private static HttpResponse<byte[]> plainGet(URI uri, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
        headers.forEach(request::header);
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static BufferedImage assertImage(byte[] jpeg) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        assertNotNull(image, "a JPEG that decodes");
        assertEquals(640, image.getWidth(), "the README's test pattern");
        assertEquals(480, image.getHeight());
        return image;
    }

    /** Whether the luma plane of the first frame varies: a picture, not one grey. */
    private static boolean hasPicture(byte[] frames, int lumaBytes) {
        int min = 255;
        int max = 0;
        for (int i = 0; i < lumaBytes; i++) {
            int v = frames[i] & 0xff;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return max - min > 100;
    }

    /** The JPEGs of a multipart file: from each start marker to the next end marker. */
    private static List<byte[]> jpegs(byte[] data) {
        List<byte[]> found = new ArrayList<>();
        int i = 0;
        while (true) {
            int start = indexOf(data, new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff}, i);
            if (start < 0) {
                return found;
            }
            int boundary = indexOf(data, "\r\n--".getBytes(StandardCharsets.US_ASCII), start);
            if (boundary < 0) {
                return found;
            }
            found.add(java.util.Arrays.copyOfRange(data, start, boundary));
            i = boundary;
        }
    }

    private static int indexOf(byte[] data, byte[] what, int from) {
        outer:
        for (int i = from; i <= data.length - what.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (data[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static Path awaitFile(Path folder, String suffix, Process owner) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + APP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && owner.isAlive()) {
            try (Stream<Path> files = Files.list(folder)) {
                Path found = files.filter(p -> p.toString().endsWith(suffix)).findFirst().orElse(null);
                // motion writes the file and closes it; a second look a moment later sees it whole
                if (found != null) {
                    Thread.sleep(300);
                    return found;
                }
            }
            Thread.sleep(200);
        }
        return null;
    }

    record Result(int exit, String output) {
    }

    private static Result run(List<String> command, Path cwd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(APP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("did not end within " + APP_TIMEOUT + ": " + command);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
