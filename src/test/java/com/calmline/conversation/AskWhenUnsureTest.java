package com.calmline.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.review.CallEvent;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A calm caller whose topic the line is unsure of is asked once which of the two likeliest it is, and routed on
 * everything said after; nobody venting, asking for something, or headed to de-escalation is asked (scripted
 * timelines, the topic model's answer given by the test).
 */
class AskWhenUnsureTest {
    private static final long DEAD_AIR_MS = 3000;
    private static final Handover.Guess UNSURE = new Handover.Guess("billing", "technical", 0.31, true);
    private static final Handover.Guess SURE_BILLING = new Handover.Guess("billing", "technical", 0.82, false);
    /** Unsure until the caller says "bill". */
    private static final Function<String, Handover.Guess> UNTIL_BILL = words -> words.contains("bill") ? SURE_BILLING
            : UNSURE;

    private static List<String> actions(Timeline call) {
        return call.spoken().stream().map(CallEvent.Decision::action).toList();
    }

    @Test
    void aCalmCallerWhoseTopicIsUnsureIsAskedWhichOfTheTwoLikeliest() {
        Timeline call = new Timeline().guessing(UNTIL_BILL)
                .answers("my router keeps dropping the connection every night").silence(1500);
        CallEvent.Decision clarify = call.spoken().get(0);
        assertEquals("clarify", clarify.action(), call.decisions().toString());
        assertTrue(clarify.say().contains("your bill or a payment, or something that isn't working?"), clarify.say());
        assertTrue(clarify.reason().contains("billing 0.31"), clarify.reason());
        assertEquals("", clarify.saidBack(), "the topics' names are the line's words, not the caller's");
        assertTrue(call.planned().isEmpty(), "not routed before the caller answers");
    }

    @Test
    void aCallerWhoseTopicIsSureIsRoutedWithoutTheQuestion() {
        Timeline call = new Timeline().guessing(words -> SURE_BILLING)
                .answers("my router keeps dropping the connection every night").silence(1500);
        assertEquals(List.of("route"), actions(call), call.decisions().toString());
    }

    @Test
    void theAnswerIsReadWithEverythingSaidBeforeItAndRoutes() {
        Timeline call = new Timeline().guessing(UNTIL_BILL)
                .answers("my router keeps dropping the connection every night").silence(1500)
                .answers("oh it's the bill really").silence(1500);
        assertEquals(List.of("clarify", "route"), actions(call), call.decisions().toString());
        assertTrue(call.guessedFrom().get(call.guessedFrom().size() - 1)
                .equals("my router keeps dropping the connection every night oh it's the bill really"),
                call.guessedFrom().toString());
        assertTrue(call.last().reason().startsWith("caller answered which topic; routing on everything said "
                + "(billing 0.82)"), call.last().reason());
        assertTrue(call.planned().get(0).callerWords().contains("the bill"));
    }

    @Test
    void aCallerStillUnclearAfterTheQuestionIsRoutedNotAskedAgain() {
        Timeline call = new Timeline().guessing(words -> UNSURE)
                .answers("my router keeps dropping the connection every night").silence(1500)
                .answers("erm i'm not really sure to be honest").silence(1500)
                .answers("it just keeps happening").silence(6000);
        assertEquals(List.of("clarify", "route"), actions(call), call.decisions().toString());
    }

    @Test
    void aVentingCallerIsNeverAsked() {
        Timeline call = new Timeline().guessing(words -> UNSURE)
                .answers("this is absolutely ridiculous you useless lot my router has been broken for three weeks")
                .silence(2500).answers("okay fine go ahead").silence(2000);
        List<String> actions = actions(call);
        assertEquals("acknowledge", actions.get(0), call.decisions().toString());
        assertFalse(actions.contains("clarify"), actions.toString());
        assertEquals("route", actions.get(actions.size() - 1));
    }

    @Test
    void aCallerHeadedToDeEscalationOrAskingForSomethingIsNotAsked() {
        Timeline deEscalation = new Timeline().guessing(words -> new Handover.Guess("billing", "technical", 0.3,
                false)).answers("my router keeps dropping the connection every night").silence(1500);
        assertEquals(List.of("route"), actions(deEscalation), "the handover said not to ask");
        Timeline request = new Timeline().guessing(words -> UNSURE).answers("i'd like to cancel my contract please")
                .silence(1500);
        assertEquals(List.of("route"), actions(request), request.decisions().toString());
        assertTrue(request.last().reason().startsWith("calm request: cancel"), request.last().reason());
    }

    @Test
    void silenceAfterTheQuestionIsNeverDeadAir() {
        Timeline call = new Timeline().guessing(UNTIL_BILL)
                .answers("my router keeps dropping the connection every night").silence(20_000);
        assertEquals(List.of("clarify", "offer"), actions(call).stream().limit(2).toList(), call.decisions().toString());
        CallEvent.Decision clarify = call.spoken().get(0);
        CallEvent.Decision offer = call.spoken().get(1);
        long quiet = offer.atMs() - clarify.lineUntilMs();
        assertTrue(quiet >= Timeline.SETTINGS.promptAfterMs() && quiet <= DEAD_AIR_MS,
                "offered " + quiet + " ms after the question ended");
    }
}
