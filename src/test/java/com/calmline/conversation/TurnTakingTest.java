package com.calmline.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.review.CallEvent;
import com.calmline.speech.Transcriber;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Turn-taking on scripted timelines of the caller's (and the line's) voice activity, 20 ms a frame. */
class TurnTakingTest {
    private final TurnTaking turns = new TurnTaking(1000, 1500);
    private long t;
    private long lastVoiceMs = -1;
    private long outboundLastVoiceMs = -1;

    private record Heard(long atMs, TurnTaking.Cue cue) {
    }

    /** The caller speaks (or not) until {@code untilMs}; returns the cues other than NONE. */
    private List<Heard> caller(long untilMs, boolean speaking, boolean angry, boolean somethingToSay) {
        List<Heard> cues = new ArrayList<>();
        while (t < untilMs) {
            t += 20;
            if (speaking) {
                lastVoiceMs = t;
            }
            long silent = speaking || lastVoiceMs < 0 ? 0 : t - lastVoiceMs;
            TurnTaking.Cue cue = turns.caller(new Transcriber.Activity("inbound", t, speaking, silent), angry,
                    somethingToSay);
            if (cue != TurnTaking.Cue.NONE) {
                cues.add(new Heard(t, cue));
            }
        }
        return cues;
    }

    /** Caller and outbound frames interleaved, as Twilio sends both tracks. */
    private List<Heard> both(long untilMs, boolean callerSpeaks, boolean lineSpeaks) {
        List<Heard> cues = new ArrayList<>();
        while (t < untilMs) {
            long next = t + 20;
            if (lineSpeaks) {
                outboundLastVoiceMs = next;
            }
            turns.line(new Transcriber.Activity("outbound", next, lineSpeaks,
                    lineSpeaks || outboundLastVoiceMs < 0 ? 0 : next - outboundLastVoiceMs));
            cues.addAll(caller(next, callerSpeaks, false, false));
        }
        return cues;
    }

    @Test
    void aTurnEndsOnlyAfterARealPauseNeverInAMidRantGap() {
        caller(2000, true, false, true);
        assertTrue(caller(2600, false, false, true).isEmpty(), "a 600 ms gap is not the end of a turn");
        caller(4000, true, false, true);
        List<Heard> cues = caller(5500, false, false, true);
        assertEquals(List.of(new Heard(5000, TurnTaking.Cue.TURN_END)), cues);
    }

    @Test
    void anAngryCallerGetsTheLongerPauseAndTheHoldingBackIsNoted() {
        caller(3000, true, true, true);
        List<Heard> cues = caller(5000, false, true, true);
        assertEquals(List.of(new Heard(4000, TurnTaking.Cue.HOLD_BACK), new Heard(4500, TurnTaking.Cue.TURN_END)),
                cues);
    }

    @Test
    void withNothingToSayTheLineKeepsListening() {
        caller(1000, true, false, false);
        assertTrue(caller(5000, false, false, false).isEmpty());
    }

    @Test
    void somethingLeftToDeliverIsTriedOncePerPauseNotEveryFrame() {
        caller(1000, true, false, true);
        List<Heard> cues = caller(4500, false, false, true);
        assertEquals(List.of(new Heard(2000, TurnTaking.Cue.TURN_END), new Heard(3000, TurnTaking.Cue.TURN_END),
                new Heard(4000, TurnTaking.Cue.TURN_END)), cues);
    }

    @Test
    void theCallerStartingWhileTheLineTalksIsACutIn() {
        turns.lineStarts("acknowledge", 1000, 6000);
        caller(2000, false, false, false);
        List<Heard> cues = caller(2100, true, false, true);
        assertEquals(List.of(new Heard(2020, TurnTaking.Cue.CUT_IN)), cues);
        assertTrue(turns.lineTalking(2100));
    }

    @Test
    void theLineBeginningWhileTheCallerSpeaksIsACutInToo() {
        caller(1000, true, false, true);
        turns.lineStarts("route", 1040, 5000);
        List<Heard> cues = caller(1200, true, false, true);
        assertEquals(List.of(new Heard(1060, TurnTaking.Cue.CUT_IN)), cues);
    }

    @Test
    void aStoppedPromptIsABargeInAndOneThatTalksOnIsATalkOver() {
        turns.lineStarts("acknowledge", 0, 8000);
        caller(1000, false, false, false);
        caller(1020, true, false, true);
        turns.lineStops(1200);
        caller(3000, true, false, true);
        caller(9000, false, false, true);
        CallEvent.Overlap stopped = turns.takeOverlaps().get(0);
        assertEquals("barge-in", stopped.kind());
        assertEquals(1000, stopped.cutInMs());
        assertEquals(200, stopped.stoppedAfterMs());

        turns.lineStarts("acknowledge", 10_000, 18_000);
        caller(11_000, false, false, false);
        caller(13_000, true, false, true);
        turns.finish(13_000);
        CallEvent.Overlap ignored = turns.takeOverlaps().get(0);
        assertEquals("talk-over", ignored.kind(), "the line never stopped: this measure must fail");
        assertEquals(2000, ignored.overlapMs());
    }

    @Test
    void onTheOutboundTrackTheLinesRealSpeechIsMeasuredNotTheEstimate() {
        turns.lineStarts("greeting", 0, 4000);
        both(600, false, true);
        List<Heard> cues = both(700, true, true);
        assertEquals(TurnTaking.Cue.CUT_IN, cues.get(0).cue());
        turns.lineStops(cues.get(0).atMs());
        both(3000, true, true);
        both(6000, false, false);
        CallEvent.Overlap o = turns.takeOverlaps().get(0);
        assertEquals("talk-over", o.kind(), "Twilio kept playing after the stop: the outbound track shows it");
        assertEquals(3000, o.lineEndMs());

        turns.lineStarts("acknowledge", 7000, 12_000);
        both(7600, false, true);
        both(7800, true, true);
        both(9000, true, false);
        both(14_000, false, false);
        CallEvent.Overlap stopped = turns.takeOverlaps().get(0);
        assertEquals("barge-in", stopped.kind());
        assertTrue(stopped.stoppedAfterMs() <= 200, stopped.toString());
    }
}
