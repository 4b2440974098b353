package com.calmline.app;

import com.calmline.emotion.AngerMeter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The {@code anger FILE} command: one {@code score<TAB>level<TAB>text} line per utterance; when lines carry
 * a {@code LABEL<TAB>} prefix (angry / annoyed / calm, or 1 / 0), precision, recall and F1 of {@code angry}
 * (score ≥ 0.5) at the end. {@code anger --fit FILE} prints the weights file fitted to a labelled set.
 */
final class AngerReport {
    private static final double ANGRY = 0.5;

    private AngerReport() {
    }

    static void print(Path file, AngerMeter meter, PrintStream out) throws IOException {
        int tp = 0;
        int fp = 0;
        int fn = 0;
        int labelled = 0;
        for (String line : lines(file)) {
            AngerMeter.Labelled known = line.indexOf('\t') < 0 ? null : AngerMeter.Labelled.parse(line);
            String text = known == null ? line.trim() : known.text();
            AngerMeter.Score score = meter.text(text);
            out.printf(Locale.ROOT, "%.3f\t%s\t%s%n", score.value(), score.level().label(), text);
            if (known != null) {
                labelled++;
                boolean predicted = score.value() >= ANGRY;
                tp += predicted && known.angry() ? 1 : 0;
                fp += predicted && !known.angry() ? 1 : 0;
                fn += !predicted && known.angry() ? 1 : 0;
            }
        }
        if (labelled > 0) {
            double precision = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
            double recall = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            out.printf(Locale.ROOT, "angry (score >= %.1f) over %d labelled lines: precision %.3f  recall %.3f  F1 %.3f"
                    + "  (tp %d, fp %d, fn %d)%n", ANGRY, labelled, precision, recall, f1, tp, fp, fn);
        }
    }

    static void fit(Path file, AngerMeter meter, PrintStream out) throws IOException {
        List<AngerMeter.Labelled> set = lines(file).stream().map(AngerMeter.Labelled::parse).toList();
        out.print(meter.fit(set, "java -jar target/calmline.jar anger --fit " + file));
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file).stream().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    }
}
