package org.pistream.web;

import java.nio.charset.StandardCharsets;

/**
 * A client-supplied value as error messages and log lines quote it: cut short, printable ASCII
 * only, so neither can carry control bytes, terminal escapes or forged line breaks. Everything
 * else is written {@code \xNN}: a character up to U+00FF as its own code (header bytes, which the
 * server reads as ISO-8859-1, come out as sent), a larger one as its UTF-8 bytes; a backslash is
 * {@code \x5c}, so an escape in the output always stands for one the client sent.
 */
public final class ShownValue {
    /** For error messages. */
    private static final int MAX = 40;
    /** For log lines quoting what a client sent (user agents, paths). */
    public static final int LOG_MAX = 200;

    private ShownValue() {
    }

    /** The value cut to 40 characters, escaped. */
    public static String of(String value) {
        return of(value, MAX);
    }

    /** The value cut to {@code max} characters (then {@code ...}), escaped; {@code null} as {@code null}. */
    public static String of(String value, int max) {
        if (value == null) {
            return "null";
        }
        boolean cut = value.length() > max;
        String head = cut ? value.substring(0, Character.isHighSurrogate(value.charAt(max - 1)) ? max - 1 : max) : value;
        StringBuilder sb = new StringBuilder(head.length() + 8);
        head.codePoints().forEach(c -> {
            if (c >= 0x20 && c < 0x7F && c != '\\') {
                sb.append((char) c);
            } else if (c <= 0xFF) {
                hex(sb, c);
            } else {
                for (byte b : new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8)) {
                    hex(sb, b & 0xFF);
                }
            }
        });
        return cut ? sb.append("...").toString() : sb.toString();
    }

    private static void hex(StringBuilder sb, int b) {
        sb.append("\\x").append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xF, 16));
    }
}
