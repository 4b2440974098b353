package com.calmline.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouterTest {
    private static final String TOPICS = """
            min-evidence: 2
            topic: billing
            3 bill
            2 charg*
            topic: technical
            3 router
            2 slow   # speed complaints
            """;

    @Test
    void aPhraseCountsOncePerTurnAndAStarMatchesWordEndings() {
        Taxonomy t = Taxonomy.parse(TOPICS, "test");
        Taxonomy.Topic billing = t.classify("you charged me and charged me again on my bill");
        assertEquals("billing", billing.name());
        assertEquals(Math.round(5.0 / 6 * 100) / 100.0, billing.confidence(), "(3 + 2) / (5 + 1): charged counts once");
        assertEquals("technical", t.classify("the router is so slow and my bill is fine").name());
    }

    @Test
    void tooLittleEvidenceIsOther() {
        Taxonomy t = Taxonomy.parse(TOPICS, "test");
        assertEquals("other", t.classify("hello there i have a question").name());
        assertEquals(1.0, t.classify("hello there").confidence());
        assertEquals(Set.of("billing", "technical", "other"), t.topics());
    }

    @Test
    void aBadTaxonomyLineSaysWhereItIs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Taxonomy.parse("topic: billing\nlots bill\n", "topics.txt"));
        assertTrue(e.getMessage().contains("topics.txt line 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Taxonomy.parse("3 bill\n", "topics.txt"));
    }

    @Test
    void theFirstMatchingQueueRowWinsSoAHighPeakGoesToDeEscalation() {
        QueueTable table = QueueTable.parse("""
                *        0.8  calm-down
                billing  0    billing
                *        0    support
                """, "queues.txt", Set.of("billing", "technical", "other"));
        assertEquals("calm-down", table.choose("billing", 0.85).queue());
        assertEquals("billing", table.choose("billing", 0.79).queue());
        assertEquals("support", table.choose("technical", 0.2).queue());
    }

    @Test
    void aQueueTableMustNameKnownTopicsAndCatchEveryone() {
        Set<String> topics = Set.of("billing", "other");
        assertThrows(IllegalArgumentException.class, () -> QueueTable.parse("bills 0 billing\n* 0 support\n", "q",
                topics));
        assertThrows(IllegalArgumentException.class, () -> QueueTable.parse("billing 1.5 x\n* 0 support\n", "q",
                topics));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QueueTable.parse("billing 0 billing\n", "q", topics));
        assertTrue(e.getMessage().contains("* 0 QUEUE"), e.getMessage());
    }

    @Test
    void theShippedTablesRouteEachTopicToItsQueueAndAngryCallersToDeEscalation(@TempDir Path empty) throws Exception {
        Router router = Router.load(empty);
        assertEquals(Set.of("billing", "refund", "technical", "delivery", "cancellation", "account", "other"),
                router.topics());
        Router.Route billing = router.route("you charged me twice on my bill this month", 0.2);
        assertEquals("billing", billing.queue());
        assertEquals("billing", billing.topic());
        Router.Route angry = router.route("you charged me twice on my bill this month", 0.9);
        assertEquals("deescalation", angry.queue());
        assertEquals("billing", angry.topic(), "the topic still travels with a de-escalated caller");
        assertTrue(angry.reason().contains("0.90"), angry.reason());
        assertEquals("tech-support", router.route("my broadband keeps dropping out", 0).queue());
        assertEquals("support", router.route("", 0).queue());
    }

    @Test
    void filesInRoutingDirReplaceTheShippedOnes(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("topics.txt"), TOPICS);
        Files.writeString(dir.resolve("queues.txt"), "technical 0 fixers\n* 0 front-desk\n");
        Router router = Router.load(dir);
        assertEquals("fixers", router.route("my router", 0).queue());
        assertEquals("front-desk", router.route("my bill", 0).queue());
    }
}
