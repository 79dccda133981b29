package org.pistream.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the project's Markdown the way its tests need it: the README's set-up commands, the
 * recipe blocks of docs/RECIPES.md (a fenced block right after a {@code <!-- recipe: NAME -->}
 * line), and the simple values inside them. Paths are relative to the project
 * ({@code pistream.basedir} in the integration tests, the working directory otherwise).
 */
public final class Docs {
    private static final Pattern RECIPE = Pattern.compile("<!-- recipe: ([a-z0-9-]+) -->\\n```[a-z]*\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern FIRST_SH_BLOCK = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL);

    private Docs() {
    }

    public static Path path(String first, String... more) {
        return Path.of(System.getProperty("pistream.basedir", "."), first).resolve(Path.of("", more));
    }

    public static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    /** The commands of the README's first shell block: its lines that are not comments or blank. */
    public static List<String> readmeSetupCommands() throws IOException {
        Matcher m = FIRST_SH_BLOCK.matcher(read(path("README.md")));
        if (!m.find()) {
            throw new AssertionError("README.md has no ```sh block");
        }
        return m.group(1).lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    /** The README's first command: build, then run on the test pattern. */
    public static String readmeRunLine() throws IOException {
        return readmeSetupCommands().get(0);
    }

    /** The README's second command: the tests. */
    public static String readmeTestLine() throws IOException {
        return readmeSetupCommands().get(1);
    }

    /** Every marked recipe block of {@code file}, by name, in order. */
    public static Map<String, String> recipes(Path file) throws IOException {
        Map<String, String> blocks = new LinkedHashMap<>();
        Matcher m = RECIPE.matcher(read(file));
        while (m.find()) {
            if (blocks.put(m.group(1), m.group(2).strip()) != null) {
                throw new AssertionError("recipe " + m.group(1) + " is marked twice in " + file);
            }
        }
        return blocks;
    }

    /** {@code key: value} lines of a YAML block (a leading {@code - } dropped), the first of each key. */
    public static Map<String, String> yamlValues(String yaml) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : yaml.lines().toList()) {
            String entry = line.strip();
            if (entry.startsWith("- ")) {
                entry = entry.substring(2);
            }
            int colon = entry.indexOf(": ");
            if (colon > 0 && !entry.startsWith("#")) {
                values.putIfAbsent(entry.substring(0, colon), entry.substring(colon + 2).strip());
            }
        }
        return values;
    }

    /** {@code Name: value} lines (a settings form, an ini section), the first of each name. */
    public static Map<String, String> colonValues(String text) {
        return yamlValues(text);
    }

    /** Splits a command line as a shell does for these pages: blanks separate, quotes group, {@code \} newline joins. */
    public static List<String> words(String line) {
        String text = line.replace("\\\n", " ");
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                word = word == null ? new StringBuilder() : word;
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unclosed quote in: " + line);
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }
}
