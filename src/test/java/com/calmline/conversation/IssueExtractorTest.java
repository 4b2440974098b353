package com.calmline.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class IssueExtractorTest {
    private final IssueExtractor issues = IssueExtractor.load();

    @Test
    void picksTheClauseThatNamesTheProblemAndTurnsItToTheSecondPerson() {
        assertEquals(Optional.of("you have been waiting three weeks for your refund"),
                issues.extract("hello i have been waiting three weeks for my refund this is my third call"));
    }

    @Test
    void splitsUnpunctuatedSpeechAtNewSubjects() {
        assertEquals(Optional.of("your internet connection keeps dropping every evening"),
                issues.extract("so my internet connection keeps dropping every evening it works fine during the day"));
    }

    @Test
    void dropsFillersAndDanglingWords() {
        assertEquals(Optional.of("you were charged twice on your bill"),
                issues.extract("well i was charged twice on my bill and"));
    }

    @Test
    void nothingThatNamesTheIssueGivesNothing() {
        assertTrue(issues.extract("hello yes hi i am calling because um").isEmpty());
    }

    @Test
    void keepsLongRantsToAPhraseThatCanBeSaidBack() {
        String issue = issues.extract("i have called and called and nobody is listening to me at all because my "
                + "package has been missing for two weeks now and the tracking still says it is on its way to me").orElseThrow();
        assertTrue(issue.split(" ").length <= 14, issue);
        assertTrue(issue.contains("package"), issue);
    }
}
