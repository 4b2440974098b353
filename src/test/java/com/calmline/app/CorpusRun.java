package com.calmline.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Renders a part of the recognised-speech corpus (or a slice of it) with {@code scripts/make-corpus.sh} and
 * plays it through a real service with the real model, as {@code evaluate} does.
 */
final class CorpusRun {
    private static final Path CORPUS = Path.of("corpus");
    private static final Path RENDERED = Path.of("target", "corpus");

    private CorpusRun() {
    }

    /** Every {@code every}-th call of {@code part} (1: all of them), rendered; their audio's directory. */
    static Path render(String part, int every) throws IOException, InterruptedException {
        List<String> calls;
        try (Stream<Path> files = Files.list(CORPUS.resolve(part))) {
            calls = files.map(Path::toString).filter(f -> f.endsWith(".call")).sorted().toList();
        }
        List<String> slice = new ArrayList<>();
        for (int i = 0; i < calls.size(); i += every) {
            slice.add(calls.get(i));
        }
        Path out = RENDERED.resolve(every == 1 ? part : part + "-every-" + every);
        List<String> command = new ArrayList<>(List.of("bash", "scripts/make-corpus.sh", out.toString()));
        command.addAll(slice);
        Process render = new ProcessBuilder(command).inheritIO().start();
        if (render.waitFor() != 0) {
            throw new IOException("scripts/make-corpus.sh failed (exit " + render.exitValue() + "); it needs flite, "
                    + "espeak-ng and sox (apt-get install -y flite espeak-ng sox)");
        }
        return out;
    }

    /** The rendered calls of {@code dir} played through a fresh service with default settings. */
    static EvaluateCommand.Report evaluate(Path dir, double speed, int parallel) throws Exception {
        try (Deployment deployment = Deployment.demo().start()) {
            return EvaluateCommand.evaluate(deployment.service().simulator(), CorpusCall.inDirectory(dir),
                    Simulator.exampleCaller("US"), speed, parallel, System.out);
        }
    }
}
