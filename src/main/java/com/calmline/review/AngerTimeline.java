package com.calmline.review;

import com.calmline.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One call over time, as its page lists it and its chart draws it: every turn with its anger, the stretches
 * the caller vented, and the line's decisions (a {@code wait} is not one: it is the line holding back).
 */
record AngerTimeline(List<SupervisorViews.TurnView> turns, List<SupervisorViews.DecisionView> decisions,
                     String json) {
    /** Angry turns closer together than this are one stretch of venting on the chart. */
    private static final long VENTING_GAP_MS = 3000;

    static AngerTimeline of(Map<String, String> call, List<String> utterances, List<String> events) {
        List<SupervisorViews.TurnView> turns = new ArrayList<>();
        ObjectNode chart = Json.object();
        ArrayNode caller = chart.putArray("caller");
        ArrayNode agent = chart.putArray("agent");
        ArrayNode venting = chart.putArray("venting");
        long ventStart = -1;
        long ventEnd = -1;
        long end = (long) number(call.get("durationMs"));
        for (String line : utterances) {
            JsonNode t = Json.stored(line);
            String speaker = t.path("speaker").asText(Transcripts.speaker(t.path("track").asText()));
            long start = t.path("startMs").asLong();
            end = Math.max(end, t.path("endMs").asLong());
            boolean scored = t.has("anger");
            turns.add(new SupervisorViews.TurnView(speaker, clock(start), t.path("text").asText(),
                    scored ? String.format(Locale.ROOT, "%.2f", t.path("anger").asDouble()) : "",
                    t.path("angerLevel").asText("")));
            if (scored) {
                ArrayNode point = (speaker.equals("agent") ? agent : caller).addArray();
                point.add(start / 1000.0).add(t.path("anger").asDouble());
            }
            if (speaker.equals("caller") && "angry".equals(t.path("angerLevel").asText())) {
                if (ventStart >= 0 && start - ventEnd > VENTING_GAP_MS) {
                    venting.addArray().add(ventStart / 1000.0).add(ventEnd / 1000.0);
                    ventStart = -1;
                }
                ventStart = ventStart < 0 ? start : ventStart;
                ventEnd = t.path("endMs").asLong();
            }
        }
        if (ventStart >= 0) {
            venting.addArray().add(ventStart / 1000.0).add(ventEnd / 1000.0);
        }
        List<Marked> marked = new ArrayList<>();
        for (String line : events) {
            JsonNode e = Json.stored(line);
            String type = e.path("type").asText();
            long atMs = e.path("atMs").asLong();
            if (type.equals("decision") && !e.path("action").asText().equals("wait")) {
                marked.add(new Marked(atMs, e.path("action").asText(), new SupervisorViews.DecisionView(clock(atMs),
                        e.path("action").asText(), e.path("state").asText(), e.path("reason").asText(),
                        e.path("say").asText())));
            } else if (type.equals("agent-joined")) {
                marked.add(new Marked(atMs, "agent", new SupervisorViews.DecisionView(clock(atMs), "agent joined",
                        "WITH_AGENT", "the caller was put through to " + call.getOrDefault("agent", "an agent"), "")));
            } else if (type.equals("route")) {
                marked.add(new Marked(atMs, "route", new SupervisorViews.DecisionView(clock(atMs),
                        "route to " + e.path("queue").asText(), "ROUTING",
                        "topic " + e.path("topic").asText() + ": " + e.path("reason").asText(), "")));
            }
        }
        // Events are stored as each part of the service records them, so one written a moment late (the route,
        // after the decision that made it) can follow a later one: shown in the order they happened.
        marked.sort(Comparator.comparingLong(Marked::atMs));
        ArrayNode marks = chart.putArray("decisions");
        for (Marked m : marked) {
            marks.addArray().add(m.atMs() / 1000.0).add(m.mark());
            end = Math.max(end, m.atMs());
        }
        // The whole call, from its first moment (the greeting) to its end, so no decision falls off the chart.
        chart.put("end", end / 1000.0);
        return new AngerTimeline(turns, marked.stream().map(Marked::view).toList(), chart.toString());
    }

    /** A decision at its moment, with the label of its mark on the chart. */
    private record Marked(long atMs, String mark, SupervisorViews.DecisionView view) {
    }

    private static double number(String v) {
        try {
            return v == null ? 0 : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String clock(long ms) {
        return String.format(Locale.ROOT, "%d:%02d", ms / 60000, ms / 1000 % 60);
    }
}
