package com.calmline.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.app.CallEvents;
import com.calmline.app.Deployment;
import com.calmline.app.Fixture;
import com.calmline.app.Simulator;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The talk-over measure on real audio of both tracks, as Twilio streams them: the caller's voice inbound and
 * what they hear outbound. The line's voice is scripted here, so the measure can be shown to fail when the
 * line keeps talking after the caller cut in (as a Twilio that ignored the stop would), and to count a
 * barge-in when it stops in time.
 */
class TalkOverIT {
    private static final double SPEED = 4;
    private static final int FRAME = Simulator.FRAME_BYTES;
    /** The caller starts talking this far into the greeting. */
    private static final long CALLER_STARTS_MS = 1500;
    @RegisterExtension
    static final Deployment deployment = Deployment.live("talk-over-it-token").build();

    @Test
    void theLineTalkingOnAfterTheCallerCutInIsATalkOver() throws Exception {
        List<JsonNode> events = call(5000);
        JsonNode overlap = CallEvents.of(events, "overlap").get(0);
        assertEquals("talk-over", overlap.path("kind").asText(), overlap.toString());
        assertEquals("greeting", overlap.path("prompt").asText());
        assertTrue(overlap.path("stoppedAfterMs").asLong() > 1000, "it went on a second after the cut-in: " + overlap);
        assertTrue(CallEvents.only(events, "summary").path("talkOvers").asInt() >= 1);
        JsonNode stopped = CallEvents.action(events, "stop").get(0);
        assertEquals("sent", stopped.path("delivery").asText(), "the line did try to stop: " + stopped);
        assertTrue(deployment.service().metric("calmline_talkovers_total") >= 1, "the operator's alert fires");
    }

    @Test
    void theLineFallingSilentSoonAfterTheCallerCutInIsABargeIn() throws Exception {
        List<JsonNode> events = call(CALLER_STARTS_MS + 100);
        JsonNode overlap = CallEvents.only(events, "overlap");
        assertEquals("barge-in", overlap.path("kind").asText(), overlap.toString());
        assertTrue(Math.abs(overlap.path("cutInMs").asLong() - CALLER_STARTS_MS) <= 100, overlap.toString());
        assertTrue(overlap.path("stoppedAfterMs").asLong() <= 500, overlap.toString());
        assertEquals(0, CallEvents.only(events, "summary").path("talkOvers").asInt());
    }

    /**
     * A call whose caller (internet-down's audio) starts talking {@link #CALLER_STARTS_MS} into the greeting,
     * while the outbound track carries a voice (refund-angry's) for the first {@code lineMs}, then silence.
     */
    private static List<JsonNode> call(long lineMs) throws Exception {
        byte[] caller = Fixture.load("internet-down").mulaw();
        byte[] line = Fixture.load("refund-angry").mulaw();
        long callerLeadMs = Fixture.load("internet-down").sentences().get(0).startMs();
        long lineLeadMs = Fixture.load("refund-angry").sentences().get(0).startMs();
        int shift = (int) ((CALLER_STARTS_MS - callerLeadMs) * 8 / FRAME);
        byte[] silence = new byte[FRAME];
        Arrays.fill(silence, (byte) 0xFF);
        Simulator simulator = deployment.service().simulator();
        Simulator.Call call = simulator.dial("+15555550100", "+15555550199");
        deployment.twilio().accepts(call.callSid);
        try (call) {
            call.connect();
            int frames = caller.length / FRAME + shift;
            for (int i = 0; i < frames; i++) {
                int c = (i < shift ? 0 : i - shift) * FRAME;
                byte[] callerFrame = Arrays.copyOfRange(caller, c, c + FRAME);
                int l = (int) (lineLeadMs * 8) + i * FRAME;
                byte[] lineFrame = i * 20L < lineMs ? Arrays.copyOfRange(line, l, l + FRAME) : silence;
                call.mediaBothTracks(callerFrame, lineFrame);
                if (i % 10 == 9) {
                    Thread.sleep((long) (200 / SPEED));
                }
            }
            call.stop();
        }
        return simulator.awaitEnd(call.callSid, Duration.ofSeconds(90));
    }
}
