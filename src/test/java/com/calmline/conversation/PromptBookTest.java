package com.calmline.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    private static PromptBook.Understood issue(String issue) {
        return new PromptBook.Understood(Optional.of(issue), Optional.empty());
    }

    @Test
    void everyAcknowledgementApologisesAndRepeatsTheIssue() throws IOException {
        PromptBook book = PromptBook.load(PROMPTS);
        String issue = "you have been waiting three weeks for your refund";
        for (int round = 1; round <= 3; round++) {
            PromptBook.Said said = book.acknowledge(round, issue(issue), false);
            assertTrue(said.text().toLowerCase().contains(issue), said.text());
            assertEquals(issue, said.saidBack());
            assertTrue(said.text().toLowerCase().matches(".*\\b(sorry|apologise)\\b.*"), said.text());
        }
        assertNotEquals(book.acknowledge(1, issue(issue), false), book.acknowledge(2, issue(issue), false),
                "wording varies across rounds");
    }

    @Test
    void anOutburstIsAcknowledgedAsAFeelingInASentenceOfItsOwn() throws IOException {
        PromptBook book = PromptBook.load(PROMPTS);
        String issue = "your broadband has been down since Monday";
        for (int round = 1; round <= 3; round++) {
            String withFeeling = book.acknowledge(round, issue(issue), true).text();
            String without = book.acknowledge(round, issue(issue), false).text();
            assertTrue(withFeeling.matches(".*\\b(frustrating|upsetting|upset|exhausting)\\b.*"), withFeeling);
            assertFalse(without.matches(".*\\b(frustrating|upsetting|exhausting)\\b.*"), without);
            assertTrue(withFeeling.contains(issue + "."), "the issue ends its own sentence: " + withFeeling);
        }
    }

    @Test
    void aSentenceStartIsCapitalisedAndNoPlaceholderOrDoubleSpaceIsLeft() throws IOException {
        PromptBook book = PromptBook.load(PROMPTS);
        String said = book.acknowledge(1, issue("your router keeps dropping"), true).text();
        assertTrue(Character.isUpperCase(said.charAt(0)), said);
        for (String s : List.of(said, book.ask(Optional.of("your monthly bill")).text(),
                book.route(PromptBook.Understood.NOTHING).text(), book.confirm(issue("we charged you twice")).text(),
                book.request(new Request(Request.Kind.CANCEL, "your gym membership")).text(),
                book.request(new Request(Request.Kind.CHANGE_DETAILS, "")).text(), book.unclear().text(),
                book.offer().text(), book.quietStart().text(),
                book.person(new PromptBook.Understood(Optional.empty(), Optional.of("your router"))).text())) {
            assertFalse(s.contains("{") || s.contains("  ") || s.contains(" ."), s);
        }
    }

    @Test
    void whatWasUnderstoodOnlyInPartIsSaidBackAsFarAsItWasUnderstood() throws IOException {
        PromptBook book = PromptBook.load(PROMPTS);
        PromptBook.Understood thing = new PromptBook.Understood(Optional.empty(), Optional.of("your refund"));
        for (int round = 1; round <= 3; round++) {
            PromptBook.Said said = book.acknowledge(round, thing, false);
            assertTrue(said.text().contains("the trouble with your refund"), said.text());
            assertEquals("your refund", said.saidBack());
            PromptBook.Said nothing = book.acknowledge(round, PromptBook.Understood.NOTHING, false);
            assertTrue(nothing.text().matches(".*\\b(sorry|apologise)\\b.*"), nothing.text());
            assertEquals("", nothing.saidBack());
        }
        for (PromptBook.Said said : List.of(book.route(thing), book.confirm(thing), book.person(thing))) {
            assertTrue(said.text().contains("your refund"), said.text());
            assertEquals("your refund", said.saidBack());
        }
        for (PromptBook.Said said : List.of(book.route(PromptBook.Understood.NOTHING),
                book.confirm(PromptBook.Understood.NOTHING), book.person(PromptBook.Understood.NOTHING))) {
            assertEquals("", said.saidBack(), said.text());
        }
    }

    @Test
    void aTemplateWhoseLastLineNeedsWhatTheLineMayNotHaveIsRefusedAtStart(@TempDir Path dir) throws IOException {
        try (Stream<Path> files = Files.list(PROMPTS)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".txt")).toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Files.writeString(dir.resolve("route.txt"), "They will already know that {issue}.");
        IOException e = assertThrows(IOException.class, () -> PromptBook.load(dir));
        assertTrue(e.getMessage().contains("route.txt"), e.getMessage());
    }

    @Test
    void aRequestIsConfirmedInPlainWordsWithoutAnApology() throws IOException {
        PromptBook book = PromptBook.load(PROMPTS);
        for (Request.Kind kind : Request.Kind.values()) {
            String said = book.request(new Request(kind, "your gym membership")).text().toLowerCase();
            assertFalse(said.matches(".*\\b(sorry|apologise|frustrat\\w*|upset)\\b.*"), said);
        }
        assertTrue(book.request(new Request(Request.Kind.CANCEL, "your gym membership")).text()
                .contains("cancel your gym membership"));
        assertTrue(book.ask(Optional.of("your monthly bill")).text().endsWith("your monthly bill?"));
        PromptBook.Said unsure = book.ask(Optional.empty());
        assertTrue(unsure.text().startsWith("Of course.") && unsure.text().endsWith("?"), unsure.text());
        assertEquals("", unsure.saidBack(), "a topic not heard surely is not named");
    }
}
