package com.calmline.callback;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.app.Deployment;
import com.calmline.app.RunningService;
import com.calmline.app.ServiceProcess;
import com.calmline.app.TwilioStandIn;
import com.calmline.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An instance is killed (SIGKILL) in the middle of ringing a callback: it had claimed it and Twilio had
 * received the call, but the instance never heard back. Another instance takes the callback over when
 * the lease runs out, finds the call at Twilio, follows it to the end, and never rings the customer twice.
 */
class CallbackKillIT {
    private static final String PLACED = TwilioStandIn.PLACED;
    /** A real redis-server both instances share, Twilio in WireMock; the instances are started by each test. */
    @RegisterExtension
    final Deployment deployment = Deployment.live("callback-kill-it-token").ringsCallbacks(Deployment.middayZone())
            .ownRedis().noInstances().build();
    private ServiceProcess doomed;

    @Test
    void aCallbackClaimedByAKilledInstanceIsTakenOverAndNeverRungTwice() throws Exception {
        TwilioStandIn twilio = deployment.twilio();
        twilio.stub(post(urlPathEqualTo(TwilioStandIn.callsPath())).willReturn(aResponse().withFixedDelay(60_000)
                .withHeader("Content-Type", "application/json").withBody("{\"sid\":\"" + PLACED + "\"}")));
        startDoomed(Map.of());

        HttpResponse<String> created = doomed.api().post("/api/callbacks", Map.of("phone", "+18005550199",
                "reason", "killed mid-dial"));
        assertEquals(201, created.statusCode(), created.body());
        String id = Json.parse(created.body()).path("id").asText();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (twilio.requests(postRequestedFor(urlPathEqualTo(TwilioStandIn.callsPath()))).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "the doomed instance never rang");
            Thread.sleep(50);
        }
        doomed.kill();

        // Twilio has the call the dead instance placed, and it has since ended.
        twilio.stub(get(urlPathEqualTo(TwilioStandIn.callsPath())).willReturn(okJson(callList())));
        twilio.stub(get(urlPathEqualTo(TwilioStandIn.callsPath().replace(".json", "/" + PLACED + ".json")))
                .willReturn(okJson("{\"sid\":\"" + PLACED + "\",\"status\":\"completed\"}")));
        RunningService survivor = deployment.startInstance(Map.of());

        JsonNode callback = null;
        deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            callback = survivor.json("/api/callbacks/" + id);
            if (callback.path("status").asText().equals("completed")) {
                break;
            }
            Thread.sleep(200);
        }
        assertEquals("completed", callback.path("status").asText(), callback.toString());
        assertTrue(callback.path("history").toString().contains("found at Twilio after a takeover"),
                callback.toString());
        Thread.sleep(2000);
        assertEquals(1, twilio.requests(postRequestedFor(urlPathEqualTo(TwilioStandIn.callsPath()))).size(),
                "the customer was rung once");
    }

    @Test
    void aCallbackWhoseDialNeverReachedTwilioIsRungByTheInstanceThatTakesItOver() throws Exception {
        TwilioStandIn twilio = deployment.twilio();
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
            startDoomed(Map.of("TWILIO_API_BASE_URL", "http://127.0.0.1:" + blackHole.getLocalPort()));
            HttpResponse<String> created = doomed.api().post("/api/callbacks", Map.of("phone", "+18005550199",
                    "reason", "never got through"));
            String id = Json.parse(created.body()).path("id").asText();
            assertTrue(dialling.await(30, TimeUnit.SECONDS), "the doomed instance never tried to ring");
            doomed.kill();

            twilio.stub(get(urlPathEqualTo(TwilioStandIn.callsPath())).willReturn(okJson(callList(""))));
            twilio.stub(post(urlPathEqualTo(TwilioStandIn.callsPath())).willReturn(okJson("{\"sid\":\""
                    + PLACED + "\",\"status\":\"queued\"}")));
            RunningService survivor = deployment.startInstance(Map.of());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (twilio.requests(postRequestedFor(urlPathEqualTo(TwilioStandIn.callsPath()))).isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "the surviving instance never rang");
                Thread.sleep(100);
            }
            Thread.sleep(3000);
            assertEquals(1, twilio.requests(postRequestedFor(urlPathEqualTo(TwilioStandIn.callsPath()))).size(),
                    "rung once, by the survivor");
            JsonNode callback = survivor.json("/api/callbacks/" + id);
            assertEquals("dialling", callback.path("status").asText(), callback.toString());
            assertTrue(callback.path("history").toString().contains("never reached Twilio; ringing now"),
                    callback.toString());
        }
    }

    /** The service as its own process (the packaged jar), so it can be killed for real. */
    private void startDoomed(Map<String, String> env) throws Exception {
        doomed = deployment.startProcess("callback-kill-doomed", env);
    }

    private static String callList() {
        return callList("{\"sid\":\"" + PLACED + "\",\"to\":\"+18005550199\",\"status\":\"in-progress\"}");
    }

    private static String callList(String calls) {
        return "{\"calls\":[" + calls + "],"
                + "\"end\":0,\"first_page_uri\":\"/2010-04-01/Accounts/" + TwilioStandIn.ACCOUNT + "/Calls.json?PageSize=20&Page=0\","
                + "\"next_page_uri\":null,\"page\":0,\"page_size\":20,\"previous_page_uri\":null,\"start\":0,"
                + "\"uri\":\"/2010-04-01/Accounts/" + TwilioStandIn.ACCOUNT + "/Calls.json?PageSize=20&Page=0\"}";
    }
}
