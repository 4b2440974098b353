package com.calmline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.routing.Router;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicReportTest {
    @Test
    void scoresALabelledSetPerTopic(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("topic-model.tsv"), """
                topics\tbilling\ttechnical\tother
                bias\t0\t0\t1
                w:bill\t6\t0\t0
                w:broadband\t0\t6\t0
                """);
        Files.writeString(dir.resolve("queues.txt"), "* 0 support\n");
        Files.writeString(dir.resolve("set.tsv"), """
                # a tiny set
                billing\tmy bill is wrong
                billing\thello there
                technical\tmy broadband is down
                """);
        TopicReport.Result r = TopicReport.score(dir.resolve("set.tsv"), Router.load(dir));
        assertEquals(3, r.total());
        assertEquals(2, r.correct());
        assertEquals(0.5, r.perTopic().get("billing")[1], "recall: one of two billing lines");
        assertEquals(1.0, r.perTopic().get("billing")[0], "precision: every billing guess was right");
        double other = Math.exp(1) / (2 + Math.exp(1));
        assertEquals(List.of(String.format(java.util.Locale.ROOT, "billing -> other (%.2f)\thello there", other)),
                r.misses());
    }

    /** The labelled sets are real data: big enough, labelled with the shipped topics, and held apart. */
    @Test
    void theTuningAndHeldOutSetsAreSeparateAndLargeEnough(@TempDir Path empty) throws Exception {
        Set<String> topics = Router.load(empty).topics();
        List<String> dev = lines("dev.tsv");
        List<String> eval = lines("eval.tsv");
        assertTrue(eval.size() >= 150, "held-out set has " + eval.size());
        for (String line : eval) {
            assertTrue(topics.contains(line.split("\t")[0]), line);
        }
        assertTrue(eval.stream().noneMatch(dev::contains), "no held-out line is in the tuning set");
        List<String> more = lines("more.tsv").stream().map(l -> l.split("\t")[1]).toList();
        List<String> typed = java.util.stream.Stream.concat(dev.stream(), eval.stream()).map(l -> l.split("\t")[1])
                .toList();
        assertTrue(more.stream().noneMatch(typed::contains), "the lines written for the fit repeat none of the others,"
                + " so cross-validation never scores a line it was fitted on");
    }

    private static List<String> lines(String name) throws Exception {
        return Files.readAllLines(Path.of("src/test/resources/topics", name)).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    }
}
