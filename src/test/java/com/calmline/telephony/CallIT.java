package com.calmline.telephony;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.app.CallEvents;
import com.calmline.app.CallScript;
import com.calmline.app.Deployment;
import com.calmline.app.Fixture;
import com.calmline.app.LogCapture;
import com.calmline.app.Simulator;
import com.calmline.app.WordErrorRate;
import com.calmline.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Whole calls through the real HTTP + WebSocket path, real Vosk, real Redis, as Twilio would send them. */
class CallIT {
    private static final double SPEED = 4;
    @RegisterExtension
    static final Deployment deployment = Deployment.demo().build();

    @Test
    void aSimulatedCallIsTranscribedWithinTheWordErrorBudget() throws Exception {
        Fixture fixture = Fixture.load("billing-calm");
        List<JsonNode> events = play(fixture);

        double wer = WordErrorRate.of(fixture.words(), CallEvents.transcript(events));
        System.out.printf("WER %s: %.1f%% (%s)%n", fixture.name(), wer * 100, CallEvents.transcript(events));
        assertTrue(wer <= WordErrorRate.BUDGET, "WER " + wer + " for: " + CallEvents.transcript(events));

        JsonNode end = events.get(events.size() - 1);
        assertEquals("end", end.path("type").asText());
        assertEquals(fixture.durationMs(), end.path("atMs").asLong(), 20, "end is at the end of the audio");
        for (JsonNode e : CallEvents.utterances(events)) {
            assertEquals("inbound", e.path("track").asText());
            assertTrue(e.path("startMs").asLong() <= e.path("endMs").asLong());
            assertTrue(e.path("endMs").asLong() <= e.path("atMs").asLong(), "known only after it was said: " + e);
        }
        JsonNode call = Json.parse(get("/api/calls/" + end.path("callSid").asText()));
        List<JsonNode> stored = new ArrayList<>();
        call.path("utterances").forEach(stored::add);
        assertEquals(CallEvents.utterances(events).size(), stored.stream()
                .filter(u -> u.path("track").asText().equals("inbound"))
                .count(), "every caller utterance is stored");
        assertTrue(stored.stream().anyMatch(u -> u.path("track").asText().equals("line")),
                "what the line said is in the transcript as its own turns: " + stored);
        assertEquals("ENDED", call.path("call").path("state").asText());
        assertEquals("+15555550100", call.path("call").path("from").asText());
        JsonNode firstCallerTurn = stored.stream().filter(u -> u.path("track").asText().equals("inbound")).findFirst()
                .orElseThrow();
        assertTrue(firstCallerTurn.path("words").size() > 0, "word timings are stored");
    }

    @Test
    void utteranceTimesMatchWhereTheSentencesAreInTheAudio() throws Exception {
        Fixture fixture = Fixture.load("internet-down");
        List<JsonNode> utterances = CallEvents.utterances(play(fixture));
        for (CallScript.Sentence s : fixture.sentences()) {
            boolean found = utterances.stream().anyMatch(u ->
                    Math.abs(u.path("startMs").asLong() - s.startMs()) <= 300
                            && Math.abs(u.path("endMs").asLong() - s.endMs()) <= 300);
            assertTrue(found, "an utterance spans " + s + " within 300 ms; got " + utterances);
        }
    }

    @Test
    void twoCallsAtOnceGetSeparateCorrectTranscripts() throws Exception {
        Fixture calm = Fixture.load("billing-calm");
        Fixture annoyed = Fixture.load("internet-down");
        CompletableFuture<List<JsonNode>> first = CompletableFuture.supplyAsync(() -> playUnchecked(calm));
        CompletableFuture<List<JsonNode>> second = CompletableFuture.supplyAsync(() -> playUnchecked(annoyed));
        String calmText = CallEvents.transcript(first.get());
        String annoyedText = CallEvents.transcript(second.get());

        double calmWer = WordErrorRate.of(calm.words(), calmText);
        double annoyedWer = WordErrorRate.of(annoyed.words(), annoyedText);
        System.out.printf("WER concurrent: %s %.1f%%, %s %.1f%%%n", calm.name(), calmWer * 100, annoyed.name(),
                annoyedWer * 100);
        assertTrue(calmWer <= WordErrorRate.BUDGET, calmText);
        assertTrue(annoyedWer <= WordErrorRate.BUDGET, annoyedText);
        assertTrue(WordErrorRate.of(calm.words(), annoyedText) > 0.6, "the calls' words did not mix");
        assertTrue(WordErrorRate.of(annoyed.words(), calmText) > 0.6, "the calls' words did not mix");
    }

    /**
     * Also what operators' log collectors get from such a call: JSON lines; every line logged while its webhook
     * and stream are handled carries its sid; the garbage is logged a few times, not every time; neither the
     * caller's number nor what they said is in any line.
     */
    @Test
    void malformedDuplicateAndReorderedFramesDoNotEndTheCall() throws Exception {
        Fixture fixture = Fixture.load("billing-calm");
        Simulator simulator = deployment.service().simulator();
        LogCapture log = new LogCapture();
        Simulator.Call call = simulator.dial("+15555550111", "+15555550199").connect();
        List<String> garbage = List.of(
                "{not json",
                "{\"event\":\"media\",\"sequenceNumber\":\"999999\",\"media\":{\"track\":\"inbound\","
                        + "\"timestamp\":\"0\",\"payload\":\"@@not base64@@\"}}",
                "{\"event\":\"media\",\"sequenceNumber\":\"999998\",\"media\":{\"track\":\"inbound\","
                        + "\"timestamp\":\"0\",\"payload\":\"" + "A".repeat(70_000) + "\"}}",
                "{\"event\":\"surprise\",\"sequenceNumber\":\"999997\"}",
                "{\"event\":\"media\",\"sequenceNumber\":\"abc\"}",
                "[1,2,3]");
        List<String> frames = new ArrayList<>();
        for (int off = 0; off < fixture.mulaw().length; off += Simulator.FRAME_BYTES) {
            frames.add(call.mediaMessage(Arrays.copyOfRange(fixture.mulaw(), off,
                    Math.min(fixture.mulaw().length, off + Simulator.FRAME_BYTES))).toString());
        }
        int garbageSent = 0;
        for (int i = 0; i < frames.size(); i++) {
            if (i % 50 == 10 && i + 1 < frames.size()) {
                call.sendRaw(frames.get(i + 1));
                call.sendRaw(frames.get(i));
                i++;
                continue;
            }
            call.sendRaw(frames.get(i));
            if (i % 40 == 0) {
                call.sendRaw(frames.get(i));
            }
            if (i % 25 == 5) {
                call.sendRaw(garbage.get(i / 25 % garbage.size()));
                garbageSent++;
            }
            if (i % 10 == 0) {
                Thread.sleep((long) (200 / SPEED));
            }
        }
        call.stop();
        call.close();
        List<JsonNode> events = simulator.awaitEnd(call.callSid, Duration.ofSeconds(90));
        log.close();

        double wer = WordErrorRate.of(fixture.words(), CallEvents.transcript(events));
        System.out.printf("WER with malformed frames: %.1f%% (%s)%n", wer * 100, CallEvents.transcript(events));
        assertTrue(wer <= WordErrorRate.BUDGET, CallEvents.transcript(events));
        String metrics = get("/metrics");
        for (String reason : List.of("malformed-json", "malformed-base64", "malformed-oversize",
                "malformed-unknown", "malformed-field", "duplicate")) {
            assertTrue(metrics.contains("result=\"" + reason + "\""), reason + " counted in /metrics");
        }

        List<JsonNode> lines = log.lines();
        String raw = log.raw();
        List<JsonNode> handling = lines.stream().filter(l -> l.path("thread").asText().startsWith("JettyServerThreadPool")
                && l.path("message").asText().contains(call.callSid)).toList();
        assertTrue(handling.size() >= 3, "the answer, the stream's start, the garbage: " + handling);
        for (JsonNode line : handling) {
            assertEquals(call.callSid, line.path("callSid").asText(), "carries its call's sid: " + line);
        }
        for (JsonNode line : lines) {
            assertTrue(line.path("callSid").isMissingNode() || line.path("callSid").asText().equals(call.callSid),
                    "only this call is on the line: " + line);
        }
        long dropped = handling.stream().filter(l -> l.path("message").asText().contains("dropped malformed")).count();
        assertTrue(dropped > 0 && dropped < garbageSent, dropped + " of " + garbageSent + " malformed frames logged");
        assertTrue(lines.stream().anyMatch(l -> l.path("message").asText().contains("suppressed")
                && l.path("callSid").asText().equals(call.callSid)), "the rest are said to be suppressed: " + raw);
        assertFalse(raw.contains("5555550111"), "the caller's number is in the log: " + raw);
        assertTrue(raw.contains("…0111"), "its last four digits tell the call apart: " + raw);
        List<String> said = new ArrayList<>(fixture.sentences().stream().map(CallScript.Sentence::text).toList());
        CallEvents.utterances(events).forEach(u -> said.add(u.path("text").asText()));
        String logged = words(lines.stream().map(l -> l.path("message").asText()).collect(Collectors.joining(" | ")));
        for (String sentence : said) {
            List<String> w = List.of(words(sentence).split(" "));
            for (int i = 0; i + 3 <= w.size(); i++) {
                String run = String.join(" ", w.subList(i, i + 3));
                assertFalse(logged.contains(run), "the caller's words '" + run + "' are in the log: " + raw);
            }
        }
    }

    private static String words(String text) {
        return text.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9']+", " ").strip();
    }

    @Test
    void aKeyPressDuringTheCallIsRecordedAtTheCallersAudioPosition() throws Exception {
        Fixture fixture = Fixture.load("delivery-late");
        Simulator simulator = deployment.service().simulator();
        double accepted = deployment.service().metric("calmline_media_frames_total{result=\"accepted\"}");
        Simulator.Call call = simulator.dial("+15555550100", "+15555550199").connect();
        call.play(Arrays.copyOfRange(fixture.mulaw(), 0, 8000 * 2), 8);
        // The webhook comes on another connection: press only once the server has taken the two seconds.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (deployment.service().metric("calmline_media_frames_total{result=\"accepted\"}") < accepted + 100
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        HttpResponse<String> gather = simulator.post("/twilio/listen",
                Map.of("CallSid", call.callSid, "Digits", "1", "AccountSid", Simulator.newSid("AC")));
        simulator.post("/twilio/listen", Map.of("CallSid", call.callSid, "Digits", "4111111111111111",
                "AccountSid", Simulator.newSid("AC")));
        call.play(Arrays.copyOfRange(fixture.mulaw(), 8000 * 2, fixture.mulaw().length), 8);
        call.stop();
        call.close();
        List<JsonNode> events = simulator.awaitEnd(call.callSid, Duration.ofSeconds(60));

        assertEquals(200, gather.statusCode());
        assertTrue(gather.body().contains("<Gather") && !gather.body().contains("<Stream"), gather.body());
        JsonNode key = events.stream().filter(e -> e.path("type").asText().equals("dtmf")).findFirst().orElseThrow();
        assertEquals("1", key.path("digit").asText());
        assertEquals(2000, key.path("atMs").asLong(), "pressed after two seconds of the caller's audio");
        List<String> keyed = events.stream().filter(e -> e.path("type").asText().equals("dtmf"))
                .map(e -> e.path("digit").asText()).toList();
        assertEquals(List.of("1", "•".repeat(16)), keyed, "keys the line does not act on leave no digits behind");
    }

    @Test
    void aCallerWhoseStreamDropsIsPutThroughRatherThanLeftListening() throws Exception {
        Fixture fixture = Fixture.load("delivery-late");
        Simulator simulator = deployment.service().simulator();
        Simulator.Call call = simulator.dial("+15555550100", "+15555550199").connect();
        call.play(Arrays.copyOfRange(fixture.mulaw(), 0, 8000 * 2), 8);
        Map<String, String> gather = Map.of("CallSid", call.callSid, "AccountSid", Simulator.newSid("AC"));
        String heard = simulator.post("/twilio/listen", gather).body();
        assertTrue(heard.contains("<Gather") && !heard.contains("<Enqueue"), "while it is heard it listens: " + heard);

        call.close();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        String lost = heard;
        while (!lost.contains("<Enqueue") && System.nanoTime() < deadline) {
            Thread.sleep(200);
            lost = simulator.post("/twilio/listen", gather).body();
        }
        assertTrue(lost.contains("trouble hearing you") && lost.contains("<Enqueue"), lost);
        assertEquals("true", deployment.service().json("/api/calls/" + call.callSid).path("call").path("lost")
                .asText());
    }

    @Test
    void healthReportsRedisAndModel() throws Exception {
        String health = get("/health");
        assertTrue(health.contains("\"redis\":\"UP\""), health);
        assertTrue(health.contains("\"model\":\"LOADED\""), health);
        assertFalse(health.contains("DOWN"), health);
    }

    private static List<JsonNode> play(Fixture fixture) throws Exception {
        return deployment.service().simulator().playCall("+15555550100", "+15555550199", fixture.mulaw(), SPEED,
                Duration.ofSeconds(90));
    }

    private static List<JsonNode> playUnchecked(Fixture fixture) {
        try {
            return play(fixture);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String get(String path) throws Exception {
        return deployment.service().get(path).body();
    }
}
