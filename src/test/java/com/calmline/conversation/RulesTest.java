package com.calmline.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.emotion.AngerMeter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The rules on scripted turns: what was read in each, and how angry it sounded. */
class RulesTest {
    private static final VentingPolicy.Settings SETTINGS = new VentingPolicy.Settings(1000, 1500, 3, 120, 0.5, 0.35, 2500, 6000);
    private Rules rules;

    @BeforeEach
    void setUp() throws IOException {
        rules = new Rules(SETTINGS, PromptBook.load(Path.of("prompts")));
    }

    /** A topic the line is sure of: routing goes on as if it were not in question. */
    private static final Handover.Guess SURE = new Handover.Guess("billing", "refund", 0.9, false);
    private static final Handover.Guess UNSURE = new Handover.Guess("billing", "technical", 0.3, true);

    private Move decide(TurnReader.Reading turn, Rules.Anger anger) {
        return rules.decide(turn, anger, SURE);
    }

    private static TurnReader.Reading complaint(String issue) {
        return new TurnReader.Reading(Optional.of(issue), Optional.of(issue), 3, Optional.empty(), List.of(), Optional.empty(), false,
                true, Optional.empty(), false);
    }

    private static TurnReader.Reading outburst(String issue, String feeling) {
        return new TurnReader.Reading(Optional.of(issue), Optional.of(issue), 3, Optional.of(feeling), List.of(), Optional.empty(), false,
                true, Optional.empty(), false);
    }

    private static TurnReader.Reading nothingClear() {
        return new TurnReader.Reading(Optional.empty(), Optional.empty(), 0, Optional.empty(), List.of(), Optional.empty(), false,
                false, Optional.empty(), false);
    }

    private static TurnReader.Reading topicOnly(String topic) {
        return new TurnReader.Reading(Optional.empty(), Optional.empty(), 0, Optional.empty(), List.of(), Optional.of(topic), true,
                false, Optional.empty(), false);
    }

    private static TurnReader.Reading accepting(String cue) {
        return new TurnReader.Reading(Optional.empty(), Optional.empty(), 0, Optional.empty(), List.of(), Optional.empty(), false,
                false, Optional.of(cue), false);
    }

    private static TurnReader.Reading asking(Request request) {
        return new TurnReader.Reading(Optional.empty(), Optional.empty(), 0, Optional.empty(), List.of(request), Optional.empty(), false,
                false, Optional.empty(), false);
    }

    private static Rules.Anger anger(double turn, AngerMeter.Level smoothed, AngerMeter.Trend trend) {
        AngerMeter.Level level = turn >= 0.5 ? AngerMeter.Level.ANGRY : turn >= 0.3 ? AngerMeter.Level.ANNOYED
                : AngerMeter.Level.CALM;
        return new Rules.Anger(turn, level, smoothed, trend, 10);
    }

    private static final Rules.Anger CALM = anger(0.1, AngerMeter.Level.CALM, AngerMeter.Trend.STEADY);
    private static final Rules.Anger ANGRY = anger(0.9, AngerMeter.Level.ANGRY, AngerMeter.Trend.STEADY);

    private Move heard(Move move) {
        rules.delivered(move);
        return move;
    }

    @Test
    void aCalmCallerWithAClearIssueIsRoutedAtOnceWithoutAnApology() {
        Move move = decide(complaint("we charged you twice this month"), CALM);
        assertEquals(Move.Action.ROUTE, move.action());
        assertTrue(move.say().contains("So we charged you twice this month."), move.say());
        assertFalse(move.say().toLowerCase().contains("sorry"), move.say());
    }

    @Test
    void aVentingCallerIsAcknowledgedWithTheComplaintAndTheFeelingApart() {
        Move move = decide(outburst("your broadband has been down since Monday",
                "this is absolutely ridiculous"), ANGRY);
        assertEquals(Move.Action.ACKNOWLEDGE, move.action());
        assertTrue(move.say().contains("your broadband has been down since Monday."), move.say());
        assertTrue(move.say().contains("I can hear how frustrating this has been."), move.say());
        assertFalse(move.say().contains("ridiculous"), move.say());
        assertTrue(rules.venting());
    }

    @Test
    void afterAnAcknowledgementATurnWithoutAngerWordsIsNotYetEvidenceOfCalming() {
        heard(decide(complaint("your refund has not arrived"), ANGRY));
        Move next = decide(nothingClear(), anger(0.2, AngerMeter.Level.ANNOYED, AngerMeter.Trend.CALMING));
        assertEquals(Move.Action.ACKNOWLEDGE, next.action(), next.reason());
    }

    @Test
    void afterAnAcknowledgementThanksRoute() {
        heard(decide(complaint("your refund has not arrived"), ANGRY));
        Move thanked = decide(accepting("thank you"), anger(0.2, AngerMeter.Level.ANNOYED,
                AngerMeter.Trend.CALMING));
        assertEquals(Move.Action.ROUTE, thanked.action());
        assertTrue(thanked.reason().contains("accepted") && thanked.reason().contains("thank you"), thanked.reason());
    }

    @Test
    void afterAnAcknowledgementAcceptanceRoutesEvenWhileTheSmoothedAngerIsStillHigh() {
        heard(decide(complaint("your parcel never arrived"), ANGRY));
        Move accepted = decide(accepting("by friday"), ANGRY);
        assertEquals(Move.Action.ROUTE, accepted.action(), accepted.reason());
        assertTrue(accepted.reason().contains("\"by friday\""), accepted.reason());
    }

    @Test
    void acceptanceBeforeAnyAcknowledgementIsNotClosure() {
        Move move = decide(accepting("okay"), CALM);
        assertEquals(Move.Action.WAIT, move.action(), move.reason());
    }

    @Test
    void anAnnoyedTurnIsNotCalmingEvenWhenTheSmoothedAngerIsCalm() {
        heard(decide(complaint("your refund has not arrived"), ANGRY));
        Move annoyed = decide(nothingClear(), anger(0.32, AngerMeter.Level.CALM, AngerMeter.Trend.STEADY));
        assertEquals(Move.Action.ACKNOWLEDGE, annoyed.action(), "the turn's own tone counts: " + annoyed.reason());
        Move calm = decide(nothingClear(), anger(0.1, AngerMeter.Level.CALM, AngerMeter.Trend.STEADY));
        assertEquals(Move.Action.ROUTE, calm.action(), calm.reason());
    }

    @Test
    void afterAnAcknowledgementAngerFallenOverTheCallRoutes() {
        heard(decide(complaint("your refund has not arrived"), ANGRY));
        Move fallen = decide(nothingClear(), anger(0.1, AngerMeter.Level.CALM, AngerMeter.Trend.CALMING));
        assertEquals(Move.Action.ROUTE, fallen.action());
        assertTrue(fallen.say().contains("your refund has not arrived"), "the agent hand-off names the issue");
        assertEquals("your refund has not arrived", fallen.saidBack());
    }

    @Test
    void anAnnoyedCallerIsNotVenting() {
        Move annoyed = decide(complaint("your parcel is late"), anger(0.45, AngerMeter.Level.CALM,
                AngerMeter.Trend.STEADY));
        assertEquals(Move.Action.ROUTE, annoyed.action());
    }

    @Test
    void ventingEndsOnlyBelowTheLowerThreshold() {
        heard(decide(complaint("your parcel is late"), ANGRY));
        decide(nothingClear(), anger(0.4, AngerMeter.Level.ANNOYED, AngerMeter.Trend.CALMING));
        assertTrue(rules.venting(), "0.4 is above the calm threshold: still venting");
        decide(nothingClear(), anger(0.3, AngerMeter.Level.ANNOYED, AngerMeter.Trend.CALMING));
        assertFalse(rules.venting());
    }

    @Test
    void afterMaxRoundsTheCallerIsHandedOver() {
        for (int i = 0; i < SETTINGS.maxRounds(); i++) {
            assertEquals(Move.Action.ACKNOWLEDGE, heard(decide(complaint("your boiler is broken"), ANGRY)).action());
        }
        Move last = decide(complaint("your boiler is broken"), ANGRY);
        assertEquals(Move.Action.ROUTE, last.action());
        assertTrue(last.reason().startsWith("acknowledged 3 times"), last.reason());
    }

    @Test
    void aTopicOnlyFirstTurnGetsOneOpenQuestionThenTheProblemIsRouted() {
        Move ask = heard(decide(topicOnly("your monthly bill"), CALM));
        assertEquals(Move.Action.ASK, ask.action());
        assertEquals("Of course. What's happening with your monthly bill?", ask.say());
        Move route = decide(complaint("we charged you twice this month"), CALM);
        assertEquals(Move.Action.ROUTE, route.action());
        assertTrue(route.say().contains("we charged you twice this month"), route.say());
        assertEquals("we charged you twice this month", rules.issue());
        assertEquals(1, rules.questions());
    }

    @Test
    void aSecondTopicOnlyTurnIsRoutedRatherThanAskedAgain() {
        heard(decide(topicOnly("your order"), CALM));
        assertEquals(Move.Action.ROUTE, decide(topicOnly("your order"), CALM).action());
    }

    @Test
    void aCalmRequestIsConfirmedAsARequest() {
        Move move = decide(asking(new Request(Request.Kind.CANCEL, "your gym membership")),
                anger(0.35, AngerMeter.Level.CALM, AngerMeter.Trend.STEADY));
        assertEquals(Move.Action.ROUTE, move.action());
        assertTrue(move.say().contains("cancel your gym membership"), move.say());
        assertFalse(move.say().toLowerCase().matches(".*\\b(sorry|frustrating)\\b.*"), move.say());
        assertEquals("cancel", rules.request());
    }

    @Test
    void aRouteTheCallerCutIntoIsMadeAtTheirNextPauseWhateverTheySaid() {
        Move route = heard(decide(complaint("your internet cuts out every night"), CALM));
        rules.interrupted(route);
        assertTrue(rules.holdsRoute());
        Move again = decide(nothingClear(), CALM);
        assertEquals(Move.Action.ROUTE, again.action());
        assertEquals(route.say(), again.say());
        heard(again);
        assertFalse(rules.holdsRoute());
    }

    @Test
    void askingForAPersonRoutesEvenWhileVenting() {
        heard(decide(complaint("your internet cuts out"), ANGRY));
        Move move = decide(asking(new Request(Request.Kind.PERSON, "")), ANGRY);
        assertEquals(Move.Action.ROUTE, move.action());
        assertTrue(move.reason().startsWith("caller asked for a person"));
    }
}
