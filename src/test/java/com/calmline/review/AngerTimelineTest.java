package com.calmline.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AngerTimelineTest {
    private static String turn(String speaker, long startMs, long endMs, double anger) {
        return Json.write(Map.of("speaker", speaker, "text", "words", "startMs", startMs, "endMs", endMs,
                "anger", anger, "angerLevel", "calm"));
    }

    private static String decision(String action, long atMs) {
        return Json.write(Map.of("type", "decision", "action", action, "atMs", atMs, "state", "S", "reason", "r"));
    }

    @Test
    void decisionsAreListedAndMarkedInTheOrderTheyHappenedNotTheOrderTheyWereStored() {
        List<String> events = List.of(decision("greet", 0), decision("acknowledge", 41_200),
                Json.write(Map.of("type", "route", "atMs", 40_900, "queue", "billing", "topic", "billing", "reason", "r")),
                decision("wait", 39_000), Json.write(Map.of("type", "agent-joined", "atMs", 55_000)));
        AngerTimeline t = AngerTimeline.of(Map.of(), List.of(turn("caller", 10_000, 12_000, 0.4)), events);

        assertEquals(List.of("0:00", "0:40", "0:41", "0:55"), t.decisions().stream().map(SupervisorViews.DecisionView::at)
                .toList());
        assertEquals(List.of("greet", "route to billing", "acknowledge", "agent joined"),
                t.decisions().stream().map(SupervisorViews.DecisionView::action).toList());
        JsonNode marks = Json.stored(t.json()).path("decisions");
        for (int i = 1; i < marks.size(); i++) {
            assertTrue(marks.get(i - 1).get(0).asDouble() <= marks.get(i).get(0).asDouble(), marks.toString());
        }
    }

    @Test
    void theChartSpansTheWholeCallNotJustTheCallersTurns() {
        List<String> turns = List.of(turn("caller", 10_000, 12_500, 0.9), turn("caller", 20_000, 22_000, 0.1));
        JsonNode ended = Json.stored(AngerTimeline.of(Map.of("durationMs", "61000"), turns,
                List.of(decision("greet", 0), decision("route", 40_000))).json());
        assertEquals(61.0, ended.path("end").asDouble(), "to the call's end");

        JsonNode live = Json.stored(AngerTimeline.of(Map.of(), turns, List.of(decision("greet", 0),
                decision("route", 30_000))).json());
        assertEquals(30.0, live.path("end").asDouble(), "a live call: to its latest decision, after the last turn");
        JsonNode talking = Json.stored(AngerTimeline.of(Map.of(), turns, List.of(decision("greet", 0))).json());
        assertEquals(22.0, talking.path("end").asDouble(), "or the end of its last turn");
    }
}
