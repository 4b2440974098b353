package com.calmline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code recognise} run as the packaged jar on a real call: one row a scripted sentence with what Vosk heard of
 * it, on standard output; the service's log (the model loading) on standard error, never among the rows.
 */
class RecogniseCommandIT {
    @TempDir
    Path dir;

    @Test
    void printsWhatWasHeardOfEachSentenceAndLogsOnlyToStandardError() throws Exception {
        for (String file : List.of("billing-calm.ulaw", "billing-calm.json")) {
            Files.copy(Path.of("src/test/resources/calls", file), dir.resolve(file));
        }
        ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", "target/calmline.jar", "recognise", dir.toString()));
        builder.environment().put("DATA_DIR", dir.resolve("data").toString());
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "recognise did not finish");
        assertEquals(0, p.exitValue(), err);

        List<String> lines = out.lines().toList();
        assertEquals(RecogniseCommand.HEADER, lines.get(0), out);
        assertEquals(5, lines.size(), "the header and the call's four sentences: " + out);
        for (String row : lines.subList(1, 5)) {
            assertEquals(7, row.split("\t", -1).length, row);
        }
        assertTrue(lines.get(1).split("\t")[5].contains("bill"), "the first sentence is about the bill: " + lines.get(1));
        assertTrue(lines.get(2).split("\t")[5].contains("twice"), "the second, the double charge: " + lines.get(2));
        assertTrue(err.contains("Vosk model loaded"), "the log goes to standard error: " + err);
    }
}
