package com.calmline.emotion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.speech.Transcriber;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AngerMeterTest {
    private final AngerMeter meter = AngerMeter.load();

    private double score(String text) {
        return meter.text(text).value();
    }

    @Test
    void angerCuesRaiseTheScoreAndThanksLowerIt() {
        assertTrue(score("this is absolutely ridiculous i want to cancel my account") >= 0.5);
        assertEquals(AngerMeter.Level.CALM, meter.text("okay thank you that helps a lot").level());
        assertTrue(score("i have a question about my bill") < 0.3);
    }

    @Test
    void negationTurnsACueAround() {
        assertTrue(score("i am not angry just confused about this charge") < score("i am angry about this charge"));
        assertTrue(score("i am not happy with this at all") > score("i am happy with this"));
        assertTrue(meter.text("i am not happy with this at all").cues().contains("not happy"));
    }

    @Test
    void intensifiersScaleTheCueTheyPrecede() {
        assertTrue(score("i am absolutely furious") > score("i am furious"));
        assertTrue(score("i am so tired of this") > score("i am tired of this"));
    }

    @Test
    void repetitionAbsolutesAndThreatsEachCount() {
        double plain = score("i called about my refund");
        assertTrue(score("this is the third time i called about my refund") > plain);
        assertTrue(score("nobody ever calls me back about my refund") > plain);
        assertTrue(score("i called about my refund and i will cancel") > plain);
    }

    @Test
    void repeatingTheSameCueCountsLessEachTime() {
        double once = score("ridiculous");
        double twice = score("ridiculous ridiculous");
        double thrice = score("ridiculous ridiculous ridiculous");
        assertTrue(twice - once > thrice - twice, "diminishing: " + once + " " + twice + " " + thrice);
    }

    @Test
    void theTrendFollowsTurnsAndVentingTimeAddsUp() {
        AngerMeter.Caller caller = meter.caller();
        caller.hear(utterance("this is ridiculous nobody ever calls me back and i will cancel", 0, 4000));
        caller.endTurn();
        caller.hear(utterance("i am absolutely furious this is the third time", 5000, 8000));
        caller.endTurn();
        assertEquals(AngerMeter.Trend.STEADY, caller.trend(), "both turns angry");
        caller.hear(utterance("okay thank you i appreciate that", 9000, 11000));
        caller.endTurn();
        assertEquals(AngerMeter.Trend.CALMING, caller.trend());
        assertEquals(7.0, caller.ventingSeconds(), 0.01, "only the angry utterances count as venting");
        assertTrue(caller.peak() >= 0.5);
        assertTrue(caller.level() < caller.peak());
    }

    /** Issue 23's calm caller, 0.03 then 0.16, was called escalating: inside calm, scores move without a trend. */
    @Test
    void aRiseOrFallInsideCalmIsSteady() {
        assertEquals(AngerMeter.Level.CALM, meter.level(0.16), "the example is calm throughout");
        assertEquals(AngerMeter.Trend.STEADY, meter.between(0.03, 0.16));
        assertEquals(AngerMeter.Trend.STEADY, meter.between(0.16, 0.03));
    }

    /** Out of calm the trend words still apply, whichever way the caller moves. */
    @Test
    void aTrendNeedsAnUpsetTurnOnOneSide() {
        assertEquals(AngerMeter.Level.CALM, meter.level(0.05));
        assertEquals(AngerMeter.Level.ANGRY, meter.level(0.6));
        assertEquals(AngerMeter.Trend.ESCALATING, meter.between(0.05, 0.6), "calm to angry");
        assertEquals(AngerMeter.Trend.CALMING, meter.between(0.6, 0.05), "angry to calm");
        assertEquals(AngerMeter.Trend.STEADY, meter.between(0.6, 0.6));
    }

    /** The issue's own examples of anger without anger words; none of them is in the development set. */
    @Test
    void contemptChallengeLoyaltyAndExhaustionReadAsAnger() {
        for (String said : List.of("what a shambles your company is", "do you people even read your own notes",
                "twelve years i have paid you and this is what i get", "i have lost a whole day of work to this")) {
            assertEquals(AngerMeter.Level.ANGRY, meter.text(said).level(), said + ": " + meter.text(said));
        }
    }

    @Test
    void aCalmRequestIsNotAnger() {
        for (String said : List.of("i would like to cancel my subscription please",
                "could someone call me back this afternoon", "i'd like to update my address")) {
            assertEquals(AngerMeter.Level.CALM, meter.text(said).level(), said + ": " + meter.text(said));
        }
    }

    @Test
    void wordsTheRecogniserWasUnsureOfCarryNoAnger() {
        List<Transcriber.Word> heard = List.of(new Transcriber.Word("a", 0, 200, 0.74),
                new Transcriber.Word("lawyer", 200, 600, 0.66));
        Transcriber.Utterance misheard = new Transcriber.Utterance("CAtest", "inbound", "a lawyer", 0, 600, 600, heard,
                new Transcriber.Voice(Double.NaN, Double.NaN, Double.NaN));
        assertEquals(AngerMeter.Level.CALM, meter.caller().hear(misheard).level(), "'hello', misheard");
        assertTrue(meter.text("a lawyer").value() > meter.caller().hear(misheard).value());
    }

    @Test
    void aLouderHigherVoiceThanTheCallersOwnStartAddsEvidence() {
        String words = "i need this sorted out";
        AngerMeter.Caller steady = meter.caller();
        steady.hear(voiced(words, -30, 120));
        double calmVoice = steady.hear(voiced(words, -30, 120)).value();
        AngerMeter.Caller raised = meter.caller();
        raised.hear(voiced(words, -30, 120));
        double raisedVoice = raised.hear(voiced(words, -20, 180)).value();
        assertTrue(raisedVoice > calmVoice, calmVoice + " vs " + raisedVoice);
        assertTrue(raisedVoice < 0.5, "the voice alone does not make a caller angry: " + raisedVoice);
    }

    private static Transcriber.Utterance utterance(String text, long startMs, long endMs) {
        return new Transcriber.Utterance("CAtest", "inbound", text, startMs, endMs, endMs, words(text, startMs, endMs),
                new Transcriber.Voice(Double.NaN, Double.NaN, Double.NaN));
    }

    private static Transcriber.Utterance voiced(String text, double db, double hz) {
        return new Transcriber.Utterance("CAtest", "inbound", text, 0, 2000, 2000, words(text, 0, 2000),
                new Transcriber.Voice(db, hz, 2));
    }

    private static List<Transcriber.Word> words(String text, long startMs, long endMs) {
        String[] w = text.split(" ");
        List<Transcriber.Word> out = new ArrayList<>();
        long step = (endMs - startMs) / w.length;
        for (int i = 0; i < w.length; i++) {
            out.add(new Transcriber.Word(w[i], startMs + i * step, startMs + (i + 1) * step, 1));
        }
        return out;
    }
}
