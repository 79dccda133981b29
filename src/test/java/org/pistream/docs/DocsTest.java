package org.pistream.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The README stays a page for a Pi owner that fits on a screen or two, with its two set-up commands
 * first and CI running exactly its test command; every relative link in the README and docs/
 * leads to a file and heading that exist. (The run command itself is run by RecipesIT.)
 */
class DocsTest {
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    @Test
    void readmeStartsWithTheTwoSetUpCommands() throws IOException {
        List<String> commands = Docs.readmeSetupCommands();
        assertEquals(2, commands.size(), "build-and-run, then test: " + commands);
        String run = commands.get(0);
        assertTrue(run.startsWith("mvn ") && run.contains(" package "), run);
        assertTrue(run.contains("&& java @etc/jvm-pi.options -jar target/pi-stream.war --camera test-pattern"),
                "runs the built WAR on the test pattern with the small-board JVM options: " + run);
        assertTrue(Files.isRegularFile(Docs.path("etc", "jvm-pi.options")));
        String readme = Docs.read(Docs.path("README.md"));
        assertTrue(readme.indexOf("```sh") < readme.indexOf("\n## ", readme.indexOf("## Set-up") + 1),
                "the commands are in the first section after the introduction");
    }

    @Test
    void ciRunsExactlyTheReadmesTestCommand() throws IOException {
        List<String> lines = Docs.read(Docs.path(".ci", "run")).lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertEquals(Docs.readmeTestLine(), lines.get(lines.size() - 1), ".ci/run ends with the README's test command");
    }

    @Test
    void homeAssistantsUrlsAreWithinOneScreenOfTheTop() throws IOException {
        List<String> lines = Docs.read(Docs.path("README.md")).lines().toList();
        int row = -1;
        for (int i = 0; i < lines.size() && row < 0; i++) {
            if (lines.get(i).contains("Home Assistant") && lines.get(i).contains("/?action=stream")
                    && lines.get(i).contains("/?action=snapshot")) {
                row = i + 1;
            }
        }
        assertTrue(row > 0 && row <= 45, "Home Assistant's stream and snapshot URLs on one README line within 45 lines: line " + row);
    }

    @Test
    void readmeFitsOnAFewScreens() throws IOException {
        String readme = Docs.read(Docs.path("README.md")).replaceAll("(?s)<!--.*?-->\\n?", "");
        long lines = readme.lines().count();
        assertTrue(lines <= 110, "the README is for a Pi owner; reference material goes to docs/ (" + lines + " lines)");
    }

    @Test
    void everyRelativeLinkLeadsToAFileAndHeadingThatExist() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(Docs.path("README.md")));
        try (Stream<Path> docs = Files.list(Docs.path("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        List<String> broken = new ArrayList<>();
        for (Path page : pages) {
            Matcher m = LINK.matcher(Docs.read(page));
            while (m.find()) {
                String link = m.group(1);
                if (link.matches("[a-z]+:.*")) {
                    continue;
                }
                int hash = link.indexOf('#');
                String file = hash < 0 ? link : link.substring(0, hash);
                Path target = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                if (!Files.exists(target)) {
                    broken.add(page.getFileName() + ": " + link + " (no such file)");
                } else if (hash >= 0 && !anchors(target).contains(link.substring(hash + 1))) {
                    broken.add(page.getFileName() + ": " + link + " (no such heading)");
                }
            }
        }
        assertEquals(List.of(), broken);
    }

    /** GitHub's anchors for a page's headings: lower case, punctuation dropped, blanks as '-'. */
    private static List<String> anchors(Path page) throws IOException {
        if (!page.toString().endsWith(".md")) {
            return List.of();
        }
        return Docs.read(page).lines().filter(l -> l.startsWith("#"))
                .map(l -> l.replaceFirst("^#+\\s*", "").strip().toLowerCase(Locale.ROOT)
                        .replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'))
                .toList();
    }
}
