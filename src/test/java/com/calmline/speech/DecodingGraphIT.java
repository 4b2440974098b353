package com.calmline.speech;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.app.WordErrorRate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vosk.LibVosk;
import org.vosk.LogLevel;
import org.vosk.Model;

/**
 * The decoding graph the build made: where OpenFst's tools are installed (CI installs them) the build must
 * have precomposed graph/HCLG.fst, and whichever graph the model has, as well as the lookahead graph it was
 * made from, must hear the fixture calls within the project's word-error budget, fed in the line's 20 ms
 * frames and in 200 ms chunks. A wrong composition (disambiguation symbols left in, words table lost or
 * shifted) decodes garbage or nothing and fails here.
 */
class DecodingGraphIT {
    private static final Path MODEL = Path.of("models/model-en-us");
    private static final List<String> FIXTURES = List.of("billing-calm", "refund-angry", "internet-down");

    @Test
    void theBuildPrecomposedTheGraphWhereItHadTheTools() {
        boolean tools = Files.isExecutable(Path.of("/usr/bin/fstcompose"))
                && !findPlugin().isEmpty();
        if (tools) {
            assertTrue(Files.isRegularFile(MODEL.resolve("graph/HCLG.fst")),
                    "OpenFst's tools are installed but the build made no graph/HCLG.fst (scripts/static-graph.sh)");
        }
    }

    @Test
    void theBuiltGraphHearsTheFixturesInFramesAndChunks() throws Exception {
        LibVosk.setLogLevel(LogLevel.WARNINGS);
        try (Model model = new Model(MODEL.toString())) {
            assertWithinBudget(model, 20, "as built");
            assertWithinBudget(model, 200, "as built");
        }
    }

    @Test
    void theLookaheadGraphStillHearsTheFixtures() throws Exception {
        LibVosk.setLogLevel(LogLevel.WARNINGS);
        Path lookahead = ModelVariant.of(MODEL, java.util.Map.of(), true, Path.of("target/decoding-graph-it"));
        try (Model model = new Model(lookahead.toString())) {
            assertWithinBudget(model, 20, "lookahead");
        }
    }

    private static void assertWithinBudget(Model model, int chunkMs, String graph) throws Exception {
        List<String> said = new ArrayList<>();
        List<String> heard = new ArrayList<>();
        for (DecodeBench.Call call : DecodeBench.load(List.of(Path.of("src/test/resources/calls")))) {
            if (FIXTURES.contains(call.name().replace(".ulaw", ""))) {
                said.add(call.script());
                heard.add(DecodeReplay.run(model, call.mulaw(), chunkMs).text());
            }
        }
        assertTrue(said.size() == FIXTURES.size(), "fixtures missing: " + FIXTURES);
        double wer = WordErrorRate.of(String.join(" ", said), String.join(" ", heard));
        assertTrue(wer <= WordErrorRate.BUDGET, graph + " graph, " + chunkMs + " ms chunks: WER " + wer
                + " over the budget; heard: " + heard);
    }

    private static String findPlugin() {
        try (var files = Files.find(Path.of("/usr/lib"), 4,
                (p, a) -> p.getFileName().toString().equals("olabel_lookahead-fst.so"))) {
            return files.findFirst().map(Path::toString).orElse("");
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
