package com.calmline.conversation;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** What the line says: templates from PROMPTS_DIR (editable without a build), the jar's copies as fallback. */
final class PromptBook {
    static final String NO_ISSUE = "this has happened";
    private static final Pattern SENTENCE_START = Pattern.compile("(^|[.!?]\\s+)([a-z])");
    private static final Map<Request.Kind, String> NO_OBJECT = Map.of(Request.Kind.CANCEL, "that",
            Request.Kind.CHANGE_DETAILS, "your details");

    final String greeting;
    private final List<String> acknowledgements;
    private final List<String> feelings;
    private final String ask;
    private final String confirm;
    private final String route;
    private final String person;
    /** What a caller hears when the line lost their audio and puts them through to a person. */
    final String lost;
    /** What a caller hears when every transcribed line is busy and they go straight to a person. */
    final String overflow;
    private final Map<Request.Kind, String> requests = new EnumMap<>(Request.Kind.class);

    private PromptBook(Path dir) throws IOException {
        greeting = text(dir, "greeting.txt");
        acknowledgements = new ArrayList<>();
        for (int n = 1; exists(dir, "acknowledge-" + n + ".txt"); n++) {
            acknowledgements.add(text(dir, "acknowledge-" + n + ".txt"));
        }
        if (acknowledgements.isEmpty()) {
            throw new IOException("no acknowledge-1.txt in " + dir.toAbsolutePath() + " or in the jar");
        }
        feelings = text(dir, "feeling.txt").lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        ask = text(dir, "ask.txt");
        confirm = text(dir, "confirm.txt");
        route = text(dir, "route.txt");
        person = text(dir, "person.txt");
        lost = text(dir, "lost.txt");
        overflow = text(dir, "overflow.txt");
        for (Request.Kind kind : Request.Kind.values()) {
            if (kind != Request.Kind.PERSON) {
                requests.put(kind, text(dir, "request-" + kind.label() + ".txt"));
            }
        }
    }

    static PromptBook load(Path dir) throws IOException {
        return new PromptBook(dir);
    }

    /**
     * The acknowledgement for round {@code round} (1-based): the complaint repeated back and, when the caller
     * let off steam, the feeling named in a sentence of its own. Wording varies from round to round.
     */
    String acknowledge(int round, String issue, boolean outburst) {
        String feeling = outburst ? feelings.get((round - 1) % feelings.size()) : "";
        return fill(acknowledgements.get((round - 1) % acknowledgements.size()).replace("{feeling}", feeling), issue);
    }

    /** One short, open question about the topic the caller named ("your monthly bill"). */
    String ask(String topic) {
        return fill(ask.replace("{topic}", topic), "");
    }

    String confirm(String issue) {
        return fill(confirm, issue);
    }

    String route(String issue) {
        return fill(route, issue);
    }

    /** The request confirmed in plain words, and where it goes next. */
    String request(Request request) {
        if (request.kind() == Request.Kind.PERSON) {
            return fill(person, "");
        }
        String object = Optional.of(request.object()).filter(o -> !o.isBlank())
                .orElse(NO_OBJECT.getOrDefault(request.kind(), "that"));
        return fill(requests.get(request.kind()).replace("{object}", object), "");
    }

    /** The issue is lower case (as recognised); where it opens a sentence it gets its capital. */
    private static String fill(String template, String issue) {
        String filled = template.replace("{issue}", issue.isBlank() ? NO_ISSUE : issue)
                .replaceAll("\\s{2,}", " ").strip();
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
