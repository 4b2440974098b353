package com.calmline.telephony;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.app.Deployment;
import com.calmline.app.Fixture;
import com.calmline.app.Simulator;
import com.calmline.app.TwilioStandIn;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A media stream that stops sending frames without closing its socket, as when Twilio's side of it fails:
 * a real WebSocket client streams at real time, as Twilio does, then goes quiet. At the default
 * STREAM_STALL_SECONDS (3; the test deployment otherwise raises it for the simulator's pausing callers) the
 * service puts the caller through to a person by a Twilio update, well before Jetty's 30 s idle timeout would
 * even close the socket, and only once; a caller a person has already is not put through again.
 */
class StreamStallIT {
    @RegisterExtension
    static final Deployment deployment = Deployment.live("stream-stall-it-token")
            .env("STREAM_STALL_SECONDS", "3").build();

    @Test
    void aStreamThatGoesQuietPutsTheCallerThroughOnce() throws Exception {
        Simulator simulator = deployment.service().simulator();
        Simulator.Call call = streaming(simulator, "+15555550100");
        call.play(Arrays.copyOfRange(Fixture.load("delivery-late").mulaw(), 0, 8000 * 2), 1);
        java.time.Instant quietFrom = java.time.Instant.now();

        assertEquals(1000, call.closedWith().get(25, TimeUnit.SECONDS), "the service closed the quiet stream");
        List<String> lost = await(() -> putThrough(call.callSid), l -> !l.isEmpty());
        System.out.printf("STREAM-STALL: Twilio got the put-through %d ms after the last frame (stall period 3 s)%n",
                Duration.between(quietFrom, deployment.twilio().updates(call.callSid).stream()
                        .filter(u -> TwilioStandIn.twimlOf(u).contains("trouble hearing you")).findFirst()
                        .orElseThrow().getLoggedDate().toInstant()).toMillis());
        assertTrue(lost.get(0).contains("trouble hearing you"), "told why, as when the stream drops: " + lost);
        assertEquals("true", deployment.service().json("/api/calls/" + call.callSid).path("call").path("lost")
                .asText());

        String listening = simulator.post("/twilio/listen", Map.of("CallSid", call.callSid,
                "AccountSid", Simulator.newSid("AC"))).body();
        assertFalse(listening.contains("<Enqueue"), "the next listening round does not put them through again: "
                + listening);
        Thread.sleep(3000);
        assertEquals(1, putThrough(call.callSid).size(), "put through exactly once: " + putThrough(call.callSid));
        call.close();
    }

    @Test
    void aCallerAlreadyQueuedIsNotPutThroughAgainWhenTheStreamGoesQuiet() throws Exception {
        Simulator simulator = deployment.service().simulator();
        Simulator.Call call = streaming(simulator, "+15555550101");
        call.hold(Duration.ofSeconds(1));
        simulator.post("/twilio/listen", Map.of("CallSid", call.callSid, "AccountSid", Simulator.newSid("AC"),
                "Digits", "0"));
        // The conversation runs on the caller's audio clock: it routes while frames keep coming, as Twilio's do.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (queued(call.callSid).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "pressing 0 never put the caller in a queue");
            call.hold(Duration.ofMillis(200));
            assertFalse(call.closedWith().isDone(), "the stream stays open while frames come");
        }
        assertEquals(1, queued(call.callSid).size(), "pressing 0 put the caller in the queue");

        assertEquals(1000, call.closedWith().get(25, TimeUnit.SECONDS), "the quiet stream is still closed");
        Thread.sleep(3000);
        assertEquals(1, queued(call.callSid).size(), "and the queued caller is not moved again: "
                + queued(call.callSid));
        assertTrue(putThrough(call.callSid).isEmpty(), "nor told the line lost them");
        call.close();
    }

    @Test
    void aStreamThatStoppedIsNotLostWhenItsSocketStaysOpenAndQuiet() throws Exception {
        Simulator simulator = deployment.service().simulator();
        Simulator.Call call = streaming(simulator, "+15555550102");
        call.hold(Duration.ofSeconds(1));
        call.stop();
        simulator.awaitEnd(call.callSid, Duration.ofSeconds(30));
        // Twice the stall period and more than a watcher's round: time enough to have put them through.
        Thread.sleep(7000);
        assertTrue(queued(call.callSid).isEmpty(), "a caller who hung up is put nowhere: " + queued(call.callSid));
        call.close();
    }

    /** The Twiml of every update that put the caller in a queue. */
    private static List<String> queued(String callSid) {
        return deployment.twilio().updates(callSid).stream().map(TwilioStandIn::twimlOf)
                .filter(t -> t.contains("<Enqueue")).toList();
    }

    /** The same, for the updates that said the line lost them. */
    private static List<String> putThrough(String callSid) {
        return queued(callSid).stream().filter(t -> t.contains("trouble hearing you")).toList();
    }

    private static <T> T await(Supplier<T> value, java.util.function.Predicate<T> done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        T v = value.get();
        while (!done.test(v) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            v = value.get();
        }
        return v;
    }

    /** A call from {@code from} that Twilio accepts, its media stream open. */
    private static Simulator.Call streaming(Simulator simulator, String from) throws Exception {
        Simulator.Call call = simulator.dial(from, "+15555550199");
        deployment.twilio().accepts(call.callSid);
        call.connect();
        return call;
    }

}
