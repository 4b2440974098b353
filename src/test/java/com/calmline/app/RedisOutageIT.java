package com.calmline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

/** Redis goes away in the middle of a call and comes back: the service degrades, the transcript is whole. */
class RedisOutageIT {
    private RedisServer redis;
    private RunningService service;

    @AfterEach
    void stop() throws Exception {
        if (service != null) {
            service.close();
        }
        if (redis != null) {
            redis.stop();
        }
    }

    @Test
    void aTranscriptWrittenDuringAnOutageIsStoredWhenRedisReturns() throws Exception {
        int port = freePort();
        Path dir = Files.createTempDirectory("calmline-redis");
        redis = redis(port, dir);
        redis.start();
        service = RunningService.start(Map.of("REDIS_URL", "redis://127.0.0.1:" + port));
        Fixture fixture = Fixture.load("internet-down");
        byte[] audio = fixture.mulaw();
        int half = audio.length / 2 / Simulator.FRAME_BYTES * Simulator.FRAME_BYTES;

        Simulator simulator = service.simulator();
        Simulator.Call call = simulator.dial("+15555550123", "+15555550199").connect();
        call.play(Arrays.copyOfRange(audio, 0, half), 4);
        redis.stop();
        assertEquals(200, status("/health"), "alive: a restart now would lose the writes it holds");
        assertTrue(body("/health").contains("\"redis\":\"DOWN\""), "and says what is degraded");
        assertEquals(200, status("/ready"), "still takes calls: the outbox journal holds writes until Redis is back");
        call.play(Arrays.copyOfRange(audio, half, audio.length), 4);
        call.stop();
        call.close();
        Thread.sleep(3000);
        assertEquals(503, status("/api/calls/" + call.callSid + "/events"), "reads fail cleanly while Redis is down");

        redis = redis(port, dir);
        redis.start();
        List<JsonNode> events = simulator.awaitEnd(call.callSid, Duration.ofSeconds(30));

        double wer = WordErrorRate.of(fixture.words(), CallIT.transcript(events));
        System.out.printf("WER across a Redis outage: %.1f%% (%s)%n", wer * 100, CallIT.transcript(events));
        assertTrue(wer <= 0.25, "nothing said during the outage was lost: " + CallIT.transcript(events));
        long lastSentenceStart = fixture.sentences().get(fixture.sentences().size() - 1).startMs();
        assertTrue(CallIT.utterances(events).stream().anyMatch(u -> u.path("endMs").asLong() > lastSentenceStart),
                "the last sentence, spoken while Redis was down, is in the transcript");
        assertEquals(200, status("/health"));
    }

    /** A callback is a promise: asked for while Redis is away, it is confirmed at once and stored once it is back. */
    @Test
    void aCallerWhoPresses1WhileQueuedDuringAnOutageIsCalledBackNotCutOff() throws Exception {
        int port = freePort();
        Path dir = Files.createTempDirectory("calmline-redis");
        redis = redis(port, dir);
        redis.start();
        service = RunningService.start(Map.of("REDIS_URL", "redis://127.0.0.1:" + port));
        String queued = Simulator.newSid("CA");
        redis.stop();

        HttpResponse<String> pressed = service.simulator().post("/twilio/wait/key", Map.of("CallSid", queued,
                "Digits", "1", "From", "+18005550199"));
        assertEquals(200, pressed.statusCode(), "the caller's call goes on: " + pressed.body());
        assertTrue(pressed.body().contains("We'll call you back") && pressed.body().contains("<Hangup/>"),
                pressed.body());

        redis = redis(port, dir);
        redis.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String callbacks = "";
        while (!callbacks.contains(queued) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            callbacks = body("/api/callbacks");
        }
        JsonNode booked = null;
        for (JsonNode c : new com.fasterxml.jackson.databind.ObjectMapper().readTree(callbacks)) {
            if (c.path("callSid").asText().equals(queued)) {
                booked = c;
            }
        }
        assertTrue(booked != null, "stored once Redis was back: " + callbacks);
        assertEquals("requested", booked.path("kind").asText());
    }

    private String body(String path) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                service.url().resolve(path)).header("Authorization", "Bearer " + RunningService.API_TOKEN).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    private static RedisServer redis(int port, Path dir) throws IOException {
        return RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                .setting("dir " + dir).setting("appendonly yes").build();
    }

    private int status(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(service.url() + path))
                .header("Authorization", "Bearer " + RunningService.API_TOKEN).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
