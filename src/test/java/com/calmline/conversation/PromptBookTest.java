package com.calmline.conversation;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The prompts follow the house style for upset callers; this checks the shipped templates. */
class PromptBookTest {
    private static final Path PROMPTS = Path.of("prompts");
    private static final List<String> NEGATIVE = List.of("unfortunately", "calm down", "policy", "too late",
            "can't", "cannot", "nothing we can", "you should have", "as i said", "you need to");

    @Test
    void noTemplateUsesNegativeOrBlamingLanguage() throws IOException {
        try (Stream<Path> files = Files.list(PROMPTS)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".txt")).toList()) {
                String text = Files.readString(f).toLowerCase();
                for (String phrase : NEGATIVE) {
                    assertFalse(text.contains(phrase), f + " says '" + phrase + "'");
                }
            }
        }
    }

    @Test
    void everyAcknowledgementApologisesAndRepeatsTheIssue() throws IOException {
        PromptBook book = PromptBook.load(PROMPTS);
        String issue = "you have been waiting three weeks for your refund";
        for (int round = 1; round <= 3; round++) {
            String said = book.acknowledge(round, issue, false);
            assertTrue(said.toLowerCase().contains(issue), said);
            assertTrue(said.toLowerCase().matches(".*\\b(sorry|apologise)\\b.*"), said);
        }
        assertNotEquals(book.acknowledge(1, issue, false), book.acknowledge(2, issue, false),
                "wording varies across rounds");
    }

    @Test
    void anOutburstIsAcknowledgedAsAFeelingInASentenceOfItsOwn() throws IOException {
        PromptBook book = PromptBook.load(PROMPTS);
        String issue = "your broadband has been down since Monday";
        for (int round = 1; round <= 3; round++) {
            String withFeeling = book.acknowledge(round, issue, true);
            String without = book.acknowledge(round, issue, false);
            assertTrue(withFeeling.matches(".*\\b(frustrating|upsetting|upset|exhausting)\\b.*"), withFeeling);
            assertFalse(without.matches(".*\\b(frustrating|upsetting|exhausting)\\b.*"), without);
            assertTrue(withFeeling.contains(issue + "."), "the issue ends its own sentence: " + withFeeling);
        }
    }

    @Test
    void aSentenceStartIsCapitalisedAndNoPlaceholderOrDoubleSpaceIsLeft() throws IOException {
        PromptBook book = PromptBook.load(PROMPTS);
        String said = book.acknowledge(1, "your router keeps dropping", true);
        assertTrue(Character.isUpperCase(said.charAt(0)), said);
        for (String s : List.of(said, book.ask("your monthly bill"), book.route(""), book.confirm("we charged you twice"),
                book.request(new Request(Request.Kind.CANCEL, "your gym membership")),
                book.request(new Request(Request.Kind.CHANGE_DETAILS, "")))) {
            assertFalse(s.contains("{") || s.contains("  ") || s.contains(" ."), s);
        }
    }

    @Test
    void withoutAnIssueThePromptsStillReadNaturally() throws IOException {
        PromptBook book = PromptBook.load(PROMPTS);
        assertTrue(book.acknowledge(1, "", false).contains(PromptBook.NO_ISSUE));
        assertFalse(book.route("").contains("{issue}"));
    }

    @Test
    void aRequestIsConfirmedInPlainWordsWithoutAnApology() throws IOException {
        PromptBook book = PromptBook.load(PROMPTS);
        for (Request.Kind kind : Request.Kind.values()) {
            String said = book.request(new Request(kind, "your gym membership")).toLowerCase();
            assertFalse(said.matches(".*\\b(sorry|apologise|frustrat\\w*|upset)\\b.*"), said);
        }
        assertTrue(book.request(new Request(Request.Kind.CANCEL, "your gym membership"))
                .contains("cancel your gym membership"));
        assertTrue(book.ask("your monthly bill").endsWith("your monthly bill?"));
    }
}
