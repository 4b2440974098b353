package com.calmline.app;

import java.nio.file.Path;

/**
 * {@code mvn -B -Pevaluate verify}: the whole development part of the corpus through the real line, its table
 * printed (and written as JSON to target/evaluate-PART.json). {@code -Devaluate.part=locked} scores the locked
 * part: do that once, when a change is done.
 */
final class EvaluateCorpus {
    private EvaluateCorpus() {
    }

    public static void main(String[] args) throws Exception {
        String part = System.getProperty("evaluate.part", "dev");
        Path rendered = CorpusRun.render(part, 1);
        EvaluateCommand.Report report = CorpusRun.evaluate(rendered, Double.parseDouble(System.getProperty(
                "evaluate.speed", "1")), Integer.getInteger("evaluate.parallel", 3));
        java.nio.file.Files.writeString(Path.of("target", "evaluate-" + part + ".json"), EvaluateCommand.json(report));
        System.out.println(EvaluateCommand.table(report));
    }
}
