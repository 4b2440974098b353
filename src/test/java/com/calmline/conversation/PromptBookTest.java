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
            String said = book.acknowledge(round, issue);
            assertTrue(said.toLowerCase().contains(issue), said);
            assertTrue(said.toLowerCase().matches(".*\\b(sorry|apologise)\\b.*"), said);
        }
        assertNotEquals(book.acknowledge(1, issue), book.acknowledge(2, issue), "wording varies across rounds");
    }

    @Test
    void anIssueThatOpensASentenceIsCapitalised() throws IOException {
        String said = PromptBook.load(PROMPTS).acknowledge(3, "you have been waiting three weeks");
        assertTrue(said.contains(". You have been waiting"), said);
    }

    @Test
    void withoutAnIssueThePromptsStillReadNaturally() throws IOException {
        PromptBook book = PromptBook.load(PROMPTS);
        assertTrue(book.acknowledge(1, "").contains(PromptBook.NO_ISSUE));
        assertFalse(book.route("").contains("{issue}"));
    }
}
