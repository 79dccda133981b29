package org.pistream.core.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecretsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // URL credentials: the user stays, the password goes.
        "ffmpeg -i rtsp://admin:hunter2@cam.local:554/stream -f mjpeg -|ffmpeg -i rtsp://admin:***@cam.local:554/stream -f mjpeg -",
        "Input #0, rtsp, from 'rtsp://u:p%40ss@10.0.0.2/live':|Input #0, rtsp, from 'rtsp://u:***@10.0.0.2/live':",
        // Options whose name says secret, as a separate word or with '='.
        "cam --password hunter2 --width 640|cam --password *** --width 640",
        "cam --api-key abc123 -t 0|cam --api-key *** -t 0",
        "cam --auth-token=abc -o -|cam --auth-token=*** -o -",
        "cam -pwd s3cret|cam -pwd ***",
        // Query parameters.
        "/stream?client=abc&token=xyz&dual_final_frames=1|/stream?client=abc&token=***&dual_final_frames=1",
        "/stream?access_key=K1|/stream?access_key=***",
        // Ordinary commands stay as they are.
        "rpicam-vid -t 0 -n --codec mjpeg --width 1280 --height 720 --framerate 30 -o -|rpicam-vid -t 0 -n --codec mjpeg --width 1280 --height 720 --framerate 30 -o -",
        "ffmpeg -i http://cam.local/video.mjpg -c:v copy -f mjpeg -|ffmpeg -i http://cam.local/video.mjpg -c:v copy -f mjpeg -",
        "/stream?client=abc|/stream?client=abc",
        // An option with a secret name followed by another option has no value to mask.
        "cam --token --verbose|cam --token --verbose",
    })
    void masksCredentialsAndKeepsTheRest(String text, String expected) {
        assertEquals(expected, Secrets.redact(text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"''|''"})
    void emptyStaysEmpty(String text, String expected) {
        assertEquals(expected, Secrets.redact(text));
        assertNull(Secrets.redact(null));
    }
}
