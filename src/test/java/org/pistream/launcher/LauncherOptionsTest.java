package org.pistream.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.pistream.core.settings.KeyTable;

import com.beust.jcommander.ParameterException;

/** The flags made from the key table: both separators, values that hold '=' or look like flags, switches, repeats. */
class LauncherOptionsTest {
    private static Map<String, String> flags(String... args) {
        LauncherOptions options = new LauncherOptions(KeyTable.standard());
        options.parse(args);
        return options.toConfig();
    }

    @Test
    void aValueFollowsItsFlagAfterASpaceOrAnEqualsSign() {
        assertEquals(Map.of("pistream.port", "8081"), flags("--port", "8081"));
        assertEquals(Map.of("pistream.port", "8081"), flags("--port=8081"));
        assertEquals(Map.of("pistream.max-clients-per-address", "5", "pistream.max-clients", "6"),
                flags("--max-clients-per-address=5", "--max-clients", "6"));
    }

    @Test
    void onlyTheFirstEqualsSignSeparates() {
        assertEquals(Map.of("pistream.camera-args", "-o x=y"), flags("--camera-args", "-o x=y"));
        assertEquals(Map.of("pistream.camera-args", "-o x=y"), flags("--camera-args=-o x=y"));
        assertEquals(Map.of("pistream.camera-url", "http://pi:8080/stream?a=b"), flags("--camera-url=http://pi:8080/stream?a=b"));
        assertEquals(Map.of("pistream.camera.front", "test-pattern", "pistream.camera.back", "ffmpeg -i x -vf a=b",
                "pistream.cameras", "front,back"), flags("--camera", "front=test-pattern", "--camera=back=ffmpeg -i x -vf a=b"));
    }

    @Test
    void aValueThatLooksLikeAFlagIsStillTheValue() {
        assertEquals(Map.of("pistream.camera-args", "--camera 0 -t 0 -o -"), flags("--camera-args", "--camera 0 -t 0 -o -"));
        assertEquals(Map.of("pistream.camera-args", "-t 0 -n --codec mjpeg -o -"), flags("--camera-args", "-t 0 -n --codec mjpeg -o -"));
    }

    @Test
    void aSwitchNeedsNoValueAndACommaStaysInAValue() {
        assertEquals(Map.of("pistream.verbose", "true"), flags("--verbose"));
        assertEquals(Map.of("pistream.camera", "test-pattern:64x48@5", "pistream.allow-origin", "https://a.example,https://b.example"),
                flags("--camera", "test-pattern:64x48@5", "--allow-origin=https://a.example,https://b.example"));
    }

    @Test
    void unknownAndConfigOnlyKeysAreNoFlags() {
        assertThrows(ParameterException.class, () -> flags("--prot=8081"));
        assertThrows(ParameterException.class, () -> flags("--tls-keystore-password", "x"));
        assertThrows(ParameterException.class, () -> flags("--cameras=a"));
    }

    @Test
    void theLaunchersOwnOptionsTakeBothFormsToo() {
        LauncherOptions options = new LauncherOptions(KeyTable.standard());
        options.parse("--config=/etc/pi-stream/pi-stream.properties", "--port", "0");
        assertEquals("/etc/pi-stream/pi-stream.properties", options.config);
        assertEquals(Map.of("pistream.port", "0"), options.toConfig());
        assertTrue(Help.text(options).contains("--port=8081"));
    }
}
