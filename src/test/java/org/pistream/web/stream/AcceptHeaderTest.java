package org.pistream.web.stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class AcceptHeaderTest {

    @ParameterizedTest
    @ValueSource(strings = {
        // Chromium, Firefox and Safari navigating to a page
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
                + "application/signed-exchange;v=b3;q=0.7",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "TEXT/HTML", " text/html ; q=0.5", "application/json, text/html;level=1;q=0.1"
    })
    void browsersNavigatingAskForHtml(String accept) {
        assertTrue(AcceptHeader.acceptsHtml(accept), accept);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {
        "", "*/*", "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8", "image/jpeg",
        "multipart/x-mixed-replace", "text/*", "text/html;q=0", "text/html; q=0.0", "text/html;q=zero",
        "text/htmlx", "application/xhtml+xml"
    })
    void playersToolsAndImagesDoNot(String accept) {
        assertFalse(AcceptHeader.acceptsHtml(accept), String.valueOf(accept));
    }
}
