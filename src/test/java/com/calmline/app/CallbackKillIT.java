package com.calmline.app;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

/**
 * An instance is killed (SIGKILL) in the middle of ringing a callback: it had claimed it and Twilio had
 * received the call, but the instance never heard back. Another instance takes the callback over when
 * the lease runs out, finds the call at Twilio, follows it to the end, and never rings the customer twice.
 */
class CallbackKillIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private RedisServer redis;
    private ServiceProcess doomed;
    private RunningService survivor;
    private TwilioStandIn twilio;

    @AfterEach
    void stop() throws Exception {
        if (doomed != null) {
            doomed.close();
        }
        if (survivor != null) {
            survivor.close();
        }
        if (redis != null) {
            redis.stop();
        }
        if (twilio != null) {
            twilio.close();
        }
    }

    @Test
    void aCallbackClaimedByAKilledInstanceIsTakenOverAndNeverRungTwice() throws Exception {
        twilio = new TwilioStandIn();
        twilio.stub(post(urlPathEqualTo(CallbackIT.callsPath())).willReturn(aResponse().withFixedDelay(60_000)
                .withHeader("Content-Type", "application/json").withBody("{\"sid\":\"" + CallbackIT.PLACED + "\"}")));
        Map<String, String> env = sharedRedis();

        URI doomedUrl = startDoomed(env);

        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                doomedUrl.resolve("/api/callbacks")).header("Authorization", "Bearer " + RunningService.API_TOKEN)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("phone=%2B18005550199&reason=killed+mid-dial")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
        String id = JSON.readTree(created.body()).path("id").asText();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (twilio.requests(postRequestedFor(urlPathEqualTo(CallbackIT.callsPath()))).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "the doomed instance never rang");
            Thread.sleep(50);
        }
        doomed.kill();

        // Twilio has the call the dead instance placed, and it has since ended.
        twilio.stub(get(urlPathEqualTo(CallbackIT.callsPath())).willReturn(okJson(callList())));
        twilio.stub(get(urlPathEqualTo(CallbackIT.callsPath().replace(".json", "/" + CallbackIT.PLACED + ".json")))
                .willReturn(okJson("{\"sid\":\"" + CallbackIT.PLACED + "\",\"status\":\"completed\"}")));
        survivor = RunningService.start(env);

        JsonNode callback = null;
        deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            callback = read(survivor, "/api/callbacks/" + id);
            if (callback.path("status").asText().equals("completed")) {
                break;
            }
            Thread.sleep(200);
        }
        assertEquals("completed", callback.path("status").asText(), callback.toString());
        assertTrue(callback.path("history").toString().contains("found at Twilio after a takeover"),
                callback.toString());
        Thread.sleep(2000);
        assertEquals(1, twilio.requests(postRequestedFor(urlPathEqualTo(CallbackIT.callsPath()))).size(),
                "the customer was rung once");
    }

    @Test
    void aCallbackWhoseDialNeverReachedTwilioIsRungByTheInstanceThatTakesItOver() throws Exception {
        twilio = new TwilioStandIn();
        Map<String, String> env = sharedRedis();
        try (ServerSocket blackHole = new ServerSocket(0)) {
            // The doomed instance's Twilio: answers its startup account check, then takes the dial's connection
            // and never answers it; the dial never arrives.
            java.util.concurrent.CountDownLatch dialling = new java.util.concurrent.CountDownLatch(1);
            List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread twilioThatNeverAnswers = new Thread(() -> {
                while (!blackHole.isClosed()) {
                    try {
                        java.net.Socket s = blackHole.accept();
                        String request = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                                java.nio.charset.StandardCharsets.US_ASCII)).readLine();
                        if (request != null && request.startsWith("POST") && request.contains("/Calls.json")) {
                            held.add(s);
                            dialling.countDown();
                        } else {
                            String body = "{\"sid\":\"" + TwilioStandIn.ACCOUNT + "\",\"status\":\"active\"}";
                            s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                    + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body)
                                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                            s.close();
                        }
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            }, "twilio-that-never-answers");
            twilioThatNeverAnswers.setDaemon(true);
            twilioThatNeverAnswers.start();
            Map<String, String> doomedEnv = new HashMap<>(env);
            doomedEnv.put("TWILIO_API_BASE_URL", "http://127.0.0.1:" + blackHole.getLocalPort());
            URI doomedUrl = startDoomed(doomedEnv);
            HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    doomedUrl.resolve("/api/callbacks")).header("Authorization", "Bearer " + RunningService.API_TOKEN)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("phone=%2B18005550199&reason=never+got+through")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String id = JSON.readTree(created.body()).path("id").asText();
            assertTrue(dialling.await(30, TimeUnit.SECONDS), "the doomed instance never tried to ring");
            doomed.kill();

            twilio.stub(get(urlPathEqualTo(CallbackIT.callsPath())).willReturn(okJson(callList(""))));
            twilio.stub(post(urlPathEqualTo(CallbackIT.callsPath())).willReturn(okJson("{\"sid\":\""
                    + CallbackIT.PLACED + "\",\"status\":\"queued\"}")));
            survivor = RunningService.start(env);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (twilio.requests(postRequestedFor(urlPathEqualTo(CallbackIT.callsPath()))).isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "the surviving instance never rang");
                Thread.sleep(100);
            }
            Thread.sleep(3000);
            assertEquals(1, twilio.requests(postRequestedFor(urlPathEqualTo(CallbackIT.callsPath()))).size(),
                    "rung once, by the survivor");
            JsonNode callback = read(survivor, "/api/callbacks/" + id);
            assertEquals("dialling", callback.path("status").asText(), callback.toString());
            assertTrue(callback.path("history").toString().contains("never reached Twilio; ringing now"),
                    callback.toString());
        }
    }

    /** A real redis-server both instances share; the environment that points them at it and at WireMock. */
    private Map<String, String> sharedRedis() throws Exception {
        int redisPort = freePort();
        redis = RedisServer.newRedisServer().port(redisPort).bind("127.0.0.1")
                .setting("dir " + Files.createTempDirectory("calmline-redis")).build();
        redis.start();
        Map<String, String> env = new HashMap<>(CallbackIT.env(twilio, CallbackIT.middayZone()));
        env.put("REDIS_URL", "redis://127.0.0.1:" + redisPort);
        env.put("API_TOKEN", RunningService.API_TOKEN);
        return env;
    }

    /** The service as its own process (the packaged jar), so it can be killed for real. */
    private URI startDoomed(Map<String, String> env) throws Exception {
        doomed = ServiceProcess.start(env, "callback-kill-doomed");
        return doomed.url;
    }

    private static String callList() {
        return callList("{\"sid\":\"" + CallbackIT.PLACED + "\",\"to\":\"+18005550199\",\"status\":\"in-progress\"}");
    }

    private static String callList(String calls) {
        return "{\"calls\":[" + calls + "],"
                + "\"end\":0,\"first_page_uri\":\"/2010-04-01/Accounts/" + TwilioStandIn.ACCOUNT + "/Calls.json?PageSize=20&Page=0\","
                + "\"next_page_uri\":null,\"page\":0,\"page_size\":20,\"previous_page_uri\":null,\"start\":0,"
                + "\"uri\":\"/2010-04-01/Accounts/" + TwilioStandIn.ACCOUNT + "/Calls.json?PageSize=20&Page=0\"}";
    }

    private static JsonNode read(RunningService on, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(on.url() + path))
                .header("Authorization", "Bearer " + RunningService.API_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
