package com.calmline.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.review.CallEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The line with callers it was not written for, on scripted timelines (no audio, no Vosk): it never leaves a
 * caller in dead air, hears requests in words the recogniser was unsure of, says back only what it
 * understood, and hears a caller accept.
 */
class UnderstandingTest {
    /** The longest the line may stay silent after a caller's turn before it says something. */
    private static final long DEAD_AIR_MS = 3000;

    private static List<String> actions(Timeline call) {
        return call.spoken().stream().map(CallEvent.Decision::action).toList();
    }

    @Test
    void aVagueTurnFollowedBySilenceGetsAnOpenQuestionThenAnOfferThenAPerson() {
        Timeline call = new Timeline().answers("yeah hi it's about the thing from before");
        long turnEnd = call.now();
        call.silence(45_000);
        assertEquals(List.of("ask", "offer", "route"), actions(call), call.decisions().toString());
        CallEvent.Decision ask = call.spoken().get(0);
        assertTrue(ask.atMs() - turnEnd <= DEAD_AIR_MS, "asked " + (ask.atMs() - turnEnd) + " ms after the turn");
        assertTrue(ask.say().contains("Could you tell me a little about what's happening?"), ask.say());
        CallEvent.Decision offer = call.spoken().get(1);
        assertTrue(offer.say().contains("press 1"), offer.say());
        assertTrue(offer.atMs() >= ask.lineUntilMs() + Timeline.SETTINGS.promptAfterMs(),
                "the caller gets a thinking pause after the question before the offer");
        assertTrue(call.spoken().get(2).reason().contains("putting them through"), call.spoken().get(2).reason());
    }

    @Test
    void theQuestionAfterASilenceNamesWhatTheCallerDidSay() {
        Timeline call = new Timeline().answers("hello there it is about my order").silence(9_000);
        CallEvent.Decision ask = call.spoken().get(0);
        assertEquals("ask", ask.action());
        assertTrue(ask.say().contains("your order"), ask.say());
    }

    @Test
    void aCallerSilentFromTheStartGetsAGentlePromptAfterTheGreeting() {
        Timeline call = new Timeline().silence(20_000);
        CallEvent.Decision greeting = call.decisions().get(0);
        CallEvent.Decision prompt = call.spoken().get(0);
        assertEquals("ask", prompt.action());
        long after = prompt.atMs() - greeting.lineUntilMs();
        assertTrue(after >= 6000 && after < 6100, "prompted " + after + " ms after the greeting");
        assertTrue(prompt.say().contains("whenever you're ready"), prompt.say());
    }

    @Test
    void aCallerWhoseFirstWordsWereNotMadeOutIsAnsweredWithinTheUsualPause() {
        Timeline call = new Timeline().silence(7_300).mumbles(1_500);
        long spoke = call.now();
        call.silence(10_000);
        CallEvent.Decision prompt = call.spoken().get(0);
        assertEquals("ask", prompt.action());
        assertTrue(prompt.atMs() - spoke <= DEAD_AIR_MS, "prompted " + (prompt.atMs() - spoke) + " ms after they spoke");
    }

    @Test
    void anAngryCallersMidRantPauseIsStillNeverInterrupted() {
        Timeline call = new Timeline().answers("this is absolutely ridiculous you people are useless")
                .silence(1_300).says("three weeks i have been waiting for my refund").silence(8_000);
        CallEvent.Decision first = call.spoken().get(0);
        assertEquals("acknowledge", first.action());
        assertTrue(call.decisions().stream().noneMatch(d -> !d.action().equals("greet") && !d.action().equals("wait")
                && d.atMs() < first.atMs()), "nothing said inside the 1.3 s pause");
    }

    @Test
    void aSilenceAfterAnApologyPutsTheCallerThroughRatherThanWaitingOnThem() {
        Timeline call = new Timeline().answers("this is absolutely ridiculous my router has been broken for a week")
                .silence(25_000);
        assertEquals(List.of("acknowledge", "route"), actions(call));
        assertTrue(call.spoken().get(1).reason().contains("quiet"), call.spoken().get(1).reason());
    }

    @Test
    void aCallBackIsHeardWhenTheRecogniserWasUnsureOfItsVerb() {
        Timeline call = new Timeline().answers("could somebody ?call me back after five please").silence(3_000);
        CallEvent.Decision d = call.spoken().get(0);
        assertEquals("callback", d.action(), d.reason());
        assertEquals("callback", d.request());
        assertEquals(1, call.callbacksBooked().size());
    }

    @Test
    void aManagerRequestIsHeardWhenTheWordsAroundItWereUnsure() {
        Timeline call = new Timeline().answers("?just ?get me a manager right now").silence(3_000);
        assertEquals("person", call.spoken().get(0).request());
        assertEquals("route", call.spoken().get(0).action());
    }

    @Test
    void aComplaintWithAWordTheRecogniserWasUnsureOfIsSaidBackOnlyByWhatItIsAbout() {
        Timeline call = new Timeline().answers("this is ridiculous my router keeps ?flickering every night")
                .silence(3_000);
        CallEvent.Decision ack = call.spoken().get(0);
        assertEquals("acknowledge", ack.action());
        assertEquals("your router", ack.saidBack());
        assertFalse(ack.say().contains("flickering"), ack.say());
    }

    @Test
    void aComplaintHeardWholeIsSaidBackWhole() {
        Timeline call = new Timeline().answers("this is ridiculous my router keeps cutting out every night")
                .silence(3_000);
        assertEquals("your router keeps cutting out every night", call.spoken().get(0).saidBack());
    }

    @Test
    void withNothingUnderstoodTheApologyRepeatsNothing() {
        Timeline call = new Timeline().answers("this is absolutely disgusting you lot are a total joke")
                .silence(3_000);
        CallEvent.Decision ack = call.spoken().get(0);
        assertEquals("acknowledge", ack.action());
        assertEquals("", ack.saidBack());
        assertTrue(ack.say().contains("I'm so sorry about all of this."), ack.say());
    }

    @Test
    void afterAnApologyAnAcceptanceRoutesWhateverTheSmoothedAngerSays() {
        Timeline call = new Timeline().answers("this is absolutely ridiculous my parcel never arrived")
                .silence(2_000);
        call.answers("fine as long as it turns up by friday").silence(3_000);
        CallEvent.Decision route = call.spoken().get(1);
        assertEquals("route", route.action(), route.reason());
        assertTrue(route.reason().contains("accepted") && route.reason().contains("by friday"), route.reason());
    }

    @Test
    void afterAnApologyAGoAheadRoutes() {
        Timeline call = new Timeline().answers("i am furious my refund is three weeks late").silence(2_000);
        call.answers("okay go ahead").silence(3_000);
        assertEquals(List.of("acknowledge", "route"), actions(call));
        assertTrue(call.spoken().get(1).reason().contains("go ahead"), call.spoken().get(1).reason());
    }
}
