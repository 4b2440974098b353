package com.calmline.app;

import com.calmline.routing.Router;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The {@code topics} command. {@code topics FILE} scores a labelled set (LABEL<TAB>utterance) with the shipped
 * topic model, per topic; {@code topics --fit FILE...} prints {@code topic-model.tsv} fitted to labelled sets;
 * {@code topics --cv FILE...} cross-validates that fit and shows what each confidence threshold would ask.
 * A set is typed lines or the recognised corpus ({@link Router#examples}).
 */
final class TopicReport {
    static final int FOLDS = 10;

    /** How the classifier did on a labelled set; {@code misses} are the lines it got wrong. */
    record Result(int total, int correct, Map<String, double[]> perTopic, List<String> misses) {
        double accuracy() {
            return total == 0 ? 0 : (double) correct / total;
        }
    }

    private TopicReport() {
    }

    static Result score(Path file, Router router) throws IOException {
        List<Router.Example> set = Router.examples(List.of(file));
        set.stream().filter(e -> !router.topics().contains(e.topic())).findFirst().ifPresent(e -> {
            throw new IllegalArgumentException(file + ": unknown topic '" + e.topic() + "' (topics: "
                    + String.join(", ", router.topics()) + "): " + e.text());
        });
        return score(set, router::classify);
    }

    static Result score(List<Router.Example> set, Function<String, Router.Topic> classifier) {
        List<Router.Topic> got = set.stream().map(l -> classifier.apply(l.text())).toList();
        return tally(set, got);
    }

    private static Result tally(List<Router.Example> set, List<Router.Topic> got) {
        Map<String, int[]> counts = new TreeMap<>();
        List<String> misses = new ArrayList<>();
        int correct = 0;
        for (int i = 0; i < set.size(); i++) {
            Router.Example e = set.get(i);
            Router.Topic t = got.get(i);
            counts.computeIfAbsent(e.topic(), k -> new int[3])[1]++;
            counts.computeIfAbsent(t.name(), k -> new int[3])[2]++;
            if (t.name().equals(e.topic())) {
                correct++;
                counts.get(e.topic())[0]++;
            } else {
                misses.add(String.format(Locale.ROOT, "%s -> %s (%.2f)\t%s", e.topic(), t.name(), t.confidence(),
                        e.text()));
            }
        }
        Map<String, double[]> perTopic = new TreeMap<>();
        counts.forEach((topic, c) -> perTopic.put(topic, new double[] {
                c[2] == 0 ? 0 : (double) c[0] / c[2], c[1] == 0 ? 0 : (double) c[0] / c[1], c[1]}));
        return new Result(set.size(), correct, perTopic, misses);
    }

    /**
     * Each example classified by a model fitted on the other folds' groups ({@link #FOLDS} folds, groups dealt
     * in the order they first appear, so each fold gets a share of every topic of a file sorted by topic).
     */
    static List<Router.Topic> crossValidated(List<Router.Example> set, Router router) {
        Map<String, Integer> fold = new LinkedHashMap<>();
        set.forEach(l -> fold.computeIfAbsent(l.group(), g -> fold.size() % FOLDS));
        Router.Topic[] got = new Router.Topic[set.size()];
        for (int f = 0; f < FOLDS; f++) {
            int held = f;
            List<Router.Example> train = set.stream().filter(l -> fold.get(l.group()) != held)
                    .toList();
            Function<String, Router.Topic> model = router.fitOnly(train);
            for (int i = 0; i < set.size(); i++) {
                if (fold.get(set.get(i).group()) == held) {
                    got[i] = model.apply(set.get(i).text());
                }
            }
        }
        return List.of(got);
    }

    static void print(Path file, Router router, PrintStream out) throws IOException {
        print(score(file, router), out);
    }

    static void fit(List<Path> files, Router router, PrintStream out) throws IOException {
        List<Router.Example> set = Router.examples(files);
        out.print(router.fit(set, "java -jar target/calmline.jar topics --fit " + String.join(" ",
                files.stream().map(Path::toString).toList())));
    }

    static void crossValidate(List<Path> files, Router router, PrintStream out) throws IOException {
        List<Router.Example> set = Router.examples(files);
        List<Router.Topic> got = crossValidated(set, router);
        out.printf(Locale.ROOT, "%d-fold cross-validation over %d examples%n", FOLDS, set.size());
        print(tally(set, got), out);
        Map<String, int[]> perFile = new TreeMap<>();
        for (int i = 0; i < set.size(); i++) {
            String group = set.get(i).group();
            int[] n = perFile.computeIfAbsent(group.substring(0, group.lastIndexOf(':')), f -> new int[2]);
            n[0] += got.get(i).name().equals(set.get(i).topic()) ? 1 : 0;
            n[1]++;
        }
        perFile.forEach((file, n) -> out.printf(Locale.ROOT, "%-50s accuracy %.3f over %d examples%n", file,
                (double) n[0] / n[1], n[1]));
        thresholds("all", set, got, out);
        for (String file : perFile.keySet()) {
            List<Integer> of = new ArrayList<>();
            for (int i = 0; i < set.size(); i++) {
                if (set.get(i).group().startsWith(file + ":")) {
                    of.add(i);
                }
            }
            thresholds(file, of.stream().map(set::get).toList(), of.stream().map(got::get).toList(), out);
        }
    }

    /** For each threshold, the share of examples below it (asked) and the accuracy on the rest. */
    private static void thresholds(String of, List<Router.Example> set, List<Router.Topic> got, PrintStream out) {
        out.printf("%s%n%-10s %6s %20s%n", of, "ask below", "asked", "accuracy of the rest");
        for (int t = 30; t <= 80; t += 5) {
            double threshold = t / 100.0;
            int asked = 0;
            int rest = 0;
            int right = 0;
            for (int i = 0; i < set.size(); i++) {
                if (got.get(i).confidence() < threshold) {
                    asked++;
                } else {
                    rest++;
                    right += got.get(i).name().equals(set.get(i).topic()) ? 1 : 0;
                }
            }
            out.printf(Locale.ROOT, "%-10.2f %6.3f %20.3f%n", threshold, (double) asked / set.size(),
                    rest == 0 ? 0 : (double) right / rest);
        }
    }

    private static void print(Result r, PrintStream out) {
        out.printf(Locale.ROOT, "%d utterances, accuracy %.3f%n", r.total(), r.accuracy());
        out.printf("%-14s %9s %6s %5s%n", "topic", "precision", "recall", "n");
        r.perTopic().forEach((topic, v) -> out.printf(Locale.ROOT, "%-14s %9.3f %6.3f %5d%n", topic, v[0], v[1],
                (int) v[2]));
        r.misses().forEach(m -> out.println("miss  " + m));
    }
}
