package com.calmline.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.json.Json;
import com.calmline.web.Pages;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ExcerptsTest {
    private static String line(String speaker, long startMs, String text) {
        return Json.write(Map.of("speaker", speaker, "startMs", startMs, "text", text));
    }

    /** The excerpt with its marked words in brackets, to compare as one string. */
    private static String shown(SupervisorViews.Excerpt e) {
        return e.pieces().stream().map(p -> p.marked() ? "{" + p.text() + "}" : p.text()).collect(Collectors.joining());
    }

    @Test
    void theTurnWithMostOfTheSearchedWordsIsShownWithEachMarkedWhereverItIs() {
        List<String> transcript = List.of(line("line", 0, "Thank you for calling."),
                line("caller", 12_000, "My Refund never came"),
                line("caller", 75_000, "I want my refund, the refund for the broken router"));
        SupervisorViews.Excerpt e = Excerpts.find(transcript, CallIndex.terms("refund router")).orElseThrow();
        assertEquals("caller", e.speaker());
        assertEquals("1:15", e.at());
        assertEquals("I want my {refund}, the {refund} for the broken {router}", shown(e));
    }

    @Test
    void onlyWholeWordsAreMarkedAndNeverATagStandingForSomethingPrivate() {
        String text = "my card [card] was carded and the cards were declined";
        assertEquals("my {card} [card] was carded and the cards were declined",
                shown(new SupervisorViews.Excerpt("caller", "0:00", Excerpts.pieces(text,
                        Excerpts.marks(text, CallIndex.terms("card"))))));
        assertTrue(Excerpts.find(List.of(line("caller", 0, "I read out [card] to you")), CallIndex.terms("card"))
                .isEmpty(), "a tag is not what the caller said");
    }

    @Test
    void aLongTurnIsCutAroundItsFirstMatch() {
        String text = "word ".repeat(100) + "refund " + "more ".repeat(100);
        String cut = shown(Excerpts.find(List.of(line("caller", 0, text)), CallIndex.terms("refund")).orElseThrow());
        assertTrue(cut.startsWith("… ") && cut.endsWith(" …"), cut);
        assertTrue(cut.contains("{refund}"), cut);
        assertTrue(cut.length() <= Excerpts.LONGEST + 6, cut.length() + ": " + cut);
    }

    @Test
    void theExcerptIsEscapedAndOnlyTheSearchedWordsAreMarkedUp() {
        String text = "<script>alert(1)</script> the refund & \"more\"";
        SupervisorViews.Excerpt e = Excerpts.find(List.of(line("agent", 0, text)), CallIndex.terms("refund"))
                .orElseThrow();
        String html = new Pages().render("supervisor/excerpt.jte", Map.of("excerpt", e));
        assertFalse(html.contains("<script>"), html);
        assertTrue(html.contains("&lt;script&gt;"), html);
        assertTrue(html.contains("<mark>refund</mark>"), html);
        assertEquals(1, html.split("<mark>", -1).length - 1, html);
    }
}
