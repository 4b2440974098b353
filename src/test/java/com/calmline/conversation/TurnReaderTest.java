package com.calmline.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.emotion.AngerMeter;
import com.calmline.speech.Transcriber;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Turns read as a good agent hears them; each utterance is written as the recogniser gives it. */
class TurnReaderTest {
    private final TurnReader reader = TurnReader.load(AngerMeter.load());

    /** Utterances as Vosk would give them, 300 ms apart, every word heard with full confidence. */
    static List<Transcriber.Utterance> said(String... utterances) {
        List<Transcriber.Utterance> turn = new ArrayList<>();
        long t = 0;
        for (String text : utterances) {
            List<Transcriber.Word> words = new ArrayList<>();
            for (String w : text.split(" ")) {
                double confidence = 1.0;
                if (w.startsWith("?")) {
                    w = w.substring(1);
                    confidence = 0.3;
                }
                words.add(new Transcriber.Word(w, t, t + 250, confidence));
                t += 260;
            }
            turn.add(new Transcriber.Utterance("CA1", "inbound", text.replace("?", ""), words.get(0).startMs(),
                    t, t + 400, words, new Transcriber.Voice(-20, 120, 2)));
            t += 800;
        }
        return turn;
    }

    private TurnReader.Reading read(String... utterances) {
        return reader.read(said(utterances), Optional.empty());
    }

    @Test
    void theOutburstIsTheFeelingAndTheComplaintIsTheIssue() {
        TurnReader.Reading r = read("this is absolutely ridiculous", "my broadband has been down since monday");
        assertEquals(Optional.of("your broadband has been down since Monday"), r.issue());
        assertEquals(Optional.of("this is absolutely ridiculous"), r.feeling());
    }

    @Test
    void anOutburstRunIntoTheComplaintWithoutAPauseIsStillSeparated() {
        TurnReader.Reading r = read("honestly this is a joke my phone has had no signal since tuesday");
        assertEquals(Optional.of("your phone has had no signal since Tuesday"), r.issue());
        assertTrue(r.feeling().orElseThrow().contains("joke"), r.toString());
    }

    @Test
    void anEvaluationOfTheServiceIsAnOutburstNotTheIssue() {
        TurnReader.Reading r = read("your service is a disgrace", "the engineer never turned up on friday");
        assertEquals(Optional.of("the engineer never turned up on Friday"), r.issue());
        assertTrue(r.feeling().orElseThrow().contains("disgrace"));
    }

    @Test
    void theComplaintIsSaidBackApartFromHowTiredTheCallerIs() {
        TurnReader.Reading r = read("i am so tired of this", "my refund is three weeks late");
        assertEquals(Optional.of("your refund is three weeks late"), r.issue());
        assertEquals(Optional.of("i am so tired of this"), r.feeling());
    }

    @Test
    void aDemandWithoutAProblemIsSaidBackOnlyByWhatItIsAbout() {
        TurnReader.Reading r = read("i want my money back this week");
        assertTrue(r.issue().isEmpty(), r.toString());
        assertEquals(Optional.of("your money"), r.topic());
    }

    @Test
    void aClauseHeardOnlyInPartGivesWayToOneHeardWhole() {
        TurnReader.Reading r = read("my bill is wrong again", "i will ?cancelled my account");
        assertEquals(Optional.of("your bill is wrong again"), r.issue());
    }

    @Test
    void theCompanysYouBecomesWeAndTheCallersIBecomesYou() {
        TurnReader.Reading charged = read("it looks like you charged me twice this month");
        assertEquals(Optional.of("we charged you twice this month"), charged.issue());
        assertEquals(Optional.of("you charged me twice this month"), charged.problem(),
                "the agent reads the caller's own words, the hedge left out");
        TurnReader.Reading hole = read("your engineer left a hole in my wall");
        assertTrue(hole.issue().isEmpty(), "hole and wall are outside the vocabulary of a problem: " + hole);
        assertEquals(Optional.of("our engineer"), hole.topic());
        assertEquals(Optional.of("you were charged twice for your broadband"),
                read("i was charged twice for my broadband").issue());
        assertEquals(Optional.of("you paid us for a repair that never happened"),
                read("i paid you for a repair that never happened").issue());
    }

    @Test
    void aLeadingItNamesTheTopicSaidBefore() {
        TurnReader.Reading r = read("this is the fourth time i am calling about my internet",
                "it cuts out every single night");
        assertEquals(Optional.of("your internet cuts out every single night"), r.issue());
    }

    @Test
    void profanityAndInsultsAreNeverSaidBack() {
        String issue = read("your useless bloody app keeps logging me out").issue().orElseThrow();
        assertEquals("our app keeps logging you out", issue);
    }

    @Test
    void aTopicWithoutAProblemIsTopicOnly() {
        TurnReader.Reading r = read("hi i have a question about my monthly bill");
        assertTrue(r.topicOnly(), r.toString());
        assertEquals(Optional.of("your monthly bill"), r.topic());
        assertTrue(r.issue().isEmpty());
        assertFalse(read("i am calling about my order it arrived empty").topicOnly());
    }

    @Test
    void wordsTheRecogniserWasUnsureOfAreNotSaidBack() {
        TurnReader.Reading r = read("i'm ?filming about my broadband contract");
        assertFalse(r.issue().orElse("").contains("filming"), r.toString());
        assertTrue(r.topicOnly(), "without the unsure word it is a call about a topic: " + r);
        assertEquals(Optional.of("your broadband contract"), r.topic());
        TurnReader.Reading gapped = read("my router ?blinked keeps dropping the connection");
        assertTrue(gapped.issue().isEmpty(), "a clause with an unsure word is not said back whole: " + gapped);
        assertEquals(Optional.of("your router"), gapped.topic(), "what it is about still is");
        assertEquals(Optional.of("we charged you twice this month"),
                read("it ?might like you charged me twice this month").issue(), "an unsure hedge still ends a clause");
    }

    @Test
    void requestsAreRecognisedWithWhatTheyAreAbout() {
        assertEquals(Optional.of(new Request(Request.Kind.CANCEL, "your membership")),
                read("hello i would like to cancel my gym membership please").request(),
                "gym is outside the vocabulary the line says back");
        assertEquals(Request.Kind.CALLBACK, read("could someone call me back this afternoon").request()
                .orElseThrow().kind());
        assertEquals(Request.Kind.PAY, read("i'd like to pay my bill").request().orElseThrow().kind());
        assertEquals(Optional.of(new Request(Request.Kind.CHANGE_DETAILS, "your address")),
                read("can i update my address please").request());
        assertEquals(Request.Kind.PERSON, read("let me speak to a real person now").request().orElseThrow().kind());
        assertTrue(read("fix it or i will cancel my account").request().isEmpty(), "a threat is not a request");
    }

    @Test
    void aPersonRequestIsHeardEvenWhenTheRecogniserWasUnsureOfItsWords() {
        TurnReader.Reading r = read("i want to ?speak to an ?m ?b ?l ?r ?g ?h more ?simple");
        assertEquals(Optional.of(new Request(Request.Kind.PERSON, "")), r.request());
        assertTrue(read("i ?spoke to an ?m ?b ?l more ?simple").request().isEmpty(), "past tense is not a request");
    }

    @Test
    void aWordHeardTwiceInARowIsSaidBackOnce() {
        assertEquals(Optional.of("you cannot log into your online account"),
                read("i i cannot log into my online account").issue());
    }

    @Test
    void acceptanceAndAskingForHelpAreHeard() {
        assertEquals(Optional.of("thank you"), read("okay thank you").accepted());
        assertEquals(Optional.of("go ahead"), read("right okay go ahead then").accepted());
        assertEquals(Optional.of("by friday"), read("fine as long as it's done by friday").accepted());
        assertEquals(Optional.of("fine"), read("fine").accepted());
        assertTrue(read("thanks for nothing").accepted().isEmpty());
        assertTrue(read("okay thanks but my router is still broken").accepted().isEmpty(),
                "a complaint after the thanks is not acceptance");
        assertTrue(read("i just want this fixed").wantsHelp());
    }

    @Test
    void aClauseWithoutAVerbIsNeverSaidBackAsOne() {
        TurnReader.Reading r = read("my internet down since monday");
        assertTrue(r.issue().isEmpty(), "\"your internet down since Monday\" is no sentence: " + r);
        assertEquals(Optional.of("your internet"), r.topic());
    }

    @Test
    void anItThatNamesNothingIsNeverSaidBack() {
        assertTrue(read("it keeps cutting out every night").issue().isEmpty());
        assertEquals(Optional.of("your router keeps cutting out every night"),
                reader.read(said("it keeps cutting out every night"), Optional.of("your router")).issue());
    }

    @Test
    void aGarbledUtteranceGivesNothingWholeEvenWhereItsWordsWereSure() {
        TurnReader.Reading r = read("?so ?the ?far ?ball my router has been broken for a week");
        assertTrue(r.issue().isEmpty(), r.toString());
    }

    @Test
    void aSurelyHeardWordOutsideTheVocabularyOfAProblemKeepsTheClauseFromBeingSaidBack() {
        TurnReader.Reading r = read("my router has been broken since the flamingo");
        assertTrue(r.issue().isEmpty(), r.toString());
        assertEquals(Optional.of("your router"), r.topic());
    }

    @Test
    void aRequestIsHeardFromWordsTheRecogniserWasUnsureOf() {
        assertEquals(Request.Kind.CALLBACK, read("can you ?call me ?back").request().orElseThrow().kind());
        assertEquals(Request.Kind.CANCEL, read("i'd like to ?cancel my account").request().orElseThrow().kind());
    }
}
