package com.calmline.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.app.CallEvents;
import com.calmline.app.CallScript;
import com.calmline.app.Deployment;
import com.calmline.app.RunningService;
import com.calmline.app.Simulator;
import com.calmline.app.TwilioStandIn;
import com.calmline.json.Json;
import com.calmline.routing.Router;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Routing on whole fixture calls through the real service, Vosk and Redis, with the real Twilio SDK talking
 * to WireMock: each caller reaches the queue the shipped table names for their topic and anger, with the
 * screen-pop stored and, with TaskRouter, carried as the task's attributes.
 */
class RoutingIT {
    private static final double SPEED = 4;
    private static final String WORKFLOW = "WW" + "c".repeat(32);
    private static final Pattern TASK = Pattern.compile("<Enqueue workflowSid=\"(WW[0-9a-f]{32})\"><Task>(.*)</Task>"
            + "</Enqueue>", Pattern.DOTALL);
    /** An instance routing callers to a queue, and one beside it making them TaskRouter tasks. */
    @RegisterExtension
    static final Deployment deployment = Deployment.live("routing-it-token")
            .instance(Map.of("TWILIO_WORKFLOW_SID", WORKFLOW)).build();
    private static Router shippedTables;
    private static TwilioStandIn twilio;
    private static RunningService service;

    @BeforeAll
    static void loadTables() throws Exception {
        shippedTables = Router.load(Path.of("routing"));
        twilio = deployment.twilio();
        service = deployment.service();
    }

    @ParameterizedTest
    @CsvSource({"billing-calm, billing", "delivery-late, delivery", "cancel-calm, cancellation",
            "account-locked, account", "internet-down, technical", "refund-angry, refund"})
    void eachCallerReachesTheQueueTheTableNamesForTheirTopicAndAnger(String fixture, String topic) throws Exception {
        RunningService.Listened call = service.listen(fixture, twilio::accepts, SPEED);
        JsonNode route = CallEvents.only(call.events(), "route");
        JsonNode summary = CallEvents.only(call.events(), "summary");
        assertEquals(topic, route.path("topic").asText(), route.toString());
        String expected = shippedTables.route(CallEvents.transcript(call.events()),
                summary.path("angerPeak").asDouble()).queue();
        assertEquals(expected, route.path("queue").asText(), "the queue routing/queues.txt names: " + route);
        System.out.printf("routed %s: topic %s (%.2f) -> queue %s, anger peak %.2f%n", fixture, topic,
                route.path("confidence").asDouble(), expected, summary.path("angerPeak").asDouble());

        List<LoggedRequest> sent = twilio.updates(call.callSid());
        String twiml = TwilioStandIn.twimlOf(sent.get(sent.size() - 1));
        assertTrue(twiml.contains("<Enqueue waitUrl=\"" + TwilioStandIn.PUBLIC_URL + "/twilio/wait\" "
                + "waitUrlMethod=\"POST\">" + expected + "</Enqueue>"), twiml);

        JsonNode pop = CallEvents.only(call.events(), "screenpop");
        assertEquals(topic, pop.path("topic").asText());
        assertFalse(pop.path("suggestedOpening").asText().isBlank(), pop.toString());
        assertTrue(pop.path("suggestedResolutions").size() > 0, pop.toString());
        JsonNode live = service.json("/api/calls/" + call.callSid() + "/screenpop");
        assertEquals(topic, live.path("topic").asText());
        assertEquals(expected, live.path("queue").asText());
        assertEquals("+15555550100", live.path("caller").path("number").asText());
        assertTrue(live.path("transcript").size() >= call.recorded().sentences().size(), live.toString());
    }

    @Test
    void aCallerWhoseAngerPeakedHighGoesToDeEscalationWhateverTheTopic() throws Exception {
        RunningService.Listened call = service.listen("refund-angry", twilio::accepts, SPEED);
        JsonNode route = CallEvents.only(call.events(), "route");
        double peak = CallEvents.only(call.events(), "summary").path("angerPeak").asDouble();
        List<String> deEscalation = shippedTables.queueTable().get(0);
        assertEquals(List.of("*", "deescalation"), List.of(deEscalation.get(0), deEscalation.get(2)));
        assertTrue(peak >= Double.parseDouble(deEscalation.get(1)), "this caller got very angry: " + peak);
        assertEquals("deescalation", route.path("queue").asText(), route.toString());
        assertEquals("refund", route.path("topic").asText(), "the topic still travels with them");
        assertTrue(route.path("reason").asText().contains("de-escalation"), route.toString());
        List<LoggedRequest> sent = twilio.updates(call.callSid());
        assertTrue(TwilioStandIn.twimlOf(sent.get(sent.size() - 1)).contains(">deescalation</Enqueue>"));
    }

    @Test
    void aPersonRequestWhoseEndTheRecogniserGarbledStillRoutes() throws Exception {
        RunningService.Listened call = service.listen("person-garbled", twilio::accepts, SPEED);
        String heard = CallEvents.transcript(call.events());
        assertFalse(heard.matches(".*\\b(person|agent|human|someone|manager)\\b.*"),
                "the recogniser lost the words a keyword match needs: " + heard);
        List<JsonNode> routes = CallEvents.action(call.events(), "route");
        assertEquals(1, routes.size(), call.events().toString());
        JsonNode route = routes.get(0);
        assertTrue(route.path("reason").asText().startsWith("caller asked for a person"), route.toString());
        CallScript.Sentence ask = call.played().sentences().get(0);
        assertTrue(route.path("atMs").asLong() >= ask.endMs() + 1000, "at the next real pause, not while speaking");
        assertEquals("person", CallEvents.only(call.events(), "summary").path("request").asText());
    }

    @Test
    void pressingZeroRoutesAtOnce() throws Exception {
        Simulator simulator = service.simulator();
        Simulator.Call call = simulator.dial("+15555550123", "+15555550199");
        twilio.accepts(call.callSid);
        byte[] silence = new byte[8000];
        Arrays.fill(silence, (byte) 0xFF);
        try (call) {
            call.connect().play(silence, SPEED);
            HttpResponse<String> gather = simulator.post("/twilio/listen", Map.of("CallSid", call.callSid,
                    "Digits", "0"));
            assertEquals(200, gather.statusCode());
            call.play(silence, SPEED);
            call.stop();
        }
        List<JsonNode> events = simulator.awaitEnd(call.callSid, Duration.ofSeconds(60));
        JsonNode route = CallEvents.action(events, "route").get(0);
        assertEquals("caller pressed 0 to speak to a person", route.path("reason").asText());
        assertTrue(route.path("atMs").asLong() <= 1500, "routed as the key arrived, not at a later pause: " + route);
        assertEquals("support", CallEvents.only(events, "route").path("queue").asText());
        List<LoggedRequest> sent = twilio.updates(call.callSid);
        assertTrue(TwilioStandIn.twimlOf(sent.get(sent.size() - 1)).contains(">support</Enqueue>"));
    }

    @Test
    void pressingZeroOnAnInstanceWithoutTheCallsStreamStillRoutes() throws Exception {
        Simulator simulator = service.simulator();
        HttpResponse<String> gather = simulator.post("/twilio/listen", Map.of("CallSid", Simulator.newSid("CA"),
                "Digits", "0"));
        assertEquals(200, gather.statusCode());
        assertTrue(gather.body().contains("<Enqueue waitUrl=\"" + TwilioStandIn.PUBLIC_URL + "/twilio/wait\" "
                + "waitUrlMethod=\"POST\">support</Enqueue>"), gather.body());
    }

    @Test
    void withTaskRouterTheScreenPopTravelsAsTheTasksAttributes() throws Exception {
        RunningService.Listened call = deployment.instance(1).listen("billing-calm", twilio::accepts, SPEED);
        List<LoggedRequest> sent = twilio.updates(call.callSid());
        String twiml = TwilioStandIn.twimlOf(sent.get(sent.size() - 1));
        Matcher m = TASK.matcher(twiml);
        assertTrue(m.find(), twiml);
        assertEquals(WORKFLOW, m.group(1));
        JsonNode attributes = Json.parse(m.group(2).replace("&quot;", "\"").replace("&lt;", "<")
                .replace("&gt;", ">").replace("&apos;", "'").replace("&amp;", "&"));
        assertEquals(call.callSid(), attributes.path("call_sid").asText());
        JsonNode pop = attributes.path("screenpop");
        assertEquals("billing", pop.path("topic").asText(), attributes.toString());
        assertEquals(CallEvents.only(call.events(), "summary").path("issue").asText(), pop.path("issue").asText());
        assertFalse(pop.path("suggestedOpening").asText().isBlank());
    }
}
