package com.calmline.telephony;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.app.Browserless;
import com.calmline.app.CallEvents;
import com.calmline.app.Deployment;
import com.calmline.app.Fixture;
import com.calmline.app.Simulator;
import com.calmline.app.WordErrorRate;
import com.calmline.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Admission control on a line that transcribes one call at a time (MAX_LIVE_CALLS=1): past it, callers are
 * greeted and put straight through to a person, counted for the operator and the supervisors, and the call
 * in progress is transcribed as if alone.
 */
class AdmissionIT {
    private static final String TOKEN = "admission-token";
    private static final String OVERFLOW = "putting you straight through";
    @RegisterExtension
    static final Deployment deployment = Deployment.live(TOKEN).env("MAX_LIVE_CALLS", "1").build();

    @Test
    void pastTheMaximumNewCallersGoStraightToAPersonWhileTheCallInProgressIsTranscribedAsUsual() throws Exception {
        Simulator simulator = deployment.service().simulator();
        Fixture fixture = Fixture.load("billing-calm");
        Simulator.Call first = simulator.dial("+15555550100", "+15555550199");
        // Answered while the line was still free, so it names a stream, but its stream arrives second.
        Simulator.Call second = simulator.dial("+15555550101", "+15555550199");
        deployment.twilio().accepts(first.callSid);
        deployment.twilio().accepts(second.callSid);
        first.connect();
        await(() -> ready().path("liveCalls").asInt() == 1);

        second.connect();
        await(() -> !overflowUpdates(second.callSid).isEmpty());
        second.close();

        Map<String, String> form = new LinkedHashMap<>();
        String third = Simulator.newSid("CA");
        form.put("CallSid", third);
        form.put("From", "+15555550102");
        form.put("To", "+15555550199");
        HttpResponse<String> answer = simulator.post("/twilio/voice", form);
        assertEquals(200, answer.statusCode());
        assertTrue(answer.body().contains("<Enqueue"), answer.body());
        assertTrue(answer.body().contains(OVERFLOW), "greeted, politely: " + answer.body());
        assertFalse(answer.body().contains("<Stream"), "not transcribed: " + answer.body());

        try (first) {
            first.play(fixture.mulaw(), 4);
            first.stop();
        }
        List<JsonNode> events = simulator.awaitEnd(first.callSid, Duration.ofMinutes(2));
        double wer = WordErrorRate.of(fixture.words(), CallEvents.transcript(events));
        assertTrue(wer <= WordErrorRate.BUDGET, "the call in progress is heard as well as alone: WER " + wer);

        assertEquals(2, deployment.service().metric("calmline_calls_overflow_total"));
        JsonNode waiting = deployment.service().json("/api/calls/waiting");
        for (String sid : List.of(second.callSid, third)) {
            JsonNode call = deployment.service().json("/api/calls/" + sid).path("call");
            assertEquals("true", call.path("overflow").asText(), sid + ": " + call);
            assertFalse(call.path("queue").asText().isEmpty(), "routed to a queue: " + call);
            JsonNode listed = java.util.stream.StreamSupport.stream(waiting.spliterator(), false)
                    .filter(w -> w.path("callSid").asText().equals(sid)).findFirst()
                    .orElseThrow(() -> new AssertionError(sid + " is not on the agents' desk: " + waiting));
            assertEquals("No summary: put straight through because every line that listens was busy",
                    listed.path("issue").asText());
        }

        deployment.service().addUser("sam", "supervisor", "correct horse battery");
        Browserless supervisor = new Browserless(deployment.service().url());
        supervisor.login("sam", "correct horse battery");
        String dashboard = supervisor.get("/supervisor").body();
        assertTrue(dashboard.contains("data-figure=\"overflow\" class=\"bad\">2<"), "shown to supervisors");

        await(() -> ready().path("liveCalls").asInt() == 0);
        Simulator.Call later = simulator.dial("+15555550103", "+15555550199");
        later.close();
        assertTrue(later.twiml.contains("<Stream"), "a freed line transcribes the next caller again");
    }

    private static List<LoggedRequest> overflowUpdates(String callSid) {
        return deployment.twilio().updates(callSid).stream().filter(r -> {
            String body = URLDecoder.decode(r.getBodyAsString(), StandardCharsets.UTF_8);
            return body.contains("<Enqueue") && body.contains(OVERFLOW);
        }).toList();
    }

    private static JsonNode ready() throws Exception {
        return Json.parse(deployment.service().get("/ready").body());
    }

    private static void await(Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s");
            }
            Thread.sleep(100);
        }
    }
}
