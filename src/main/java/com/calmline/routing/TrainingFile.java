package com.calmline.routing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Labelled examples for fitting the topic model: typed lines ({@code TOPIC<TAB>utterance}), or the recognised
 * corpus ({@code corpus/recognised/*.tsv}: call, index, topic, labels, typed, recognised, sure), where each call
 * gives what Vosk heard of its first one, two and three sentences that name something (not only accepting, not
 * vague), labelled with the call's topic: what the line has heard when it routes a calm caller. Each typed
 * line is a group of its own; a call's examples are one group, so cross-validation never splits a call.
 */
final class TrainingFile {
    private static final int RECOGNISED_SENTENCES = 3;

    private TrainingFile() {
    }

    static List<Router.Example> read(Path file) throws IOException {
        List<Router.Example> set = new ArrayList<>();
        Map<String, List<String>> calls = new HashMap<>();
        int n = 0;
        for (String line : Files.readAllLines(file)) {
            n++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length == 2) {
                set.add(new Router.Example(f[0].strip(), f[1].strip(), file + ":" + n));
            } else if (f.length == 7) {
                List<String> said = calls.computeIfAbsent(f[0], c -> new ArrayList<>());
                boolean namesNothing = f[3].matches("(.*\\s)?(accept|vague)(\\s.*)?");
                if (!namesNothing && !f[5].isBlank() && said.size() < RECOGNISED_SENTENCES) {
                    said.add(f[5].strip());
                    set.add(new Router.Example(f[2].strip(), String.join(" ", said), file + ":" + f[0]));
                }
            } else {
                throw new IllegalArgumentException(file + " line " + n + ": neither TOPIC<TAB>utterance nor a "
                        + "recognised-corpus row (call, index, topic, labels, typed, recognised, sure): " + line);
            }
        }
        return set;
    }
}
