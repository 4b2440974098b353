package com.calmline.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scores one corpus call as the line handled it: its events (what the service recorded) against the call's
 * truth (what the caller said, when, and what it meant). All times are stream ms; the caller's sentences are
 * moved to stream time by the {@link Simulator.Playback} (where the caller waited for the line).
 *
 * <ul>
 * <li><b>Dead air</b>: after each sentence of the caller's, while the line is still listening (not yet put
 * through or hung up) and not talking, the silence until the line starts to speak, the caller speaks again,
 * or the call ends.</li>
 * <li><b>Requests</b>: per kind, whether the line heard one (a decision's {@code request}) in a call whose
 * caller made one before the line put them through (truth), call by call.</li>
 * <li><b>Anger</b>: per turn of the script (sentences up to a pause of {@value #TURN_PAUSE_MS} ms or more),
 * angry if any utterance heard in it was.</li>
 * <li><b>Said back</b>: each decision's {@code saidBack} (the caller's words the line repeated): faithful when
 * every content word in it was truly said by the caller before then; a fragment when {@link SaidBackGrammar}
 * finds it is no sentence; a call is informative when the line, having heard the problem's key word, named it
 * in what it said next ("your refund", or "make a payment" confirming a payment).</li>
 * <li><b>Topic</b>: the topic the call was routed on (its {@code route} event) against the call's
 * {@code @topic}, and whether the line asked the caller which topic it was (a heard {@code clarify}).</li>
 * </ul>
 */
final class Evaluation {
    static final long DEAD_AIR_LIMIT_MS = 3000;
    static final long TURN_PAUSE_MS = 1500;
    /** A word heard with this confidence or more was heard surely. */
    private static final double SURE = 0.9;
    /** A caller who has said nothing this long after the greeting is silent from the start. */
    private static final long SILENT_START_MS = 5000;
    static final List<String> REQUEST_KINDS = List.of("person", "callback", "cancel", "pay", "change-details");
    private static final Set<String> HEARD = Set.of("webhook", "sent", "demo");
    private static final Pattern NOT_WORD = Pattern.compile("[^a-z0-9']+");
    /** Words that carry no content of the caller's: pronouns (which the line turns round), articles, glue. */
    private static final Set<String> FUNCTION_WORDS = Set.of("i", "me", "my", "mine", "myself", "you", "your",
            "yours", "yourself", "yourselves", "we", "us", "our", "ours", "ourselves", "they", "them", "their",
            "it", "its", "he", "him", "his", "she", "her", "this", "that", "these", "those", "a", "an", "the", "and",
            "or", "but", "so", "of", "to", "in", "on", "at", "for", "with", "from", "by", "about", "as", "is", "am",
            "are", "was", "were", "be", "been", "being", "have", "has", "had", "do", "does", "did", "will", "would",
            "can", "could", "there", "here", "just", "some", "any");
    private static final Map<String, String> CONTRACTIONS = Map.ofEntries(Map.entry("won't", "will not"),
            Map.entry("can't", "can not"), Map.entry("cannot", "can not"), Map.entry("shan't", "shall not"));
    private static final Pattern CONTRACTED = Pattern.compile("(.+?)(n't|'m|'re|'ve|'ll|'d|'s)");
    private static final Map<String, String> EXPANDED = Map.of("n't", "not", "'m", "am", "'re", "are", "'ve", "have",
            "'ll", "will", "'d", "would", "'s", "is");

    /** One place the line left the caller in silence after their turn. */
    record DeadAir(long ms, int afterSentence, String endedBy) {
    }

    /** A said-back part and what was wrong with it, if anything. */
    record SaidBack(long atMs, String text, List<String> unsaidWords, Optional<String> fragment) {
    }

    /**
     * {@code keyHeardSurely}: the recogniser heard the key word with confidence 0.9 or more (and the line spoke
     * after), the stricter reading of "heard it" that the line's own rules for saying back respect.
     */
    record CallResult(String name, List<DeadAir> deadAir, Map<String, int[]> requests, int[] anger,
                      List<SaidBack> saidBack, boolean informativeEligible, boolean informative,
                      boolean keyHeardSurely, int talkOvers,
                      int bargeIns, Optional<Long> silentStartPromptMs, List<String> failures, List<String> heard,
                      TopicResult topic) {
    }

    /**
     * How the call was routed: {@code truth} its {@code @topic}; {@code routed} the route's topic, empty when the
     * line never routed it (a callback, a hang-up); {@code asked}: the line asked which topic it was.
     */
    record TopicResult(String truth, String routed, boolean asked) {
        boolean correct() {
            return routed.equals(truth);
        }
    }

    private final SaidBackGrammar grammar;

    Evaluation(SaidBackGrammar grammar) {
        this.grammar = grammar;
    }

    /** {@code record}: the call as the service keeps it (its utterances with every word's confidence). */
    CallResult score(CorpusCall call, Simulator.Playback playback, List<JsonNode> events, JsonNode record) {
        List<String> failures = new ArrayList<>();
        List<long[]> caller = new ArrayList<>();
        for (CorpusCall.Sentence s : call.sentences()) {
            caller.add(new long[] {playback.streamMs(s.startMs()), playback.streamMs(s.endMs())});
        }
        List<JsonNode> decisions = events.stream().filter(e -> type(e).equals("decision")).toList();
        List<long[]> line = lineSpeech(decisions);
        long closedAt = decisions.stream().filter(d -> heard(d) && (action(d).equals("route")
                || action(d).equals("callback"))).mapToLong(d -> d.path("atMs").asLong()).min().orElse(Long.MAX_VALUE);
        long endMs = events.stream().filter(e -> type(e).equals("end")).mapToLong(e -> e.path("atMs").asLong())
                .max().orElse(playback.streamMs(call.durationMs()));

        List<DeadAir> deadAir = deadAir(call, caller, line, closedAt, endMs);
        for (DeadAir d : deadAir) {
            if (d.ms() > DEAD_AIR_LIMIT_MS) {
                failures.add(String.format(Locale.ROOT, "dead air %.1f s after \"%s\" (%s)", d.ms() / 1000.0,
                        call.sentences().get(d.afterSentence()).text(), d.endedBy()));
            }
        }

        Map<String, int[]> requests = requests(call, caller, decisions, closedAt, failures);
        int[] anger = anger(call, caller, events);

        List<SaidBack> saidBack = new ArrayList<>();
        for (JsonNode d : decisions) {
            String said = d.path("saidBack").asText("");
            if (said.isBlank() || !heard(d)) {
                continue;
            }
            long at = d.path("atMs").asLong();
            Set<String> truth = new HashSet<>();
            for (int i = 0; i < caller.size(); i++) {
                if (caller.get(i)[0] < at) {
                    truth.addAll(words(call.sentences().get(i).text()));
                }
            }
            List<String> unsaid = words(said).stream().filter(w -> !FUNCTION_WORDS.contains(w) && !truth.contains(w))
                    .distinct().toList();
            Optional<String> fragment = grammar.fragment(d.path("say").asText(), said);
            saidBack.add(new SaidBack(at, said, unsaid, fragment));
            if (!unsaid.isEmpty()) {
                failures.add("said back \"" + said + "\": the caller never said " + String.join(", ", unsaid));
            }
            fragment.ifPresent(f -> failures.add("fragment said back \"" + said + "\": " + f));
        }

        boolean eligible = false;
        boolean informative = false;
        List<String> keys = call.keys().stream().map(k -> k.toLowerCase(Locale.ROOT)).toList();
        if (!keys.isEmpty()) {
            Optional<Long> keyHeard = events.stream().filter(e -> type(e).equals("utterance")
                            && e.path("track").asText().equals("inbound")
                            && words(e.path("text").asText()).stream().anyMatch(keys::contains))
                    .map(e -> e.path("atMs").asLong()).findFirst();
            if (keyHeard.isPresent()) {
                List<JsonNode> after = decisions.stream().filter(d -> heard(d) && speaks(d)
                        && d.path("atMs").asLong() >= keyHeard.get() && d.path("atMs").asLong() <= closedAt).toList();
                eligible = !after.isEmpty();
                informative = after.stream().anyMatch(d -> words(d.path("say").asText("")).stream()
                        .anyMatch(keys::contains));
                if (eligible && !informative) {
                    failures.add("heard \"" + String.join("|", call.keys()) + "\" but never said it back");
                }
            }
        }
        boolean keyHeardSurely = eligible && surelyHeard(record, keys);

        int talkOvers = 0;
        int bargeIns = 0;
        for (JsonNode e : events) {
            if (type(e).equals("overlap")) {
                if (e.path("kind").asText().equals("talk-over")) {
                    talkOvers++;
                    failures.add("talk-over during the " + e.path("prompt").asText());
                } else {
                    bargeIns++;
                }
            }
        }
        return new CallResult(call.name(), deadAir, requests, anger, saidBack, eligible, informative, keyHeardSurely,
                talkOvers,
                bargeIns, silentStart(call, caller, line), failures, heard(events), topic(call, events));
    }

    static TopicResult topic(CorpusCall call, List<JsonNode> events) {
        String routed = events.stream().filter(e -> type(e).equals("route")).map(e -> e.path("topic").asText())
                .findFirst().orElse("");
        boolean asked = events.stream().anyMatch(e -> type(e).equals("decision") && action(e).equals("clarify")
                && heard(e));
        return new TopicResult(call.topic(), routed, asked);
    }

    private static boolean surelyHeard(JsonNode record, List<String> keys) {
        for (JsonNode u : record.path("utterances")) {
            for (JsonNode w : u.path("words")) {
                if (u.path("track").asText().equals("inbound") && w.path("confidence").asDouble() >= SURE
                        && keys.contains(w.path("word").asText().toLowerCase(Locale.ROOT))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The call as the line heard it and answered, a line a caller's utterance or decision, for reading failures. */
    private static List<String> heard(List<JsonNode> events) {
        List<String> lines = new ArrayList<>();
        for (JsonNode e : events) {
            long at = e.path("atMs").asLong();
            if (type(e).equals("utterance") && e.path("track").asText().equals("inbound")) {
                lines.add(String.format(Locale.ROOT, "%6.1f caller %s [%.2f]", at / 1000.0, e.path("text").asText(),
                        e.path("anger").asDouble()));
            } else if (type(e).equals("decision") && !action(e).equals("greet")) {
                lines.add(String.format(Locale.ROOT, "%6.1f line   %s%s: %s%s", at / 1000.0, action(e),
                        e.path("request").asText("").isEmpty() ? "" : " (" + e.path("request").asText() + ")",
                        e.path("reason").asText(), e.path("say").asText("").isEmpty() ? ""
                                : " | " + e.path("say").asText()));
            }
        }
        return lines;
    }

    /** When the line spoke: from each decision it delivered until it expected to finish, cut short by a stop. */
    private static List<long[]> lineSpeech(List<JsonNode> decisions) {
        List<long[]> line = new ArrayList<>();
        for (JsonNode d : decisions) {
            if (!heard(d)) {
                continue;
            }
            long at = d.path("atMs").asLong();
            if (action(d).equals("stop")) {
                line.stream().filter(l -> l[0] <= at && l[1] > at).forEach(l -> l[1] = at);
            } else if (speaks(d) || action(d).equals("greet")) {
                line.add(new long[] {at, Math.max(at, d.path("lineUntilMs").asLong())});
            }
        }
        return line;
    }

    private static List<DeadAir> deadAir(CorpusCall call, List<long[]> caller, List<long[]> line, long closedAt,
                                         long endMs) {
        List<DeadAir> out = new ArrayList<>();
        for (int i = 0; i < caller.size(); i++) {
            long end = caller.get(i)[1];
            if (end >= closedAt || line.stream().anyMatch(l -> l[0] <= end && l[1] > end)) {
                continue;
            }
            long lineStarts = line.stream().mapToLong(l -> l[0]).filter(t -> t >= end).min().orElse(Long.MAX_VALUE);
            long callerSpeaks = i + 1 < caller.size() ? caller.get(i + 1)[0] : Long.MAX_VALUE;
            long until = Math.min(Math.min(lineStarts, callerSpeaks), endMs);
            String endedBy = until == lineStarts ? "the line spoke" : until == callerSpeaks
                    ? "the caller spoke again" : "the caller hung up";
            out.add(new DeadAir(Math.max(0, until - end), i, endedBy));
        }
        return out;
    }

    /** Per kind {true positives, false positives, false negatives} of this call. */
    private static Map<String, int[]> requests(CorpusCall call, List<long[]> caller, List<JsonNode> decisions,
                                               long closedAt, List<String> failures) {
        Map<String, String> truth = new LinkedHashMap<>();
        for (int i = 0; i < caller.size(); i++) {
            CorpusCall.Sentence s = call.sentences().get(i);
            if (caller.get(i)[0] < closedAt) {
                s.requests().forEach(kind -> truth.putIfAbsent(kind, s.text()));
            }
        }
        Map<String, JsonNode> heard = new LinkedHashMap<>();
        for (JsonNode d : decisions) {
            for (String kind : d.path("request").asText("").split(",")) {
                if (!kind.isEmpty() && d.path("atMs").asLong() <= closedAt) {
                    heard.putIfAbsent(kind, d);
                }
            }
        }
        Map<String, int[]> counts = new TreeMap<>();
        for (String kind : REQUEST_KINDS) {
            boolean said = truth.containsKey(kind);
            boolean got = heard.containsKey(kind);
            counts.put(kind, new int[] {said && got ? 1 : 0, got && !said ? 1 : 0, said && !got ? 1 : 0});
            if (said && !got) {
                failures.add("missed request " + kind + " in \"" + truth.get(kind) + "\"");
            } else if (got && !said) {
                failures.add(String.format(Locale.ROOT, "heard a %s request nobody made (at %.1f s: %s)", kind,
                        heard.get(kind).path("atMs").asLong() / 1000.0, heard.get(kind).path("reason").asText()));
            }
        }
        return counts;
    }

    /** {true positives, false positives, false negatives, turns} of angry turns. */
    private static int[] anger(CorpusCall call, List<long[]> caller, List<JsonNode> events) {
        int[] counts = new int[4];
        List<CorpusCall.Sentence> sentences = call.sentences();
        int first = 0;
        for (int i = 0; i < sentences.size(); i++) {
            boolean last = i == sentences.size() - 1;
            if (!last && sentences.get(i).pauseMs() < TURN_PAUSE_MS && !sentences.get(i + 1).cutsIn()) {
                continue;
            }
            boolean angry = sentences.subList(first, i + 1).stream().anyMatch(CorpusCall.Sentence::angry);
            long from = caller.get(first)[0];
            long to = caller.get(i)[1];
            boolean heardAngry = events.stream().anyMatch(e -> type(e).equals("utterance")
                    && e.path("track").asText().equals("inbound") && e.path("startMs").asLong() < to
                    && e.path("endMs").asLong() > from && e.path("angerLevel").asText().equals("angry"));
            counts[0] += angry && heardAngry ? 1 : 0;
            counts[1] += heardAngry && !angry ? 1 : 0;
            counts[2] += angry && !heardAngry ? 1 : 0;
            counts[3]++;
            first = i + 1;
        }
        return counts;
    }

    /** For a caller silent from the start: how long after the greeting ended the line spoke again. */
    private static Optional<Long> silentStart(CorpusCall call, List<long[]> caller, List<long[]> line) {
        if (line.isEmpty() || caller.isEmpty() || caller.get(0)[0] - line.get(0)[1] < SILENT_START_MS) {
            return Optional.empty();
        }
        long greetingEnd = line.get(0)[1];
        return line.stream().skip(1).map(l -> l[0]).filter(t -> t < caller.get(0)[0]).findFirst()
                .map(t -> t - greetingEnd).or(() -> Optional.of(caller.get(0)[0] - greetingEnd));
    }

    private static boolean heard(JsonNode decision) {
        return HEARD.contains(decision.path("delivery").asText());
    }

    /** A decision that put words of the line's in the caller's ear (not the greeting, a wait or a stop). */
    private static boolean speaks(JsonNode decision) {
        return !Set.of("greet", "wait", "stop").contains(action(decision));
    }

    private static String action(JsonNode decision) {
        return decision.path("action").asText();
    }

    private static String type(JsonNode event) {
        return event.path("type").asText();
    }

    /**
     * Lower-case words, contractions written out ("hasn't" holds "not" as the caller meant it, "you're" is "you
     * are"), so the caller's words and the line's turned-round ones compare word for word.
     */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        for (String w : NOT_WORD.split(text.toLowerCase(Locale.ROOT).replace('\u2019', '\''))) {
            w = w.replaceAll("^'+|'+$", "");
            if (w.isEmpty()) {
                continue;
            }
            Matcher m = CONTRACTED.matcher(w);
            if (CONTRACTIONS.containsKey(w)) {
                words.addAll(Arrays.asList(CONTRACTIONS.get(w).split(" ")));
            } else if (m.matches()) {
                words.add(m.group(1));
                words.add(EXPANDED.get(m.group(2)));
            } else {
                words.add(w);
            }
        }
        return words;
    }
}
