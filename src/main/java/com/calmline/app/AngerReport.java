package com.calmline.app;

import com.calmline.emotion.AngerMeter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The {@code anger FILE} command: one {@code score<TAB>level<TAB>text} line per utterance; when lines carry
 * a {@code label<TAB>} prefix, precision, recall and F1 of {@code angry} (score ≥ 0.5) at the end.
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
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int tab = line.indexOf('\t');
            String label = tab < 0 ? null : line.substring(0, tab).trim().toLowerCase(Locale.ROOT);
            String text = tab < 0 ? line.trim() : line.substring(tab + 1).trim();
            AngerMeter.Score score = meter.text(text);
            out.printf(Locale.ROOT, "%.3f\t%s\t%s%n", score.value(), score.level().label(), text);
            if (label != null) {
                labelled++;
                boolean predicted = score.value() >= ANGRY;
                boolean actual = label.equals("angry");
                tp += predicted && actual ? 1 : 0;
                fp += predicted && !actual ? 1 : 0;
                fn += !predicted && actual ? 1 : 0;
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
}
