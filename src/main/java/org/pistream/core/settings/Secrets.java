package org.pistream.core.settings;

import java.util.regex.Pattern;


/**
 * Masks credentials in text that pi-stream shows or logs: a camera command line, a request path,
 * a line the camera printed. Camera commands carry them in practice: ffmpeg reading
 * {@code rtsp://user:password@host/} (and printing that URL on its stderr), or a program with
 * {@code --password X} or {@code token=X}. The name and the user stay readable; the secret becomes
 * {@value #MASK}.
 */
public final class Secrets {
    public static final String MASK = "***";
    private static final String SECRET_WORD = "(?:password|passwd|pwd|passphrase|token|secret|apikey|api[-_]key"
            + "|access[-_]key|private[-_]key|auth|credentials?)";
    /** {@code scheme://user:password@}: the password. */
    private static final Pattern URL_USERINFO = Pattern.compile("(\\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\\s/:@]*:)[^\\s/@]+@");
    /** {@code name=value} with a secret-sounding name (options, query parameters): the value. */
    private static final Pattern ASSIGNMENT = Pattern.compile(
            "(?i)(\\b[a-z0-9_.-]*" + SECRET_WORD + "[a-z0-9_.-]*=)[^\\s&;]+");
    /** {@code --password value}: the word after a secret-sounding option. */
    private static final Pattern OPTION_VALUE = Pattern.compile(
            "(?i)((?:^|\\s)-{1,2}[a-z0-9_-]*" + SECRET_WORD + "[a-z0-9_-]*\\s+)(?!-)\\S+");

    private Secrets() {
    }

    /** The text with every credential masked; null stays null. */
    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = URL_USERINFO.matcher(text).replaceAll("$1" + MASK + "@");
        out = ASSIGNMENT.matcher(out).replaceAll("$1" + MASK);
        return OPTION_VALUE.matcher(out).replaceAll("$1" + MASK);
    }
}
