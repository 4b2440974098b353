package com.calmline.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuggestionsTest {
    @Test
    void theOpeningNamesTheProblemAndDoesNotRepeatTheLinesApologyToAnUpsetCaller(@TempDir Path empty) {
        Suggestions s = new Suggestions(empty);
        String upset = s.opening("billing", "we charged you twice this month", true);
        String calm = s.opening("billing", "we charged you twice this month", false);
        assertTrue(upset.contains("we charged you twice this month"), upset);
        assertTrue(calm.contains("we charged you twice this month"), calm);
        assertFalse(upset.toLowerCase().contains("sorry"), "the line already apologised: " + upset);
        assertFalse(upset.equals(calm));
    }

    @Test
    void withoutAnIssueTheOpeningFallsBackToTheTopic(@TempDir Path empty) {
        String opening = new Suggestions(empty).opening("delivery", "", false);
        assertTrue(opening.contains("your order"), opening);
        assertFalse(opening.contains("{issue}"), opening);
    }

    @Test
    void resolutionsComeFromTheTopicsFileInPositiveLanguage(@TempDir Path empty) {
        List<String> refund = new Suggestions(empty).resolutions("refund");
        assertTrue(refund.contains("It looks like this is outside the return window, but let me see what I can do for you."),
                refund.toString());
        for (String line : refund) {
            assertFalse(line.toLowerCase().matches(".*\\b(can't|cannot|unfortunately|too late)\\b.*"), line);
        }
        assertEquals(new Suggestions(empty).resolutions("other"), new Suggestions(empty).resolutions("no-such-topic"));
    }

    @Test
    void anEditInPromptsDirWinsOverTheJarsCopy(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("agent"));
        Files.writeString(dir.resolve("agent/billing.txt"), "# ours\nOffer the loyalty discount.\n\n");
        assertEquals(List.of("Offer the loyalty discount."), new Suggestions(dir).resolutions("billing"));
    }
}
