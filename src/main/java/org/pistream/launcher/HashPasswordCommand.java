package org.pistream.launcher;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

import org.pistream.core.settings.KeyTable;
import org.pistream.core.settings.PasswordHash;

/**
 * {@code java -jar pi-stream.war hash-password}: reads a password and prints its hash for
 * {@code --auth-password-hash} as the last line. On a terminal it asks twice without echo; from
 * a pipe it reads the first line ({@code echo "$PASSWORD" | java -jar pi-stream.war hash-password}).
 */
final class HashPasswordCommand {
    static final String NAME = "hash-password";

    private HashPasswordCommand() {
    }

    /** Returns the exit status: 0 with the hash printed, 2 when no usable password was given. */
    static int run(Console console, InputStream in, PrintStream out, PrintStream err) {
        char[] password;
        try {
            password = console != null ? fromConsole(console) : fromStream(in);
        } catch (IOException e) {
            err.println("pi-stream: cannot read the password: " + e.getMessage());
            return 2;
        }
        if (password == null) {
            err.println("pi-stream: the two passwords differ");
            return 2;
        }
        if (password.length == 0) {
            err.println("pi-stream: the password must not be empty");
            return 2;
        }
        try {
            String hash = PasswordHash.create(password, new SecureRandom());
            out.println("Use it as " + KeyTable.AUTH_PASSWORD_HASH.flagName() + " (or " + KeyTable.AUTH_PASSWORD_HASH.configKey()
                    + "), with " + KeyTable.AUTH_USER.flagName() + ":");
            out.println(hash);
            return 0;
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static char[] fromConsole(Console console) {
        char[] first = console.readPassword("Password: ");
        char[] second = console.readPassword("Again: ");
        if (first == null || second == null) {
            return new char[0];
        }
        boolean same = Arrays.equals(first, second);
        Arrays.fill(second, '\0');
        return same ? first : null;
    }

    private static char[] fromStream(InputStream in) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line = reader.readLine();
        return line == null ? new char[0] : line.toCharArray();
    }
}
