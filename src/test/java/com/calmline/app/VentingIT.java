package com.calmline.app;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The venting policy on whole fixture calls, through the real service, real Vosk and Redis, with the real
 * Twilio SDK talking to WireMock in Twilio's place.
 */
class VentingIT {
    private static final String ACCOUNT = "AC" + "1".repeat(32);
    private static final String PUBLIC_URL = "https://calmline.example.com";
    private static final double SPEED = 4;
    private static final WireMockServer twilio = new WireMockServer(options().dynamicPort());
    private static RunningService service;

    @BeforeAll
    static void start() throws Exception {
        twilio.start();
        service = RunningService.start(Map.of("TWILIO_ACCOUNT_SID", ACCOUNT, "TWILIO_AUTH_TOKEN", "venting-it-token",
                "TWILIO_API_BASE_URL", twilio.baseUrl(), "PUBLIC_BASE_URL", PUBLIC_URL));
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
        twilio.stop();
    }

    @BeforeEach
    void reset() {
        twilio.resetAll();
    }

    @Test
    void anAngryCallerIsHeardOutAcknowledgedInTheirWordsAndRoutedOnceCalmer() throws Exception {
        Fixture fixture = Fixture.load("refund-angry");
        Simulator.Call call = dial();
        answerUpdates(call, updated(call));
        List<JsonNode> events = play(call, fixture);
        List<JsonNode> decisions = decisions(events);
        JsonNode summary = only(events, "summary");
        printDelays(fixture, decisions);

        assertEquals(0, summary.path("talkOvers").asInt(), "the line never started talking over the caller");
        for (JsonNode d : prompts(decisions)) {
            assertTrue(inGap(fixture, d.path("atMs").asLong()), "a prompt starts only in a gap: " + d);
        }
        for (int i = 0; i + 1 < fixture.sentences().size(); i++) {
            Fixture.Sentence before = fixture.sentences().get(i);
            long gapEnd = fixture.sentences().get(i + 1).startMs();
            long gap = gapEnd - before.endMs();
            List<JsonNode> inThisGap = prompts(decisions).stream()
                    .filter(d -> d.path("atMs").asLong() > before.endMs() && d.path("atMs").asLong() < gapEnd)
                    .collect(Collectors.toList());
            if (gap < 1000) {
                assertTrue(inThisGap.isEmpty(), "no prompt in a " + gap + " ms mid-rant gap: " + inThisGap);
            } else {
                assertEquals(1, inThisGap.size(), "exactly one prompt in the " + gap + " ms pause after " + before);
                assertEquals("acknowledge", inThisGap.get(0).path("action").asText());
            }
        }

        List<JsonNode> acknowledgements = action(decisions, "acknowledge");
        assertTrue(acknowledgements.size() >= 1);
        Set<String> saidByCaller = trigrams(CallIT.transcript(events));
        for (JsonNode ack : acknowledgements) {
            String say = ack.path("say").asText();
            assertTrue(trigrams(say).stream().anyMatch(saidByCaller::contains),
                    "the acknowledgement repeats the caller's own words: " + say);
            assertTrue(say.toLowerCase().matches(".*\\b(sorry|apologise)\\b.*"), "it apologises: " + say);
        }
        assertFalse(acknowledgements.get(0).path("say").asText().equals(
                acknowledgements.get(acknowledgements.size() - 1).path("say").asText()) && acknowledgements.size() > 1,
                "wording varies across rounds");

        List<JsonNode> routes = action(decisions, "route");
        assertEquals(1, routes.size(), "routed once");
        JsonNode route = routes.get(0);
        assertTrue(route.path("reason").asText().contains("calming")
                || route.path("reason").asText().contains("acknowledged 3 times"), route.toString());
        assertTrue(decisions.indexOf(route) > decisions.indexOf(acknowledgements.get(0)), "routed only after acknowledging");
        assertTrue(route.path("twiml").asText().contains("<Enqueue>support</Enqueue>"), route.toString());
        assertFalse(summary.path("issue").asText().isBlank(), summary.toString());

        List<LoggedRequest> sent = updates(call);
        List<JsonNode> spoken = decisions.stream().filter(d -> d.path("delivery").asText().equals("sent"))
                .collect(Collectors.toList());
        assertEquals(spoken.size(), sent.size(), "one POST .../Calls/{CallSid}.json per decision that speaks");
        for (int i = 0; i < sent.size(); i++) {
            assertEquals(spoken.get(i).path("twiml").asText(), twimlOf(sent.get(i)), "the exact TwiML sent");
        }
        String firstAck = twimlOf(sent.get(decisions.stream().filter(d -> d.path("delivery").asText().equals("sent"))
                .collect(Collectors.toList()).indexOf(acknowledgements.get(0))));
        assertTrue(firstAck.contains("<Say>" + escape(acknowledgements.get(0).path("say").asText()) + "</Say>"), firstAck);
        assertTrue(firstAck.contains("action=\"" + PUBLIC_URL + "/twilio/listen\""), "absolute URLs in REST TwiML");

        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(service.url().resolve("/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("calmline_decisions_total{action=\"acknowledge\",delivery=\"sent\"}"), metrics);
        assertTrue(metrics.contains("calmline_talkovers_total 0.0"), "talk-overs are a metric, still zero");
    }

    @Test
    void aCalmCallerWithAClearIssueIsRoutedWithoutAcknowledgementRounds() throws Exception {
        Fixture fixture = Fixture.load("billing-calm");
        Simulator.Call call = dial();
        answerUpdates(call, updated(call));
        List<JsonNode> events = play(call, fixture);
        List<JsonNode> decisions = decisions(events);
        printDelays(fixture, decisions);

        assertTrue(action(decisions, "acknowledge").isEmpty(), decisions.toString());
        List<JsonNode> routes = action(decisions, "route");
        assertEquals(1, routes.size(), decisions.toString());
        assertTrue(routes.get(0).path("reason").asText().startsWith("calm caller with a clear issue"));
        assertTrue(inGap(fixture, routes.get(0).path("atMs").asLong()));
        assertTrue(routes.get(0).path("say").asText().contains("bill"), "confirms the issue: " + routes.get(0));
        assertEquals(0, only(events, "summary").path("talkOvers").asInt());
        assertEquals(0, only(events, "summary").path("acknowledgements").asInt());
    }

    @Test
    void aVentingCallerWhoAsksForAPersonIsRoutedAtTheNextRealPause() throws Exception {
        Fixture fixture = Fixture.load("person-angry");
        Simulator.Call call = dial();
        answerUpdates(call, updated(call));
        List<JsonNode> events = play(call, fixture);
        List<JsonNode> decisions = decisions(events);
        printDelays(fixture, decisions);

        assertEquals(1, action(decisions, "acknowledge").size(), "heard out once first: " + decisions);
        List<JsonNode> routes = action(decisions, "route");
        assertEquals(1, routes.size(), decisions.toString());
        JsonNode route = routes.get(0);
        Fixture.Sentence ask = fixture.sentences().get(fixture.sentences().size() - 1);
        assertTrue(route.path("reason").asText().startsWith("caller asked for a person"), route.toString());
        assertTrue(route.path("atMs").asLong() > ask.endMs(), "routed after the request, not during it: " + route);
        assertTrue(route.path("twiml").asText().contains("<Enqueue>support</Enqueue>"), route.toString());
        List<LoggedRequest> sent = updates(call);
        assertEquals(route.path("twiml").asText(), twimlOf(sent.get(sent.size() - 1)));
        assertEquals(0, only(events, "summary").path("talkOvers").asInt());
    }

    @Test
    void aCallThatAlreadyEndedAtTwilioStopsThePolicyCleanly() throws Exception {
        Simulator.Call call = dial();
        answerUpdates(call, twilioError(404, 20404, "The requested resource was not found"));
        List<JsonNode> events = play(call, Fixture.load("refund-angry"));
        List<JsonNode> decisions = decisions(events);

        JsonNode first = decisions.stream().filter(d -> !d.path("delivery").asText().equals("none")).findFirst()
                .orElseThrow();
        assertEquals("call-ended", first.path("delivery").asText(), first.toString());
        assertEquals("ENDED", first.path("state").asText());
        assertEquals(first, decisions.get(decisions.size() - 1), "nothing more is decided for an ended call");
        assertEquals(1, updates(call).size(), "one request, no retries for a 404");
        assertEquals(0, only(events, "summary").path("acknowledgements").asInt());
    }

    @Test
    void aTwilioServerErrorIsLoggedAndTheStateStaysWhatTheCallerHeard() throws Exception {
        Simulator.Call call = dial();
        answerUpdates(call, twilioError(500, 20500, "Internal Server Error"));
        List<JsonNode> events = play(call, Fixture.load("refund-angry"));
        List<JsonNode> decisions = decisions(events);

        List<JsonNode> attempted = decisions.stream().filter(d -> !d.path("twiml").asText().isEmpty())
                .collect(Collectors.toList());
        assertFalse(attempted.isEmpty());
        for (JsonNode d : attempted) {
            assertEquals("failed", d.path("delivery").asText(), d.toString());
            assertTrue(d.path("detail").asText().contains("500"), d.toString());
            assertFalse(List.of("ACKNOWLEDGING", "ROUTING").contains(d.path("state").asText()),
                    "the caller heard nothing, so the line is not acknowledging or routing: " + d);
        }
        assertTrue(action(decisions, "acknowledge").size() >= 2, "a failed acknowledgement is tried at the next pause");
        assertEquals(0, only(events, "summary").path("acknowledgements").asInt());
        assertEquals(0, only(events, "summary").path("talkOvers").asInt());
        assertEquals(3 * attempted.size(), updates(call).size(), "the SDK tries a 5xx three times");
    }

    private Simulator.Call dial() throws Exception {
        return service.simulator().dial("+15555550100", "+15555550199");
    }

    private static List<JsonNode> play(Simulator.Call call, Fixture fixture) throws Exception {
        try (call) {
            call.connect().play(fixture.mulaw(), SPEED);
            call.stop();
        }
        return service.simulator().awaitEnd(call.callSid, Duration.ofSeconds(90));
    }

    private static void answerUpdates(Simulator.Call call, ResponseDefinitionBuilder response) {
        twilio.stubFor(post(urlPathEqualTo(callPath(call))).willReturn(response));
    }

    private static ResponseDefinitionBuilder updated(Simulator.Call call) {
        return okJson("{\"sid\":\"" + call.callSid + "\",\"account_sid\":\"" + ACCOUNT
                + "\",\"status\":\"in-progress\"}");
    }

    /** An error as Twilio's REST API reports one. */
    private static ResponseDefinitionBuilder twilioError(int status, int code, String message) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody("{\"code\":" + code + ",\"message\":\"" + message + "\",\"status\":" + status + "}");
    }

    private static String callPath(Simulator.Call call) {
        return "/2010-04-01/Accounts/" + ACCOUNT + "/Calls/" + call.callSid + ".json";
    }

    private static List<LoggedRequest> updates(Simulator.Call call) {
        return twilio.findAll(postRequestedFor(urlPathEqualTo(callPath(call))));
    }

    private static String twimlOf(LoggedRequest request) {
        for (String pair : request.getBodyAsString().split("&")) {
            if (pair.startsWith("Twiml=")) {
                return URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no Twiml parameter in " + request.getBodyAsString());
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static List<JsonNode> decisions(List<JsonNode> events) {
        return events.stream().filter(e -> e.path("type").asText().equals("decision")).collect(Collectors.toList());
    }

    private static List<JsonNode> prompts(List<JsonNode> decisions) {
        return decisions.stream().filter(d -> !d.path("action").asText().equals("wait")).collect(Collectors.toList());
    }

    private static List<JsonNode> action(List<JsonNode> decisions, String action) {
        return decisions.stream().filter(d -> d.path("action").asText().equals(action)).collect(Collectors.toList());
    }

    private static JsonNode only(List<JsonNode> events, String type) {
        List<JsonNode> found = events.stream().filter(e -> e.path("type").asText().equals(type))
                .collect(Collectors.toList());
        assertEquals(1, found.size(), type + " events: " + found);
        return found.get(0);
    }

    /** Inside the silence between two sentences of the fixture, or after the last one. */
    private static boolean inGap(Fixture fixture, long atMs) {
        List<Fixture.Sentence> s = fixture.sentences();
        for (int i = 0; i < s.size(); i++) {
            long next = i + 1 < s.size() ? s.get(i + 1).startMs() : fixture.durationMs();
            if (atMs > s.get(i).endMs() && atMs <= next) {
                return true;
            }
        }
        return false;
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
    private static void printDelays(Fixture fixture, List<JsonNode> decisions) {
        for (JsonNode d : prompts(decisions)) {
            long at = d.path("atMs").asLong();
            long silentSince = fixture.sentences().stream().mapToLong(Fixture.Sentence::endMs).filter(e -> e < at)
                    .max().orElse(0);
            System.out.printf("DECISION-DELAY %s %s %d ms after the caller fell silent (silenceMs %d)%n",
                    fixture.name(), d.path("action").asText(), at - silentSince, d.path("silenceMs").asLong());
        }
    }
}
