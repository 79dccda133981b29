package org.pistream.web;

/** A client-supplied value as error messages quote it: short, printable ASCII only. */
public final class ShownValue {
    private static final int MAX = 40;

    private ShownValue() {
    }

    /** The value cut to 40 characters, anything but printable ASCII as {@code ?}, so a message cannot carry control bytes. */
    public static String of(String value) {
        String cut = value.length() <= MAX ? value : value.substring(0, MAX) + "...";
        StringBuilder sb = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            sb.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return sb.toString();
    }
}
