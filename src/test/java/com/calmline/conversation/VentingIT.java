package com.calmline.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.app.CallEvents;
import com.calmline.app.CallScript;
import com.calmline.app.Deployment;
import com.calmline.app.Fixture;
import com.calmline.app.RunningService;
import com.calmline.app.Simulator;
import com.calmline.app.TwilioStandIn;
import com.calmline.app.WordErrorRate;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The venting policy on whole fixture calls, through the real service, real Vosk and Redis, with the real
 * Twilio SDK talking to WireMock in Twilio's place.
 */
class VentingIT {
    private static final double SPEED = 4;
    @RegisterExtension
    static final Deployment deployment = Deployment.live("venting-it-token").build();

    @BeforeEach
    void reset() {
        deployment.twilio().reset();
    }

    @Test
    void anAngryCallerIsHeardOutAcknowledgedInTheirWordsAndRoutedOnceCalmer() throws Exception {
        double talkOversBefore = deployment.service().metric("calmline_talkovers_total");
        RunningService.Listened call = deployment.service().listen("refund-angry", deployment.twilio()::accepts, SPEED);
        Fixture recorded = call.recorded();
        Fixture fixture = call.played();
        List<JsonNode> events = call.events();
        List<JsonNode> prompts = CallEvents.prompts(events);
        JsonNode summary = CallEvents.only(events, "summary");
        printDelays(fixture, prompts);

        assertEquals(0, summary.path("talkOvers").asInt(), "the line never talked over the caller");
        for (int i = 0; i + 1 < fixture.sentences().size(); i++) {
            CallScript.Sentence before = fixture.sentences().get(i);
            long gapEnd = fixture.sentences().get(i + 1).startMs();
            long recordedGap = recorded.sentences().get(i + 1).startMs() - recorded.sentences().get(i).endMs();
            List<JsonNode> inThisGap = prompts.stream()
                    .filter(d -> d.path("atMs").asLong() > before.endMs() && d.path("atMs").asLong() < gapEnd).toList();
            if (recordedGap < 1000) {
                assertTrue(inThisGap.isEmpty(), "no prompt in a " + recordedGap + " ms mid-rant gap: " + inThisGap);
            } else {
                assertEquals(1, inThisGap.size(), "exactly one prompt in the " + recordedGap + " ms pause after " + before);
                assertEquals("acknowledge", inThisGap.get(0).path("action").asText());
            }
        }

        List<JsonNode> acknowledgements = CallEvents.action(events, "acknowledge");
        assertTrue(acknowledgements.size() >= 1);
        Set<String> saidByCaller = trigrams(CallEvents.transcript(events));
        for (JsonNode ack : acknowledgements) {
            String say = ack.path("say").asText();
            assertTrue(trigrams(say).stream().anyMatch(saidByCaller::contains),
                    "the acknowledgement repeats the caller's own words: " + say);
            assertTrue(say.toLowerCase().matches(".*\\b(sorry|apologise)\\b.*"), "it apologises: " + say);
        }
        assertFalse(acknowledgements.size() > 1 && acknowledgements.get(0).path("say").asText().equals(
                acknowledgements.get(acknowledgements.size() - 1).path("say").asText()), "wording varies across rounds");

        List<JsonNode> routes = CallEvents.action(events, "route");
        assertEquals(1, routes.size(), "routed once");
        JsonNode route = routes.get(0);
        assertTrue(route.path("reason").asText().startsWith("caller is calming")
                || route.path("reason").asText().startsWith("acknowledged 3 times"), route.toString());
        assertTrue(prompts.indexOf(route) > prompts.indexOf(acknowledgements.get(0)), "routed only after acknowledging");
        String queue = CallEvents.only(events, "route").path("queue").asText();
        assertTrue(route.path("twiml").asText().contains(">" + queue + "</Enqueue>"), route.toString());
        assertFalse(summary.path("issue").asText().isBlank(), summary.toString());

        List<LoggedRequest> sent = deployment.twilio().updates(call.callSid());
        List<JsonNode> spoken = CallEvents.decisions(events).stream()
                .filter(d -> d.path("delivery").asText().equals("sent")).toList();
        assertEquals(spoken.size(), sent.size(), "one POST .../Calls/{CallSid}.json per decision sent");
        for (int i = 0; i < sent.size(); i++) {
            assertEquals(spoken.get(i).path("twiml").asText(), TwilioStandIn.twimlOf(sent.get(i)), "the exact TwiML sent");
        }
        String firstAck = TwilioStandIn.twimlOf(sent.get(spoken.indexOf(acknowledgements.get(0))));
        assertTrue(firstAck.contains("<Say>" + escape(acknowledgements.get(0).path("say").asText()) + "</Say>"), firstAck);
        assertTrue(firstAck.contains("action=\"" + TwilioStandIn.PUBLIC_URL + "/twilio/listen\""),
                "absolute URLs in REST TwiML");

        String metrics = get("/metrics");
        assertTrue(metrics.contains("calmline_decisions_total{action=\"acknowledge\",delivery=\"sent\"}"), metrics);
        assertEquals(talkOversBefore, deployment.service().metric("calmline_talkovers_total"),
                "talk-overs are a metric, and this call added none");
    }

    @Test
    void aVentingCallerWhoAsksForAPersonIsRoutedAtTheNextRealPause() throws Exception {
        RunningService.Listened call = deployment.service().listen("person-angry", deployment.twilio()::accepts, SPEED);
        Fixture fixture = call.played();
        List<JsonNode> events = call.events();
        printDelays(fixture, CallEvents.prompts(events));

        assertEquals(1, CallEvents.action(events, "acknowledge").size(), "heard out once first: " + events);
        List<JsonNode> routes = CallEvents.action(events, "route");
        assertEquals(1, routes.size(), events.toString());
        JsonNode route = routes.get(0);
        CallScript.Sentence ask = fixture.sentences().get(fixture.sentences().size() - 1);
        assertTrue(route.path("reason").asText().startsWith("caller asked for a person"), route.toString());
        assertTrue(route.path("atMs").asLong() > ask.endMs(), "routed after the request, not during it: " + route);
        String queue = CallEvents.only(events, "route").path("queue").asText();
        assertTrue(route.path("twiml").asText().contains(">" + queue + "</Enqueue>"), route.toString());
        List<LoggedRequest> sent = deployment.twilio().updates(call.callSid());
        assertEquals(route.path("twiml").asText(), TwilioStandIn.twimlOf(sent.get(sent.size() - 1)));
        assertEquals(0, CallEvents.only(events, "summary").path("talkOvers").asInt());
        assertEquals("person", CallEvents.only(events, "summary").path("request").asText());
    }

    @Test
    void aCallThatAlreadyEndedAtTwilioStopsThePolicyCleanly() throws Exception {
        Simulator.Call call = dial();
        deployment.twilio().fails(call.callSid, 404, 20404, "The requested resource was not found");
        List<JsonNode> events = play(call, Fixture.load("refund-angry").mulaw());
        List<JsonNode> updates = CallEvents.decisions(events).stream()
                .filter(d -> !List.of("none", "webhook").contains(d.path("delivery").asText())).toList();

        JsonNode first = updates.get(0);
        assertEquals("call-ended", first.path("delivery").asText(), first.toString());
        assertEquals("ENDED", first.path("state").asText());
        List<JsonNode> decisions = CallEvents.decisions(events);
        assertEquals(first, decisions.get(decisions.size() - 1), "nothing more is decided for an ended call");
        assertEquals(1, deployment.twilio().updates(call.callSid).size(), "one request, no retries for a 404");
        assertEquals(0, CallEvents.only(events, "summary").path("acknowledgements").asInt());
    }

    @Test
    void aTwilioServerErrorIsLoggedAndTheStateStaysWhatTheCallerHeard() throws Exception {
        Simulator.Call call = dial();
        deployment.twilio().fails(call.callSid, 500, 20500, "Internal Server Error");
        List<JsonNode> events = play(call, Fixture.load("refund-angry").mulaw());

        List<JsonNode> attempted = CallEvents.decisions(events).stream()
                .filter(d -> !d.path("twiml").asText().isEmpty()).toList();
        assertFalse(attempted.isEmpty());
        for (JsonNode d : attempted) {
            assertEquals("failed", d.path("delivery").asText(), d.toString());
            assertTrue(d.path("detail").asText().contains("500"), d.toString());
            assertFalse(List.of("ACKNOWLEDGING", "ROUTING").contains(d.path("state").asText()),
                    "the caller heard nothing, so the line is not acknowledging or routing: " + d);
        }
        assertTrue(CallEvents.action(events, "acknowledge").size() >= 2, "a failed acknowledgement is tried at the next pause");
        assertEquals(0, CallEvents.only(events, "summary").path("acknowledgements").asInt());
        for (JsonNode overlap : CallEvents.of(events, "overlap")) {
            assertEquals("greeting", overlap.path("prompt").asText(), "Twilio refused the stop, so the greeting "
                    + "went on over the caller; nothing else the line tried was heard: " + overlap);
        }
        assertEquals(attempted.size(), deployment.twilio().updates(call.callSid).size(),
                "each update is tried once (the SDK would try a 5xx three times): a late retry could talk over the caller");
    }

    @Test
    void aFailedUpdateIsTriedAgainAtTheNextRealPauseEvenIfTheCallerSaysNothingNew() throws Exception {
        Fixture fixture = Fixture.load("cancel-calm");
        Simulator.Call call = dial();
        deployment.twilio().fails(call.callSid, 503, 20503, "Service Unavailable");
        byte[] silence = new byte[8 * 4000];
        Arrays.fill(silence, (byte) 0xFF);
        byte[] audio = Arrays.copyOf(fixture.mulaw(), fixture.mulaw().length + silence.length);
        System.arraycopy(silence, 0, audio, fixture.mulaw().length, silence.length);
        List<JsonNode> events = play(call, audio);

        List<JsonNode> routes = CallEvents.action(events, "route");
        assertTrue(routes.size() >= 2, "tried again: " + routes);
        JsonNode first = routes.get(0);
        JsonNode again = routes.get(1);
        assertTrue(again.path("reason").asText().startsWith("trying again"), again.toString());
        assertEquals(first.path("say").asText(), again.path("say").asText());
        long lastWords = CallEvents.of(events, "utterance").stream().mapToLong(u -> u.path("endMs").asLong()).max()
                .orElseThrow();
        assertTrue(again.path("atMs").asLong() > lastWords + 1000, "after another real pause, with no new words");
        assertTrue(again.path("atMs").asLong() - first.path("atMs").asLong() >= 1000, "a pause apart, not every frame");
    }

    private Simulator.Call dial() throws Exception {
        return deployment.service().simulator().dial("+15555550100", "+15555550199");
    }

    /** Plays {@code mulaw} as recorded: the caller does not wait for the line. */
    private static List<JsonNode> play(Simulator.Call call, byte[] mulaw) throws Exception {
        try (call) {
            call.connect().play(mulaw, SPEED);
            call.stop();
        }
        return deployment.service().simulator().awaitEnd(call.callSid, Duration.ofSeconds(90));
    }

    private static String get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(deployment.service().url().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static Set<String> trigrams(String text) {
        List<String> w = new ArrayList<>(WordErrorRate.words(text));
        w.removeIf(x -> Set.of("i", "you", "my", "your", "me", "im", "youre").contains(x));
        Set<String> grams = new HashSet<>();
        for (int i = 0; i + 3 <= w.size(); i++) {
            grams.add(String.join(" ", w.subList(i, i + 3)));
        }
        return grams;
    }

    /** Delay from the caller falling silent (end of the sentence before) to each prompt, in the caller's audio time. */
    static void printDelays(Fixture fixture, List<JsonNode> prompts) {
        for (JsonNode d : prompts) {
            long at = d.path("atMs").asLong();
            long silentSince = fixture.sentences().stream().mapToLong(CallScript.Sentence::endMs).filter(e -> e < at)
                    .max().orElse(0);
            System.out.printf("DECISION-DELAY %s %s %d ms after the caller fell silent (silenceMs %d)%n",
                    fixture.name(), d.path("action").asText(), at - silentSince, d.path("silenceMs").asLong());
        }
    }
}
