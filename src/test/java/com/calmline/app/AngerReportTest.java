package com.calmline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.emotion.AngerMeter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The {@code anger FILE} command on the labelled sets: {@code dev.tsv}, which the lexicon was adjusted on, and
 * {@code eval.tsv}, written separately and held out, whose figures are the ones to believe.
 */
class AngerReportTest {
    private static final Path DEV = Path.of("src/test/resources/anger/dev.tsv");
    private static final Path EVAL = Path.of("src/test/resources/anger/eval.tsv");
    private static final Pattern SUMMARY = Pattern.compile("precision ([0-9.]+)\\s+recall ([0-9.]+)\\s+F1 ([0-9.]+)");

    @Test
    void theHeldOutSetIsScoredLineByLineAndBeatsCallingEveryoneAngry() throws Exception {
        scoresEveryLineAndBeatsCallingEveryoneAngry(EVAL);
    }

    @Test
    void theDevelopmentSetToo() throws Exception {
        scoresEveryLineAndBeatsCallingEveryoneAngry(DEV);
    }

    private static void scoresEveryLineAndBeatsCallingEveryoneAngry(Path set) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AngerReport.print(set, AngerMeter.load(), new PrintStream(out, true, StandardCharsets.UTF_8));
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        List<String> input = Files.readAllLines(set).stream().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertTrue(input.size() >= 150, "an evaluation set of at least 150 utterances");

        assertEquals(input.size() + 1, lines.size(), "one line per utterance, then the summary");
        for (int i = 0; i < input.size(); i++) {
            String[] f = lines.get(i).split("\t");
            assertEquals(3, f.length, lines.get(i));
            double score = Double.parseDouble(f[0]);
            assertTrue(score >= 0 && score <= 1);
            assertTrue(List.of("calm", "annoyed", "angry").contains(f[1]));
            assertEquals(input.get(i).substring(input.get(i).indexOf('\t') + 1).trim(), f[2]);
        }
        Matcher m = SUMMARY.matcher(lines.get(lines.size() - 1));
        assertTrue(m.find(), lines.get(lines.size() - 1));
        double f1 = Double.parseDouble(m.group(3));
        long angry = input.stream().filter(l -> l.startsWith("angry\t")).count();
        double prevalence = (double) angry / input.size();
        double everyoneAngryF1 = 2 * prevalence / (1 + prevalence);
        System.out.println("ANGER " + set.getFileName() + ": " + lines.get(lines.size() - 1) + " (everyone-angry baseline F1 "
                + String.format("%.3f", everyoneAngryF1) + ")");
        assertTrue(f1 > everyoneAngryF1, "F1 " + f1 + " vs baseline " + everyoneAngryF1);
    }

    @Test
    void oneAndZeroLabelsGiveTheSameFiguresAsWords() throws Exception {
        Path numbered = Files.createTempFile("anger", ".tsv");
        Files.write(numbered, Files.readAllLines(DEV).stream().filter(l -> !l.startsWith("#"))
                .map(l -> l.replaceFirst("^angry\t", "1\t").replaceFirst("^(annoyed|calm)\t", "0\t")).toList());
        List<String> words = report(DEV);
        List<String> numbers = report(numbered);
        assertEquals(words.get(words.size() - 1), numbers.get(numbers.size() - 1));
        assertTrue(numbers.get(numbers.size() - 1).matches(".*tp [1-9][0-9]*, .*"), "angry lines were counted");
    }

    @Test
    void anUnknownLabelIsAClearError() throws Exception {
        Path file = Files.createTempFile("anger", ".tsv");
        Files.writeString(file, "furious\tthis is a joke\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> report(file));
        assertTrue(e.getMessage().contains("furious"), e.getMessage());
    }

    @Test
    void theShippedWeightsAreWhatFittingTheDevelopmentSetGives() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AngerReport.fit(DEV, AngerMeter.load(), new PrintStream(out, true, StandardCharsets.UTF_8));
        Properties fitted = new Properties();
        fitted.load(new StringReader(out.toString(StandardCharsets.UTF_8)));
        Properties shipped = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("src/main/resources/emotion/anger-weights.properties"))) {
            shipped.load(r);
        }
        assertEquals(shipped.keySet(), fitted.keySet());
        for (String key : shipped.stringPropertyNames()) {
            assertEquals(Double.parseDouble(shipped.getProperty(key)), Double.parseDouble(fitted.getProperty(key)), 1e-4,
                    key + ": regenerate with java -jar target/calmline.jar anger --fit " + DEV);
        }
    }

    private static List<String> report(Path file) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AngerReport.print(file, AngerMeter.load(), new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void unlabelledLinesAreScoredWithoutASummary() throws Exception {
        Path file = Files.createTempFile("anger", ".txt");
        Files.writeString(file, "this is unacceptable i want to cancel\nthanks that helps\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AngerReport.print(file, AngerMeter.load(), new PrintStream(out, true, StandardCharsets.UTF_8));
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).contains("\tangry\t"), lines.get(0));
        assertTrue(lines.get(1).contains("\tcalm\t"), lines.get(1));
    }
}
