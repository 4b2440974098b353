package com.calmline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.calmline.speech.Transcriber;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecogniseCommandTest {
    private static CorpusCall.Sentence sentence(String text, long startMs, long endMs, boolean angry,
                                                List<String> requests, boolean accept) {
        return new CorpusCall.Sentence(text, startMs, endMs, 2000, false, angry, requests, accept, false, List.of());
    }

    private static final CorpusCall CALL = new CorpusCall("refund-late", "dev", Path.of("refund-late.ulaw"), "refund",
            List.of("refund"), "flite:kal", List.of(
            sentence("Where is my refund?", 500, 2000, true, List.of(), false),
            sentence("Just get me a manager.", 4000, 5500, true, List.of("person"), false),
            sentence("Okay, go ahead.", 8000, 9000, false, List.of(), true)), 12000);

    private static Transcriber.Word word(String w, long start, long end, double confidence) {
        return new Transcriber.Word(w, start, end, confidence);
    }

    @Test
    void eachWordGoesToTheSentenceItsMiddleFallsInAndOnlySureWordsAreSure() {
        List<String> rows = RecogniseCommand.rows(CALL, List.of(
                word("where", 520, 800, 1), word("is", 800, 900, 0.5), word("my", 900, 1000, 1),
                word("refund", 1000, 1900, 0.95),
                word("just", 3950, 4200, 1), word("get", 4200, 4400, 1), word("me", 4400, 4500, 1),
                word("a", 4500, 4550, 0.6), word("manager", 4550, 5500, 1),
                word("okay", 7950, 8300, 1), word("go", 8300, 8500, 0.3)));

        assertEquals(List.of(
                "refund-late\t0\trefund\tangry\tWhere is my refund?\twhere is my refund\twhere my refund",
                "refund-late\t1\trefund\tangry req=person\tJust get me a manager.\tjust get me a manager\tjust get me manager",
                "refund-late\t2\trefund\tcalm accept\tOkay, go ahead.\tokay go\tokay"), rows);
    }

    @Test
    void aSentenceNothingWasHeardOfHasEmptyColumns() {
        List<String> rows = RecogniseCommand.rows(CALL, List.of(word("manager", 4550, 5500, 1)));

        assertEquals("refund-late\t0\trefund\tangry\tWhere is my refund?\t\t", rows.get(0));
        assertEquals("refund-late\t2\trefund\tcalm accept\tOkay, go ahead.\t\t", rows.get(2));
    }
}
