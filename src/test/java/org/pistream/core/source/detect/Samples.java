package org.pistream.core.source.detect;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Real outputs of the listing programs, kept under {@code src/test/resources/org/pistream/core/source/detect/}.
 * Each file starts with {@code #} lines naming its source (URL) and what was cut, ended by {@code #---}; the
 * program's output follows byte for byte.
 */
public final class Samples {
    private Samples() {
    }

    public static String read(String name) {
        try (InputStream in = Samples.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no sample " + name);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int end = text.indexOf("#---\n");
            if (!text.startsWith("# ") || end < 0) {
                throw new IllegalStateException("sample " + name + " must start with its source in '# ' lines ended by #---");
            }
            return text.substring(end + "#---\n".length());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
