package com.calmline.conversation;

import com.calmline.files.ConfiguredFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the line says: templates from PROMPTS_DIR (editable without a build), the jar's copies as fallback. A
 * template that repeats the caller's problem has one line per way of saying it, best first: with the whole
 * complaint ({@code {issue}}), with only the thing it is about ({@code {thing}}), with neither. The first line
 * whose slots the line understood is said, so it never fills a gap with a guess.
 */
final class PromptBook {
    private static final Pattern SENTENCE_START = Pattern.compile("(^|[.!?]\\s+)([a-z])");
    private static final Pattern SLOT = Pattern.compile("\\{(\\w+)}");
    /** Slots a template may leave empty: the feeling is said only when the caller let off steam. */
    private static final String OPTIONAL_SLOT = "feeling";
    private static final Map<Request.Kind, String> NO_OBJECT = Map.of(Request.Kind.CANCEL, "that",
            Request.Kind.CHANGE_DETAILS, "your details");

    /** What the line says, and the caller's own words (turned round) inside it: empty when it repeats none. */
    record Said(String text, String saidBack) {
    }

    /**
     * The caller's problem as the line can say it back: the whole complaint as a clause ("your broadband has been
     * down since Monday"), the thing it is about ("your broadband"), either, both or neither.
     */
    record Understood(Optional<String> issue, Optional<String> thing) {
        static final Understood NOTHING = new Understood(Optional.empty(), Optional.empty());
    }

    final String greeting;
    private final List<Template> acknowledgements;
    private final List<String> feelings;
    private final Template ask;
    private final Template confirm;
    private final Template route;
    private final Template person;
    private final Template unclear;
    private final Template quietStart;
    private final Template offer;
    private final Template which;
    /** How the line names each topic to a caller ("your bill"), from {@code topic-names.txt}. */
    private final Map<String, String> topicNames = new java.util.HashMap<>();
    /** What a caller hears when the line lost their audio and puts them through to a person. */
    final String lost;
    /** What a caller hears when every transcribed line is busy and they go straight to a person. */
    final String overflow;
    private final Map<Request.Kind, Template> requests = new EnumMap<>(Request.Kind.class);

    private PromptBook(Path dir) throws IOException {
        greeting = text(dir, "greeting.txt");
        acknowledgements = new ArrayList<>();
        for (int n = 1; exists(dir, "acknowledge-" + n + ".txt"); n++) {
            acknowledgements.add(template(dir, "acknowledge-" + n + ".txt", true));
        }
        if (acknowledgements.isEmpty()) {
            throw new IOException("no acknowledge-1.txt in " + dir.toAbsolutePath() + " or in the jar");
        }
        feelings = text(dir, "feeling.txt").lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        ask = template(dir, "ask.txt", true);
        confirm = template(dir, "confirm.txt", true);
        route = template(dir, "route.txt", true);
        person = template(dir, "person.txt", true);
        unclear = template(dir, "unclear.txt", true);
        quietStart = template(dir, "quiet-start.txt", true);
        offer = template(dir, "offer.txt", true);
        which = template(dir, "which.txt", false);
        for (String line : text(dir, "topic-names.txt").lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList()) {
            String[] f = line.split("\t+", 2);
            if (f.length != 2) {
                throw new IOException("topic-names.txt: expected TOPIC<TAB>how the line names it, not '" + line + "'");
            }
            topicNames.put(f[0].strip(), f[1].strip());
        }
        lost = text(dir, "lost.txt");
        overflow = text(dir, "overflow.txt");
        for (Request.Kind kind : Request.Kind.values()) {
            if (kind != Request.Kind.PERSON) {
                requests.put(kind, template(dir, "request-" + kind.label() + ".txt", false));
            }
        }
    }

    static PromptBook load(Path dir) throws IOException {
        return new PromptBook(dir);
    }

    /**
     * The acknowledgement for round {@code round} (1-based): the complaint repeated back as far as it was
     * understood and, when the caller let off steam, the feeling named in a sentence of its own. Wording varies
     * from round to round.
     */
    Said acknowledge(int round, Understood problem, boolean outburst) {
        String feeling = outburst ? feelings.get((round - 1) % feelings.size()) : "";
        return acknowledgements.get((round - 1) % acknowledgements.size()).fill(slots(problem, "feeling", feeling));
    }

    /** One short, open question about the topic the caller named ("your monthly bill"), if it was heard surely. */
    Said ask(Optional<String> topic) {
        return ask.fill(topic.map(t -> Map.of("topic", t)).orElse(Map.of()));
    }

    Said confirm(Understood problem) {
        return confirm.fill(slots(problem));
    }

    Said route(Understood problem) {
        return route.fill(slots(problem));
    }

    /** The caller asked for a person: confirmed, with what they will not have to explain again. */
    Said person(Understood problem) {
        return person.fill(slots(problem));
    }

    /** A quiet caller the line did not understand: one open question. */
    Said unclear() {
        return unclear.fill(Map.of());
    }

    /** A caller who has said nothing since the greeting: a gentle prompt. */
    Said quietStart() {
        return quietStart.fill(Map.of());
    }

    /** A caller still quiet after a question: a person now, or a call back (press 1). */
    Said offer() {
        return offer.fill(Map.of());
    }

    /**
     * The one closed question of which topic a call is about, naming the two likeliest ("your bill, or something
     * that isn't working"); a topic without a name in {@code topic-names.txt} is named as it is called.
     */
    Said which(String first, String second) {
        return which.fill(Map.of("first", topicNames.getOrDefault(first, first), "second",
                topicNames.getOrDefault(second, second)));
    }

    /** The request confirmed in plain words, and where it goes next. */
    Said request(Request request) {
        if (request.kind() == Request.Kind.PERSON) {
            return person(Understood.NOTHING);
        }
        String object = Optional.of(request.object()).filter(o -> !o.isBlank())
                .orElse(NO_OBJECT.getOrDefault(request.kind(), "that"));
        Said said = requests.get(request.kind()).fill(Map.of("object", object));
        return request.object().isBlank() ? new Said(said.text(), "") : said;
    }

    private static Map<String, String> slots(Understood problem, String... more) {
        Map<String, String> slots = new java.util.HashMap<>();
        problem.issue().ifPresent(i -> slots.put("issue", i));
        problem.thing().ifPresent(t -> slots.put("thing", t));
        for (int i = 0; i + 1 < more.length; i += 2) {
            slots.put(more[i], more[i + 1]);
        }
        return slots;
    }

    /** One prompt's ways of being said, best first. */
    private record Template(String name, List<String> lines) {
        Said fill(Map<String, String> slots) {
            for (String line : lines) {
                Matcher m = SLOT.matcher(line);
                boolean known = true;
                String saidBack = "";
                while (m.find()) {
                    String value = slots.getOrDefault(m.group(1), "");
                    if (!m.group(1).equals(OPTIONAL_SLOT) && value.isBlank()) {
                        known = false;
                    } else if (!m.group(1).equals(OPTIONAL_SLOT) && saidBack.isEmpty()) {
                        saidBack = value;
                    }
                }
                if (known) {
                    String filled = SLOT.matcher(line).replaceAll(s -> Matcher.quoteReplacement(
                            slots.getOrDefault(s.group(1), ""))).replaceAll("\\s{2,}", " ").strip();
                    return new Said(SENTENCE_START.matcher(filled).replaceAll(s -> s.group(1)
                            + s.group(2).toUpperCase()), saidBack);
                }
            }
            throw new IllegalStateException(name + " has no line for what the line understood: " + slots.keySet());
        }
    }

    /**
     * A template's lines; with {@code fallback}, its last line must need no slot but the feeling, so the line
     * always has something to say however little it understood.
     */
    private static Template template(Path dir, String name, boolean fallback) throws IOException {
        List<String> lines = text(dir, name).lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        if (fallback) {
            Matcher m = SLOT.matcher(lines.get(lines.size() - 1));
            while (m.find()) {
                if (!m.group(1).equals(OPTIONAL_SLOT)) {
                    throw new IOException("the last line of " + name + " must not need {" + m.group(1) + "}: it is "
                            + "said when the line understood nothing it could repeat");
                }
            }
        }
        return new Template(name, lines);
    }

    private static boolean exists(Path dir, String name) {
        return ConfiguredFile.exists(dir, "prompts", name);
    }

    private static String text(Path dir, String name) throws IOException {
        return ConfiguredFile.read(dir, "prompts", name).strip();
    }
}
