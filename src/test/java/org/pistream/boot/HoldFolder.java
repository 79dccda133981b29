package org.pistream.boot;

import java.nio.file.Path;

/**
 * For {@link UnpackedTest}: a second process that unpacks a WAR into a folder and holds it, as a
 * running pi-stream does, until its standard input closes.
 */
public final class HoldFolder {
    private HoldFolder() {
    }

    public static void main(String[] args) throws Exception {
        Unpacked.ensure(Path.of(args[0]), Path.of(args[1]));
        System.out.println("held");
        System.out.flush();
        while (System.in.read() >= 0) {
            // Until the test closes our input.
        }
    }
}
