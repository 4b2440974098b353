package com.calmline.app;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

/**
 * Redis (the real server process) stops; callbacks are promised meanwhile; the service itself restarts
 * while Redis is still down; Redis comes back. Every callback is there and rung exactly once.
 */
class CallbackRestartIT {
    private RedisServer redis;
    private RunningService service;
    private TwilioStandIn twilio;

    @AfterEach
    void stop() throws Exception {
        if (service != null) {
            service.close();
        }
        if (redis != null) {
            redis.stop();
        }
        if (twilio != null) {
            twilio.close();
        }
    }

    @Test
    void callbacksPromisedDuringAnOutageSurviveARestartAndAreRungOnce() throws Exception {
        twilio = new TwilioStandIn();
        twilio.stub(post(urlPathEqualTo(CallbackIT.callsPath())).willReturn(okJson("{\"sid\":\"" + CallbackIT.PLACED
                + "\",\"status\":\"queued\"}")));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path redisDir = Files.createTempDirectory("calmline-redis");
        Path data = Files.createTempDirectory("calmline-data");
        redis = redis(port, redisDir);
        redis.start();
        Map<String, String> env = new java.util.HashMap<>(CallbackIT.env(twilio, CallbackIT.middayZone()));
        env.put("REDIS_URL", "redis://127.0.0.1:" + port);
        env.put("DATA_DIR", data.toString());
        service = RunningService.start(env);

        redis.stop();
        Set<String> promised = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = create(service, "promised during the outage " + i);
            assertEquals(201, r.statusCode(), r.body());
            promised.add(new ObjectMapper().readTree(r.body()).path("id").asText());
        }
        service.close();
        service = RunningService.start(env);
        redis = redis(port, redisDir);
        redis.start();

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (dialled().size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(3000);
        List<String> dialled = dialled();
        assertEquals(3, dialled.size(), "each rung once: " + dialled);
        assertEquals(promised, Set.copyOf(dialled));
    }

    private List<String> dialled() {
        return twilio.requests(postRequestedFor(urlPathEqualTo(CallbackIT.callsPath()))).stream()
                .map(r -> CallbackIT.form(r).get("Url").replaceAll(".*id=", "")).toList();
    }

    private static HttpResponse<String> create(RunningService on, String reason) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(on.url() + "/api/callbacks"))
                .header("Authorization", "Bearer " + RunningService.API_TOKEN)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("phone=%2B18005550199&reason="
                        + java.net.URLEncoder.encode(reason, java.nio.charset.StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static RedisServer redis(int port, Path dir) throws Exception {
        return RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                .setting("dir " + dir).setting("appendonly yes").build();
    }
}
