package com.calmline.telephony;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.app.CallEvents;
import com.calmline.app.CallScript;
import com.calmline.app.Deployment;
import com.calmline.app.Fixture;
import com.calmline.app.RunningService;
import com.calmline.app.Simulator;
import com.calmline.app.TcpRelay;
import com.calmline.app.TwilioStandIn;
import com.calmline.app.WordErrorRate;
import com.calmline.json.Json;
import com.calmline.store.Store;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.RedisClient;

/**
 * Faults around live calls, through the real service (its own embedded Redis, real Vosk, the Twilio SDK
 * against WireMock): Redis killed (and started again by the service, which supervises it), Twilio's REST API failing, hanging or resetting, a caller's
 * stream cut off without a word. Whatever was acknowledged is still there afterwards.
 */
class FaultIT {
    private static final double SPEED = 4;
    /**
     * For calls whose point is Twilio's latency: the caller's pauses pass at this many times real time, so each
     * millisecond an update takes eats this many of the pause; at real time's 4× the test would be four times
     * stricter than a real call.
     */
    private static final double TWILIO_FAULT_SPEED = 2;
    /**
     * How long Twilio holds a hung update: ten times what the service waits (TWILIO_TIMEOUT_MS, 3 s by default),
     * so that on a slow machine only a service that waits for the answer stores the caller's next words after it.
     */
    private static final int HANG_MS = 30_000;
    private static final ExecutorService THREADS = Executors.newCachedThreadPool();
    /** Deliveries of decisions that went to Twilio's REST API. */
    private static final Set<String> SENT_TO_TWILIO = Set.of("sent", "failed", "call-ended");
    @RegisterExtension
    static final Deployment deployment = Deployment.live("fault-it-token").build();

    @AfterAll
    static void stop() {
        THREADS.shutdownNow();
    }

    @Test
    void redisKilledDuringTwoCallsKeepsWhatItHadStoredAndGetsWhatWasSaidWhileItWasDead() throws Exception {
        List<Fixture> fixtures = List.of(Fixture.load("internet-down"), Fixture.load("billing-calm"));
        Simulator simulator = deployment.service().simulator();
        List<Simulator.Call> calls = new ArrayList<>();
        for (int i = 0; i < fixtures.size(); i++) {
            Simulator.Call call = simulator.dial("+1555555010" + i, "+15555550199");
            deployment.twilio().accepts(call.callSid);
            calls.add(call.connect());
        }
        List<CompletableFuture<Void>> playing = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            Simulator.Call call = calls.get(i);
            byte[] audio = fixtures.get(i).mulaw();
            // As recorded: a caller who cannot wait for the line, as the service's events can't be read while
            // Redis is dead.
            playing.add(CompletableFuture.runAsync(() -> {
                try (call) {
                    call.play(audio, SPEED);
                    call.stop();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, THREADS));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (calls.stream().anyMatch(c -> utterances(c.callSid).stream().noneMatch(FaultIT::caller))) {
            assertTrue(System.nanoTime() < deadline, "no caller utterance reached Redis");
            Thread.sleep(20);
        }
        List<List<String>> storedBeforeKill = calls.stream().map(c -> utterances(c.callSid)).toList();
        deployment.redis().kill();

        CompletableFuture.allOf(playing.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        // The service starts its embedded Redis again by itself, at once: this waits until it answers.
        deployment.redis().start();

        for (int i = 0; i < calls.size(); i++) {
            String callSid = calls.get(i).callSid;
            Fixture fixture = fixtures.get(i);
            simulator.awaitEnd(callSid, Duration.ofSeconds(60));
            List<String> before = storedBeforeKill.get(i);
            List<String> after = utterances(callSid);
            List<JsonNode> heard = after.stream().map(FaultIT::parse).filter(FaultIT::caller).toList();
            String transcript = String.join(" ", heard.stream().map(u -> u.path("text").asText()).toList());
            System.out.printf("REDIS-KILL %s: %d utterances stored before the kill, %d after the restart: %s%n",
                    fixture.name(), before.size(), after.size(), transcript);

            assertTrue(before.stream().map(FaultIT::parse).filter(FaultIT::caller)
                    .allMatch(u -> u.path("endMs").asLong() < lastSentence(fixture).startMs()),
                    "Redis died before the caller's last sentence was transcribed (else the test shows nothing)");
            assertEquals(before, after.subList(0, Math.min(before.size(), after.size())),
                    "every utterance Redis had acknowledged before it was killed is still there, in its place");
            assertEquals(after.size(), new HashSet<>(after).size(), "no utterance is stored twice: " + after);
            for (int j = 1; j < heard.size(); j++) {
                assertTrue(heard.get(j - 1).path("startMs").asLong() < heard.get(j).path("startMs").asLong(),
                        "the caller's turns are in the order they were said: " + heard);
            }
            for (CallScript.Sentence s : fixture.sentences()) {
                assertTrue(heard.stream().anyMatch(u -> u.path("startMs").asLong() < s.endMs()
                        && u.path("endMs").asLong() > s.startMs()), "an utterance covers " + s + ": " + heard);
            }
            assertTrue(WordErrorRate.of(fixture.words(), transcript) <= WordErrorRate.BUDGET, transcript);
        }
    }

    /** Ways Twilio's REST API fails an update, answered at once (VentingIT has a 500 that never recovers). */
    enum Failure {
        UNAVAILABLE(aResponse().withStatus(503).withHeader("Content-Type", "application/json")
                .withBody("{\"code\":20503,\"message\":\"Service Unavailable\",\"status\":503}")),
        RESET(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

        final ResponseDefinitionBuilder response;

        Failure(ResponseDefinitionBuilder response) {
            this.response = response;
        }
    }

    @ParameterizedTest
    @EnumSource(Failure.class)
    void anUpdateTwilioFailsIsRecordedAndTriedAgainAtALaterPauseWithTheCallWhole(Failure failure) throws Exception {
        FaultyCall call = faultyCall(failure.response, sid -> { });
        call.assertRecoveredWhole();
    }

    @Test
    void anUpdateTwilioNeverAnswersHoldsUpNeitherTheAudioNorLandsOverTheCaller() throws Exception {
        List<Instant> heardWhileHanging = new ArrayList<>();
        List<Instant> hungAt = new ArrayList<>();
        FaultyCall call = faultyCall(okJson("{\"status\":\"in-progress\"}").withFixedDelay(HANG_MS), sid -> {
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (deployment.twilio().updates(sid).isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                LoggedRequest hanging = deployment.twilio().updates(sid).get(0);
                hungAt.add(hanging.getLoggedDate().toInstant());
                long heardUntil = events(sid).stream().filter(e -> e.path("type").asText().equals("utterance"))
                        .mapToLong(e -> e.path("endMs").asLong()).max().orElse(0);
                while (System.nanoTime() < deadline) {
                    if (events(sid).stream().anyMatch(e -> e.path("type").asText().equals("utterance")
                            && e.path("startMs").asLong() > heardUntil)) {
                        heardWhileHanging.add(Instant.now());
                        return;
                    }
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        assertEquals(1, heardWhileHanging.size(), "the caller's next words were transcribed at all");
        System.out.printf("HANGING-UPDATE: the caller's next words were stored %d ms after Twilio got the update it "
                + "held for %d ms%n", Duration.between(hungAt.get(0), heardWhileHanging.get(0)).toMillis(), HANG_MS);
        assertTrue(heardWhileHanging.get(0).isBefore(hungAt.get(0).plusMillis(HANG_MS)),
                "the caller's next words were stored before Twilio answered: the service gave up on it first");
        JsonNode hung = call.failed();
        assertTrue(hung.path("detail").asText().startsWith("unreachable"), "the service gave up waiting: " + hung);
        call.assertRecoveredWhole();
    }

    /** A listening caller's call in which Twilio answers updates with {@code failure} until the line records one failed. */
    private FaultyCall faultyCall(ResponseDefinitionBuilder failure, Consumer<String> watch) throws Exception {
        List<CompletableFuture<Void>> watching = new ArrayList<>();
        RunningService.Listened call = deployment.service().listen("billing-calm", sid -> {
            deployment.twilio().answers(sid, failure);
            watching.add(CompletableFuture.runAsync(() -> recoverAfterAFailure(sid), THREADS));
            watching.add(CompletableFuture.runAsync(() -> watch.accept(sid), THREADS));
        }, TWILIO_FAULT_SPEED);
        CompletableFuture.allOf(watching.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        return new FaultyCall(call);
    }

    /** Twilio recovers once the line has recorded a failed update, so a later attempt can get through. */
    private static void recoverAfterAFailure(String callSid) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        try {
            while (System.nanoTime() < deadline) {
                List<JsonNode> events = events(callSid);
                if (CallEvents.decisions(events).stream().anyMatch(d -> d.path("delivery").asText().equals("failed"))
                        || events.stream().anyMatch(e -> e.path("type").asText().equals("end"))) {
                    break;
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        deployment.twilio().accepts(callSid);
    }

    private record FaultyCall(RunningService.Listened call) {
        /** The first update the line sent Twilio (not one it dropped as stale because the caller spoke again). */
        JsonNode failed() {
            List<JsonNode> sent = CallEvents.decisions(call.events()).stream()
                    .filter(d -> SENT_TO_TWILIO.contains(d.path("delivery").asText())).toList();
            assertTrue(!sent.isEmpty(), "the line tried to speak: " + call.events());
            JsonNode first = sent.get(0);
            assertEquals("failed", first.path("delivery").asText(), "the first update failed, and says so: " + first);
            return first;
        }

        void assertRecoveredWhole() {
            List<JsonNode> events = call.events();
            JsonNode failed = failed();
            List<JsonNode> decisions = CallEvents.decisions(events);
            Optional<JsonNode> again = decisions.subList(decisions.indexOf(failed) + 1, decisions.size()).stream()
                    .filter(d -> CallEvents.SPEAKING.contains(d.path("action").asText())
                            && d.path("delivery").asText().equals("sent")).findFirst();
            System.out.printf("TWILIO-FAULT: failed %s at %d ms (%s), then: %s%n", failed.path("action").asText(),
                    failed.path("atMs").asLong(), failed.path("detail").asText(), decisions.subList(
                            decisions.indexOf(failed) + 1, decisions.size()).stream().map(d -> d.path("action").asText()
                            + "@" + d.path("atMs").asLong() + ":" + d.path("delivery").asText()).toList());
            assertTrue(again.isPresent(), "the line tried again and Twilio took it: " + decisions);
            JsonNode retried = again.get();
            assertTrue(retried.path("atMs").asLong() > failed.path("atMs").asLong()
                    && CallEvents.inGap(call.played(), retried.path("atMs").asLong()),
                    "tried again at a later pause of the caller's: " + retried);
            List<LoggedRequest> received = deployment.twilio().updates(call.callSid());
            assertTrue(received.stream().anyMatch(r -> TwilioStandIn.twimlOf(r).equals(retried.path("twiml").asText())),
                    "Twilio received the update tried again");
            assertEquals(0, CallEvents.only(events, "summary").path("talkOvers").asInt(),
                    "the line never started over the caller: " + CallEvents.of(events, "overlap") + " " + decisions);
            String transcript = CallEvents.transcript(events);
            assertTrue(WordErrorRate.of(call.recorded().words(), transcript) <= WordErrorRate.BUDGET, transcript);
        }
    }

    @ParameterizedTest
    @EnumSource(TcpRelay.Cut.class)
    void aStreamCutOffWithoutStopEndsTheCallKeepsWhatWasSaidAndTheCallerIsPutThrough(TcpRelay.Cut cut)
            throws Exception {
        Fixture fixture = Fixture.load("refund-angry");
        List<CallScript.Sentence> said = fixture.sentences().subList(0, 3);
        // In the short pause after the third sentence: no pause yet long enough for the line to have routed them.
        long cutAtMs = (said.get(2).endMs() + fixture.sentences().get(3).startMs()) / 2 / 20 * 20;
        Simulator.Call call;
        try (TcpRelay relay = new TcpRelay(deployment.service().port())) {
            call = deployment.service().simulatorThrough(relay.url()).dial("+15555550100", "+15555550199");
            deployment.twilio().accepts(call.callSid);
            // As recorded: whether the caller waits for the line is beside the point here.
            call.connect().play(Arrays.copyOf(fixture.mulaw(), (int) cutAtMs * 8), SPEED);
            relay.cut(cut);
        }
        Simulator simulator = deployment.service().simulator();
        List<JsonNode> events = simulator.awaitEnd(call.callSid, Duration.ofSeconds(30));
        CallEvents.only(events, "summary");
        JsonNode stored = deployment.service().json("/api/calls/" + call.callSid);
        assertEquals("ENDED", stored.path("call").path("state").asText(), stored.path("call").toString());
        List<JsonNode> heard = new ArrayList<>();
        stored.path("utterances").forEach(u -> {
            if (caller(u)) {
                heard.add(u);
            }
        });
        for (CallScript.Sentence s : said) {
            assertTrue(heard.stream().anyMatch(u -> u.path("startMs").asLong() < s.endMs()
                    && u.path("endMs").asLong() > s.startMs()), "an utterance covers " + s + ": " + heard);
        }
        String transcript = String.join(" ", heard.stream().map(u -> u.path("text").asText()).toList());
        String words = String.join(" ", said.stream().map(CallScript.Sentence::text).toList());
        System.out.printf("STREAM-CUT %s: %s%n", cut, transcript);
        assertTrue(WordErrorRate.of(words, transcript) <= WordErrorRate.BUDGET, transcript);

        Map<String, String> gather = Map.of("CallSid", call.callSid, "AccountSid", Simulator.newSid("AC"));
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        String listen = simulator.post("/twilio/listen", gather).body();
        while (!listen.contains("<Enqueue") && System.nanoTime() < deadline) {
            Thread.sleep(200);
            listen = simulator.post("/twilio/listen", gather).body();
        }
        assertTrue(listen.contains("trouble hearing you") && listen.contains("<Enqueue"), listen);
    }

    private static List<JsonNode> events(String callSid) {
        try {
            return deployment.service().simulator().events(callSid);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The call's transcript as Redis holds it: the service's embedded Redis, or the one restarted in its place. */
    private static List<String> utterances(String callSid) {
        try (RedisClient redis = deployment.redis().client()) {
            return redis.lrange(Store.key(deployment.service().redisPrefix(), "call:" + callSid + ":utterances"), 0, -1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean caller(String utterance) {
        return caller(parse(utterance));
    }

    private static boolean caller(JsonNode utterance) {
        return utterance.path("track").asText().equals("inbound");
    }

    private static JsonNode parse(String json) {
        return Json.stored(json);
    }

    private static CallScript.Sentence lastSentence(Fixture fixture) {
        return fixture.sentences().get(fixture.sentences().size() - 1);
    }
}
