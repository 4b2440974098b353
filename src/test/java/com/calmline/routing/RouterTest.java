package com.calmline.routing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouterTest {
    /**
     * A hand-made model: "bill" says billing and "router" technical, surely; "thing" could be any of four topics,
     * billing a little likelier than technical; nothing known leans to other.
     */
    static final String MODEL = """
            # a hand-made model for the tests
            topics\tbilling\ttechnical\tdelivery\taccount\tother
            bias\t0\t0\t0\t0\t0.5
            w:bill\t6\t0\t0\t0\t0
            w:router\t0\t6\t0\t0\t0
            w:thing\t2\t1.9\t1.8\t1.7\t0
            """;

    @Test
    void theTokeniserDropsPossessivesJoinsSplitCompoundsAndMarksNegation() {
        assertEquals(List.of("the", "hub", "light", "is", "red"), Features.tokens("The hub's light is red"));
        assertEquals(List.of("my", "broadband", "and", "login", "and", "password", "and", "login"),
                Features.tokens("my broad band and log in and pass word and sign in"));
        assertEquals(List.of("it's", "down"), Features.tokens("it's down"), "a contraction is no possessive");
        assertEquals(List.of("i'm", "not", "not_cancelling", "not_it", "just", "asking"),
                Features.tokens("i'm not cancelling it just asking"));
        Set<String> features = Features.of("i'm not cancelling it");
        assertTrue(features.contains("w:not_cancelling"), features.toString());
        assertFalse(features.contains("w:cancelling"), features.toString());
        assertFalse(features.stream().anyMatch(f -> f.startsWith("c:") && f.contains("canc")),
                "no character n-gram of a negated word: " + features);
        assertTrue(Features.of("refun").contains("c:<ref"), "a half-heard word shares n-grams with the word");
    }

    @Test
    void theShippedModelIsWhatTheFitGivesOnTheCommittedTrainingData(@TempDir Path empty) throws Exception {
        String shipped = Files.readString(Path.of("routing", Router.MODEL));
        Matcher command = Pattern.compile("topics --fit (.+)").matcher(shipped);
        assertTrue(command.find(), "the shipped model names the files it was fitted to");
        List<Router.Example> set = Router.examples(Arrays.stream(command.group(1).strip().split(" "))
                .map(Path::of).toList());
        Router router = Router.load(empty);
        TopicModel refit = TopicModel.parse(router.fit(set, "test"), "refit");
        TopicModel model = TopicModel.parse(shipped, Router.MODEL);
        assertEquals(model.topicList(), refit.topicList());
        assertEquals(model.weights().keySet(), refit.weights().keySet());
        assertArrayEquals(model.bias(), refit.bias(), 1e-4);
        model.weights().forEach((f, w) -> assertArrayEquals(w, refit.weights().get(f), 1e-4, f));
    }

    @Test
    void aSureTopicGoesToItsQueueAndAnUnsureOneToOthersWithTheTwoLikeliest(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(Router.MODEL), MODEL);
        Files.writeString(dir.resolve("queues.txt"), "* 0.75 calm-down\nbilling 0 billing\ntechnical 0 fixers\n"
                + "other 0 front-desk\n* 0 front-desk\n");
        Router router = Router.load(dir);
        Router.Route sure = router.route("my bill", 0.1);
        assertEquals("billing", sure.queue());
        assertEquals("billing", sure.topic());
        assertTrue(sure.confidence() >= Router.ASK_BELOW, sure.toString());
        Router.Topic unsure = router.classify("my thing");
        assertFalse(unsure.sure(), unsure.toString());
        assertEquals(List.of("billing", "technical"), List.of(unsure.name(), unsure.second()));
        Router.Route unclear = router.route("my thing", 0.1);
        assertEquals("front-desk", unclear.queue(), "not a guess: where the table sends other");
        assertEquals("other", unclear.topic());
        assertEquals(List.of("billing", "technical"), unclear.likeliest());
        assertTrue(unclear.reason().startsWith("topic unclear: "), unclear.reason());
        assertEquals("calm-down", router.route("my bill", 0.8).queue());
        assertTrue(router.angerDecides(0.8));
        assertFalse(router.angerDecides(0.5));
    }

    @Test
    void aBadModelLineSaysWhereItIs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TopicModel.parse("topics\tbilling\tother\nbias\t0\t0\nw:bill\tlots\t0\n", "topic-model.tsv"));
        assertTrue(e.getMessage().contains("topic-model.tsv line 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TopicModel.parse("w:bill\t1\t0\n", "m"));
        assertThrows(IllegalArgumentException.class, () -> TopicModel.parse("topics\tbilling\ttechnical\n"
                + "bias\t0\t0\n", "m"), "a model without other");
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
        Files.writeString(dir.resolve(Router.MODEL), MODEL);
        Files.writeString(dir.resolve("queues.txt"), "technical 0 fixers\n* 0 front-desk\n");
        Router router = Router.load(dir);
        assertEquals("fixers", router.route("my router", 0).queue());
        assertEquals("front-desk", router.route("my bill", 0).queue());
    }
}
