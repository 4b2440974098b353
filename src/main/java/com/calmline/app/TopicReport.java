package com.calmline.app;

import com.calmline.routing.Router;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** {@code topics FILE}: scores a labelled set (LABEL<TAB>utterance) with the topic taxonomy, per topic. */
final class TopicReport {
    /** How the classifier did on a labelled set; {@code misses} are the lines it got wrong. */
    record Result(int total, int correct, Map<String, double[]> perTopic, List<String> misses) {
        double accuracy() {
            return total == 0 ? 0 : (double) correct / total;
        }
    }

    private TopicReport() {
    }

    static Result score(Path file, Router router) throws IOException {
        Map<String, int[]> counts = new TreeMap<>();
        List<String> misses = new ArrayList<>();
        int total = 0;
        int correct = 0;
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\t", 2);
            if (parts.length != 2 || !router.topics().contains(parts[0])) {
                throw new IllegalArgumentException(file + ": not LABEL<TAB>utterance with a known topic: " + line);
            }
            Router.Topic got = router.classify(parts[1]);
            total++;
            counts.computeIfAbsent(parts[0], k -> new int[3])[1]++;
            counts.computeIfAbsent(got.name(), k -> new int[3])[2]++;
            if (got.name().equals(parts[0])) {
                correct++;
                counts.get(parts[0])[0]++;
            } else {
                misses.add(String.format(Locale.ROOT, "%s -> %s (%.2f)\t%s", parts[0], got.name(), got.confidence(),
                        parts[1]));
            }
        }
        Map<String, double[]> perTopic = new TreeMap<>();
        counts.forEach((topic, c) -> perTopic.put(topic, new double[] {
                c[2] == 0 ? 0 : (double) c[0] / c[2], c[1] == 0 ? 0 : (double) c[0] / c[1], c[1]}));
        return new Result(total, correct, perTopic, misses);
    }

    static void print(Path file, Router router, PrintStream out) throws IOException {
        Result r = score(file, router);
        out.printf(Locale.ROOT, "%d utterances, accuracy %.3f%n", r.total(), r.accuracy());
        out.printf("%-14s %9s %6s %5s%n", "topic", "precision", "recall", "n");
        r.perTopic().forEach((topic, v) -> out.printf(Locale.ROOT, "%-14s %9.3f %6.3f %5d%n", topic, v[0], v[1],
                (int) v[2]));
        r.misses().forEach(m -> out.println("miss  " + m));
    }
}
