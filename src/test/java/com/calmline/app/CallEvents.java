package com.calmline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Reading a call's events (what {@code simulate --json} prints) in tests. */
public final class CallEvents {
    /** The decisions in which the line speaks. */
    public static final Set<String> SPEAKING = Set.of("acknowledge", "ask", "route", "callback");

    private CallEvents() {
    }

    public static List<JsonNode> of(List<JsonNode> events, String type) {
        return events.stream().filter(e -> e.path("type").asText().equals(type)).toList();
    }

    public static List<JsonNode> decisions(List<JsonNode> events) {
        return of(events, "decision");
    }

    public static List<JsonNode> action(List<JsonNode> events, String action) {
        return decisions(events).stream().filter(d -> d.path("action").asText().equals(action)).toList();
    }

    /** Decisions that made the line speak (or tried to). */
    public static List<JsonNode> prompts(List<JsonNode> events) {
        return decisions(events).stream().filter(d -> SPEAKING.contains(d.path("action").asText())).toList();
    }

    /** What the caller (and agent) said, as recognised, in order. */
    public static List<JsonNode> utterances(List<JsonNode> events) {
        return of(events, "utterance");
    }

    /** Everything recognised, as one text. */
    public static String transcript(List<JsonNode> events) {
        return utterances(events).stream().map(e -> e.path("text").asText()).collect(Collectors.joining(" "));
    }

    public static JsonNode only(List<JsonNode> events, String type) {
        List<JsonNode> found = of(events, type);
        assertEquals(1, found.size(), type + " events: " + found);
        return found.get(0);
    }

    /** Inside the silence between two sentences of the call, or after the last one. */
    public static boolean inGap(Fixture fixture, long atMs) {
        List<CallScript.Sentence> s = fixture.sentences();
        for (int i = 0; i < s.size(); i++) {
            long next = i + 1 < s.size() ? s.get(i + 1).startMs() : fixture.durationMs();
            if (atMs > s.get(i).endMs() && atMs <= next) {
                return true;
            }
        }
        return false;
    }

    /**
     * How long the caller's pause at {@code atMs} of the played call was as recorded, before any waiting for the
     * line lengthened it; after the last sentence, the rest of the call.
     */
    public static long recordedPause(Fixture played, Fixture recorded, long atMs) {
        List<CallScript.Sentence> p = played.sentences();
        List<CallScript.Sentence> r = recorded.sentences();
        for (int i = 0; i + 1 < p.size(); i++) {
            if (atMs > p.get(i).endMs() && atMs <= p.get(i + 1).startMs()) {
                return r.get(i + 1).startMs() - r.get(i).endMs();
            }
        }
        return recorded.durationMs() - r.get(r.size() - 1).endMs();
    }
}
