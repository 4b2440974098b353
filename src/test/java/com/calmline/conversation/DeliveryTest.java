package com.calmline.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.telephony.CallControl;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Delivery with the real CallControl: in demo mode, and against a Twilio that cannot be reached. */
class DeliveryTest {
    private static final String CALL = "CA" + "0".repeat(32);
    private static final Move ACK = new Move(Move.Action.ACKNOWLEDGE, "I'm so sorry.", "caller vented");
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final AtomicLong received = new AtomicLong();

    private Delivery delivery(CallControl control) {
        return new Delivery(CALL, control, received::get, metrics);
    }

    private static CallControl demo() {
        return new CallControl(Optional.empty(), () -> "http://localhost:8080", 30, Optional.empty());
    }

    @Test
    void theLineStartsWhenTwilioAcceptedOnTheCallsOwnClock() {
        received.set(4_200);
        Delivery.Sent sent = delivery(demo()).deliver(ACK);
        assertTrue(sent.heard());
        assertEquals(4_200, sent.acceptedAtMs(), "audio that arrived by the time Twilio answered");
    }

    @Test
    void aMoveTwilioDidNotTakeIsKeptToTryAgainAndASuccessClearsIt() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        CallControl unreachable = new CallControl(Optional.of(CallControl.restClient("AC" + "1".repeat(32), "token",
                Optional.of("http://127.0.0.1:" + closedPort))), () -> "https://calmline.example.com", 30, Optional.empty());
        Delivery failing = delivery(unreachable);
        Delivery.Sent sent = failing.deliver(ACK);
        assertEquals(CallControl.Delivery.FAILED, sent.outcome().delivery());
        assertEquals(Optional.of(ACK), failing.failed());

        Delivery working = delivery(demo());
        working.deliver(ACK);
        assertEquals(Optional.empty(), working.failed());
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
