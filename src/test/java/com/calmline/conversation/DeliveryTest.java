package com.calmline.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.speech.Transcriber;
import com.calmline.telephony.CallControl;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Delivery with the real CallControl: in demo mode, and against a Twilio that cannot be reached. */
class DeliveryTest {
    private static final String CALL = "CA" + "0".repeat(32);
    private static final Move ACK = new Move(Move.Action.ACKNOWLEDGE, "I'm so sorry.", "caller vented");
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong callerVoice = new AtomicLong(-1);
    private final Transcriber.AudioClock clock = new Transcriber.AudioClock() {
        public long receivedMs() {
            return received.get();
        }

        public long callerVoiceMs() {
            return callerVoice.get();
        }
    };

    private Delivery delivery(CallControl control) {
        return new Delivery(CALL, control, clock, metrics);
    }

    private static CallControl twilioAt(String baseUrl, Duration timeout) {
        return new CallControl(Optional.of(CallControl.restClient("AC" + "1".repeat(32), "token",
                Optional.of(baseUrl), timeout, timeout)), () -> "https://calmline.example.com", 30, Optional.empty());
    }

    private static CallControl demo() {
        return new CallControl(Optional.empty(), () -> "http://localhost:8080", 30, Optional.empty());
    }

    @Test
    void theLineStartsWhenTwilioAcceptedOnTheCallsOwnClock() {
        received.set(4_200);
        Delivery.Sent sent = delivery(demo()).deliver(ACK, 4_000);
        assertTrue(sent.heard());
        assertEquals(4_200, sent.acceptedAtMs(), "audio that arrived by the time Twilio answered");
    }

    @Test
    void aMoveTwilioDidNotTakeIsKeptToTryAgainAndASuccessClearsIt() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Delivery failing = delivery(twilioAt("http://127.0.0.1:" + closedPort, Duration.ofSeconds(2)));
        Delivery.Sent sent = failing.deliver(ACK, 0);
        assertEquals(CallControl.Delivery.FAILED, sent.outcome().delivery());
        assertEquals(Optional.of(ACK), failing.failed());

        Delivery working = delivery(demo());
        working.deliver(ACK, 0);
        assertEquals(Optional.empty(), working.failed());
    }

    @Test
    void aMoveIsDroppedNotSpokenWhenTheCallerSpokeAgainAfterThePauseItWasDecidedOn() {
        Delivery d = delivery(demo());
        callerVoice.set(5_020);
        Delivery.Sent stale = d.deliver(ACK, 5_000);
        assertEquals(CallControl.Delivery.STALE, stale.outcome().delivery());
        assertTrue(!stale.heard());
        assertEquals(Optional.of(ACK), d.failed(), "kept for the next real pause");

        Delivery.Sent fresh = d.deliver(ACK, 5_020);
        assertTrue(fresh.heard(), "no voice after the pause it was decided on");
        assertEquals(Optional.empty(), d.failed());
    }

    @Test
    void aTwilioThatDoesNotAnswerInTimeIsAFailureAfterOneTryNotAThirtySecondWait() throws Exception {
        WireMockServer twilio = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        twilio.start();
        try {
            // A cold WireMock can take longer than the timeout to answer its first request at all.
            java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(twilio.baseUrl() + "/__admin/mappings")).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding());
            Delivery d = delivery(twilioAt(twilio.baseUrl(), Duration.ofSeconds(1)));
            twilio.stubFor(WireMock.post(WireMock.urlPathMatching(".*/Calls/.*")).willReturn(
                    WireMock.aResponse().withStatus(503).withHeader("Content-Type", "application/json")
                            .withBody("{\"code\":20503,\"message\":\"Service Unavailable\",\"status\":503}")));
            Delivery.Sent refused = d.deliver(ACK, 0);
            assertEquals(CallControl.Delivery.FAILED, refused.outcome().delivery());
            assertTrue(refused.outcome().detail().startsWith("HTTP 503"), refused.outcome().detail());
            assertEquals(1, twilio.findAll(WireMock.postRequestedFor(WireMock.urlPathMatching(".*/Calls/.*"))).size(),
                    "tried once (the SDK would try a 503 three times): a late second try could talk over the caller");

            twilio.stubFor(WireMock.post(WireMock.urlPathMatching(".*/Calls/.*")).willReturn(
                    WireMock.okJson("{\"sid\":\"" + CALL + "\",\"status\":\"in-progress\"}").withFixedDelay(4_000)));
            Delivery.Sent late = d.deliver(ACK, 0);
            assertEquals(CallControl.Delivery.FAILED, late.outcome().delivery(), late.outcome().detail());
            assertTrue(late.outcome().detail().contains("timed out"), late.outcome().detail());
        } finally {
            twilio.stop();
        }
    }

    @Test
    void decisionsAndTalkOversAreCountedForTheOperator() {
        Delivery d = delivery(demo());
        d.counted("acknowledge", "demo");
        d.talkOver();
        assertEquals(1, metrics.counter("calmline.decisions", "action", "acknowledge", "delivery", "demo").count());
        assertEquals(1, metrics.counter("calmline.talkovers").count());
    }
}
