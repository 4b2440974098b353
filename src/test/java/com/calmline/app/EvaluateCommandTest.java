package com.calmline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The topic part of evaluate's table, from calls' events: share asked, accuracy with and without asking, recall. */
class EvaluateCommandTest {
    private static CorpusCall call(String name, String topic) {
        return new CorpusCall(name, "dev", Path.of(name + ".ulaw"), topic, List.of("bill"), "voice",
                List.of(new CorpusCall.Sentence("it is about my bill", 0, 1000, 3000, false, false, List.of(), false,
                        false, List.of())), 4000);
    }

    private static JsonNode event(String json) {
        return Json.stored(json);
    }

    private static JsonNode route(String topic) {
        return event("{\"type\":\"route\",\"atMs\":5000,\"queue\":\"q\",\"topic\":\"" + topic + "\"}");
    }

    private static final JsonNode CLARIFY = event("{\"type\":\"decision\",\"action\":\"clarify\",\"delivery\":\"demo\","
            + "\"atMs\":3000}");
    private static final JsonNode CLARIFY_NOT_HEARD = event("{\"type\":\"decision\",\"action\":\"clarify\","
            + "\"delivery\":\"failed\",\"atMs\":3000}");

    private static Evaluation.CallResult result(CorpusCall call, List<JsonNode> events) {
        return new Evaluation.CallResult(call.name(), List.of(), Map.of(), new int[4], List.of(), false, false, false,
                0, 0, Optional.empty(), List.of(), List.of(), Evaluation.topic(call, events));
    }

    @Test
    void aCallsTopicIsTheRoutesAndAskedOnlyWhenTheQuestionWasHeard() {
        Evaluation.TopicResult asked = Evaluation.topic(call("a", "billing"), List.of(CLARIFY, route("billing")));
        assertEquals(new Evaluation.TopicResult("billing", "billing", true), asked);
        assertTrue(asked.correct());
        Evaluation.TopicResult failed = Evaluation.topic(call("b", "refund"), List.of(CLARIFY_NOT_HEARD,
                route("billing")));
        assertFalse(failed.asked());
        assertFalse(failed.correct());
        assertEquals("", Evaluation.topic(call("c", "refund"), List.of()).routed(), "never routed");
    }

    @Test
    void theTableCountsAskingAndAccuracyWithAndWithoutIt() throws Exception {
        EvaluateCommand.Report report = new EvaluateCommand.Report(List.of(
                result(call("a", "billing"), List.of(route("billing"))),
                result(call("b", "billing"), List.of(route("technical"))),
                result(call("c", "technical"), List.of(CLARIFY, route("technical"))),
                result(call("d", "refund"), List.of(route("refund"))),
                result(call("e", "refund"), List.of())));
        assertEquals(1, report.topicAsked());
        assertEquals(4, report.routed().size());
        assertEquals(3, report.routedWithoutAsking().size());
        String table = EvaluateCommand.table(report);
        assertTrue(table.contains("topic routing                  asked 20.0 % of 5 calls; accuracy 0.67 on 3 routed "
                + "without asking, 0.75 on all 4 routed"), table);
        assertTrue(table.contains("  billing                      recall 0.50 (1 of 2)"), table);
        assertTrue(table.contains("  refund                       recall 1.00 (1 of 1)"), table);
        JsonNode json = Json.parse(EvaluateCommand.json(report));
        assertEquals(0.2, json.path("topics").path("askedShare").asDouble(), 1e-9);
        assertEquals(2.0 / 3, json.path("topics").path("accuracyWithoutAsking").asDouble(), 1e-9);
        assertEquals(0.5, json.path("topics").path("recall").path("billing").asDouble(), 1e-9);
    }
}
