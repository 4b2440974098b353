package com.calmline.conversation;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** What the line says: templates from PROMPTS_DIR (editable without a build), the jar's copies as fallback. */
final class PromptBook {
    static final String NO_ISSUE = "this has happened";
    private static final Pattern SENTENCE_START = Pattern.compile("(^|[.!?]\\s+)([a-z])");

    final String greeting;
    private final List<String> acknowledgements;
    private final String confirm;
    private final String route;
    private final String person;

    private PromptBook(Path dir) throws IOException {
        greeting = text(dir, "greeting.txt");
        acknowledgements = new ArrayList<>();
        for (int n = 1; exists(dir, "acknowledge-" + n + ".txt"); n++) {
            acknowledgements.add(text(dir, "acknowledge-" + n + ".txt"));
        }
        if (acknowledgements.isEmpty()) {
            throw new IOException("no acknowledge-1.txt in " + dir.toAbsolutePath() + " or in the jar");
        }
        confirm = text(dir, "confirm.txt");
        route = text(dir, "route.txt");
        person = text(dir, "person.txt");
    }

    static PromptBook load(Path dir) throws IOException {
        return new PromptBook(dir);
    }

    /** The acknowledgement for round {@code round} (1-based); wording varies from round to round. */
    String acknowledge(int round, String issue) {
        return fill(acknowledgements.get((round - 1) % acknowledgements.size()), issue);
    }

    String confirm(String issue) {
        return fill(confirm, issue);
    }

    String route(String issue) {
        return fill(route, issue);
    }

    String person(String issue) {
        return fill(person, issue);
    }

    /** The issue is lower case (as recognised); where it opens a sentence it gets its capital. */
    private static String fill(String template, String issue) {
        String filled = template.replace("{issue}", issue.isBlank() ? NO_ISSUE : issue);
        return SENTENCE_START.matcher(filled).replaceAll(m -> m.group(1) + m.group(2).toUpperCase());
    }

    private static boolean exists(Path dir, String name) {
        return Files.isRegularFile(dir.resolve(name)) || PromptBook.class.getResource("/prompts/" + name) != null;
    }

    private static String text(Path dir, String name) throws IOException {
        Path file = dir.resolve(name);
        if (Files.isRegularFile(file)) {
            return Files.readString(file).strip();
        }
        try (InputStream in = PromptBook.class.getResourceAsStream("/prompts/" + name)) {
            if (in == null) {
                throw new IOException("prompt " + name + " is neither in " + dir.toAbsolutePath() + " nor in the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }
}
