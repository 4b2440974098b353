package com.calmline.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.app.CallEvents;
import com.calmline.app.Deployment;
import com.calmline.app.Fixture;
import com.calmline.app.RunningService;
import com.calmline.app.Simulator;
import com.calmline.app.WordErrorRate;
import com.calmline.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Redis goes away in the middle of a call and comes back: the service degrades, the transcript is whole. */
class RedisOutageIT {
    @RegisterExtension
    final Deployment deployment = Deployment.demo().ownRedis().build();

    @Test
    void aTranscriptWrittenDuringAnOutageIsStoredWhenRedisReturns() throws Exception {
        RunningService service = deployment.service();
        Fixture fixture = Fixture.load("internet-down");
        byte[] audio = fixture.mulaw();
        int half = audio.length / 2 / Simulator.FRAME_BYTES * Simulator.FRAME_BYTES;

        Simulator simulator = service.simulator();
        Simulator.Call call = simulator.dial("+15555550123", "+15555550199").connect();
        call.play(Arrays.copyOfRange(audio, 0, half), 4);
        deployment.redis().stop();
        assertEquals(200, status("/health"), "alive: a restart now would lose the writes it holds");
        assertTrue(body("/health").contains("\"redis\":\"DOWN\""), "and says what is degraded");
        assertEquals(200, status("/ready"), "still takes calls: the outbox journal holds writes until Redis is back");
        call.play(Arrays.copyOfRange(audio, half, audio.length), 4);
        call.stop();
        call.close();
        Thread.sleep(3000);
        assertEquals(503, status("/api/calls/" + call.callSid + "/events"), "reads fail cleanly while Redis is down");

        deployment.redis().start();
        List<JsonNode> events = simulator.awaitEnd(call.callSid, Duration.ofSeconds(30));

        double wer = WordErrorRate.of(fixture.words(), CallEvents.transcript(events));
        System.out.printf("WER across a Redis outage: %.1f%% (%s)%n", wer * 100, CallEvents.transcript(events));
        assertTrue(wer <= WordErrorRate.BUDGET,
                "nothing said during the outage was lost: " + CallEvents.transcript(events));
        long lastSentenceStart = fixture.sentences().get(fixture.sentences().size() - 1).startMs();
        assertTrue(CallEvents.utterances(events).stream().anyMatch(u -> u.path("endMs").asLong() > lastSentenceStart),
                "the last sentence, spoken while Redis was down, is in the transcript");
        assertEquals(200, status("/health"));
    }

    /** A callback is a promise: asked for while Redis is away, it is confirmed at once and stored once it is back. */
    @Test
    void aCallerWhoPresses1WhileQueuedDuringAnOutageIsCalledBackNotCutOff() throws Exception {
        String queued = Simulator.newSid("CA");
        deployment.redis().stop();

        HttpResponse<String> pressed = deployment.service().simulator().post("/twilio/wait/key", Map.of(
                "CallSid", queued,
                "Digits", "1", "From", "+18005550199"));
        assertEquals(200, pressed.statusCode(), "the caller's call goes on: " + pressed.body());
        assertTrue(pressed.body().contains("We'll call you back") && pressed.body().contains("<Hangup/>"),
                pressed.body());

        deployment.redis().start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String callbacks = "";
        while (!callbacks.contains(queued) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            callbacks = body("/api/callbacks");
        }
        JsonNode booked = null;
        for (JsonNode c : Json.parse(callbacks)) {
            if (c.path("callSid").asText().equals(queued)) {
                booked = c;
            }
        }
        assertTrue(booked != null, "stored once Redis was back: " + callbacks);
        assertEquals("requested", booked.path("kind").asText());
    }

    private String body(String path) throws Exception {
        return deployment.service().get(path).body();
    }

    private int status(String path) throws Exception {
        return deployment.service().get(path).statusCode();
    }
}
