package com.calmline.speech;

import com.calmline.app.WordErrorRate;
import com.calmline.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.vosk.LibVosk;
import org.vosk.LogLevel;
import org.vosk.Model;

/**
 * Measurement, not a test: what decoding costs and how well it hears, for one or more Vosk settings, on
 * recorded calls replayed on one thread as the line feeds them ({@link DecodeReplay}).
 * <pre>
 * mvn -B -Pbench-decode verify [-Ddecode.audio=/tmp/r-dev,src/test/resources/calls]
 *     [-Ddecode.model=models/model-en-us,OTHER_MODEL_DIR] [-Ddecode.graph=as-built,lookahead]
 *     [-Ddecode.conf='beam=10,max-active=3000;beam=8,max-active=2000']
 *     [-Ddecode.chunkMs=20,100,200] [-Ddecode.calls=30] [-Ddecode.open=10] [-Ddecode.verbose=true]
 * </pre>
 * Every combination of model directory, graph ({@code lookahead} hides the precomposed graph/HCLG.fst the
 * build makes, {@code scripts/static-graph.sh}, so Vosk composes HCLr.fst and Gr.fst per recognizer as it does
 * without one), model.conf override ({@code ""} is the model's own; names are
 * model.conf's) and chunk size is one setting. All are loaded at once and every call is decoded by each
 * setting in turn, back to back, so a machine that is busier at one moment than another weighs on all of them
 * alike. Audio directories hold {@code NAME.ulaw} with {@code NAME.json}, whose {@code sentences[].text} is
 * the script (the rendered corpus, {@code scripts/make-corpus.sh}, and the test fixtures). {@code decode.calls}
 * takes that many calls spread evenly over the sorted list.
 * <p>
 * Printed per setting: Vosk CPU-seconds per second of call audio and per second fed (thread CPU time, not
 * wall clock), word error rate against the scripts (all calls' edits over all their words), and the share of
 * words Vosk gave a confidence below 0.7 and below 0.9 (what the line calls sure), with the histogram;
 * RSS per model loaded and, with {@code decode.open}, per recognizer kept open after a call.
 */
public final class DecodeBench {
    private DecodeBench() {
    }

    record Call(String name, byte[] mulaw, String script) {
    }

    record Setting(String label, Model model, int chunkMs) {
    }

    /** Running totals for one setting. */
    static final class Tally {
        double audio;
        double fed;
        double cpu;
        double wall;
        long voskCalls;
        double edits;
        int referenceWords;
        final int[] confidence = new int[10];
        int words;

        void add(DecodeReplay.Result r, String script, double wallSeconds) {
            audio += r.audioSeconds();
            fed += r.fedSeconds();
            cpu += r.voskCpuSeconds();
            wall += wallSeconds;
            voskCalls += r.voskCalls();
            int ref = WordErrorRate.words(script).size();
            edits += WordErrorRate.of(script, r.text()) * ref;
            referenceWords += ref;
            for (DecodeReplay.Word w : r.words()) {
                confidence[Math.min(9, (int) Math.floor(w.confidence() * 10))]++;
                words++;
            }
        }

        double shareBelow(int tenths) {
            int n = 0;
            for (int i = 0; i < tenths; i++) {
                n += confidence[i];
            }
            return words == 0 ? 0 : (double) n / words;
        }
    }

    public static void main(String[] args) throws Exception {
        List<Path> audioDirs = paths(System.getProperty("decode.audio", "/tmp/r-dev"));
        List<Path> modelDirs = paths(System.getProperty("decode.model", "models/model-en-us"));
        List<String> confs = List.of(System.getProperty("decode.conf", "").split(";", -1));
        List<Integer> chunks = Stream.of(System.getProperty("decode.chunkMs", "20").split(","))
                .map(s -> Integer.parseInt(s.strip())).toList();
        List<String> graphKinds = Stream.of(System.getProperty("decode.graph", "as-built").split(","))
                .map(String::strip).toList();
        for (String g : graphKinds) {
            if (!g.equals("as-built") && !g.equals("lookahead")) {
                throw new IllegalArgumentException("decode.graph=" + g + ": give as-built (the model directory as "
                        + "it is, with graph/HCLG.fst if the build made one) or lookahead (without it)");
            }
        }
        Path work = Path.of(System.getProperty("decode.work", "target/decode-models"));
        List<Call> calls = spread(load(audioDirs), Integer.getInteger("decode.calls", Integer.MAX_VALUE));

        LibVosk.setLogLevel(LogLevel.WARNINGS);
        Map<Setting, Tally> tallies = new LinkedHashMap<>();
        List<Model> models = new ArrayList<>();
        try {
            System.out.printf("calls: %d (%.0f s of audio) from %s; RSS before any model %d MB%n", calls.size(),
                    calls.stream().mapToDouble(c -> c.mulaw().length / 8000.0).sum(), audioDirs, rssMb("VmRSS"));
            for (Path modelDir : modelDirs) {
                for (String kind : graphKinds) {
                    for (String conf : confs) {
                        Model model = load(modelDir, kind.equals("lookahead"), conf,
                                work.resolve("variant-" + models.size()));
                        models.add(model);
                        String label = modelDir.getFileName() + " " + (kind.equals("lookahead")
                                || !Files.exists(modelDir.resolve("graph/HCLG.fst")) ? "lookahead" : "static HCLG")
                                + " | " + (conf.isBlank() ? "model.conf as is" : conf) + " | ";
                        for (int chunk : chunks) {
                            tallies.put(new Setting(label + chunk + " ms", model, chunk), new Tally());
                        }
                    }
                }
            }
            int open = Integer.getInteger("decode.open", 0);
            if (open > 0) {
                for (Setting setting : tallies.keySet()) {
                    heldPerRecognizer(setting, calls, open);
                }
            }
            int done = 0;
            for (Call call : calls) {
                for (Map.Entry<Setting, Tally> e : tallies.entrySet()) {
                    long t0 = System.nanoTime();
                    DecodeReplay.Result r = DecodeReplay.run(e.getKey().model(), call.mulaw(), e.getKey().chunkMs());
                    e.getValue().add(r, call.script(), (System.nanoTime() - t0) / 1e9);
                    if (Boolean.getBoolean("decode.verbose")) {
                        System.out.printf("  %-40s %-60s WER %5.1f%% cpu %.2f s: %s%n", call.name(), e.getKey().label(),
                                100 * WordErrorRate.of(call.script(), r.text()), r.voskCpuSeconds(), r.text());
                    }
                }
                if (++done % 10 == 0) {
                    System.out.printf("  %d/%d calls%n", done, calls.size());
                }
            }
            System.out.printf("RSS after decoding %d MB, peak %d MB%n", rssMb("VmRSS"), rssMb("VmHWM"));
        } finally {
            models.forEach(Model::close);
        }
        report(tallies);
    }

    private static Model load(Path modelDir, boolean lookahead, String conf, Path variant) throws IOException {
        Path dir = ModelVariant.of(modelDir, ModelVariant.parse(conf), lookahead, variant);
        long before = rssMb("VmRSS");
        Model model = new Model(dir.toString());
        System.out.printf("loaded %s (%s graph%s): +%d MB RSS%n", modelDir,
                Files.exists(dir.resolve("graph/HCLG.fst")) ? "static HCLG" : "lookahead",
                conf.isBlank() ? "" : ", " + conf, rssMb("VmRSS") - before);
        return model;
    }

    /**
     * What one more call costs in memory: {@code open} recognizers each fed a whole call and kept open, as
     * the line keeps a call's recognizer until it hangs up. Freed memory is reused by what comes after, so
     * measure one model per process ({@code decode.model} with one directory, {@code decode.conf} unset).
     */
    private static void heldPerRecognizer(Setting setting, List<Call> calls, int open) throws IOException {
        List<org.vosk.Recognizer> held = new ArrayList<>();
        long before = rssMb("VmRSS");
        try {
            for (int i = 0; i < open; i++) {
                org.vosk.Recognizer r = new org.vosk.Recognizer(setting.model(), 16000f);
                held.add(r);
                r.setWords(true);
                DecodeReplay.feed(r, calls.get(i % calls.size()).mulaw(), setting.chunkMs(), 0);
            }
            System.out.printf("%s: %d recognizers open after a call each: +%d MB RSS, %.1f MB each%n",
                    setting.label(), open, rssMb("VmRSS") - before, (rssMb("VmRSS") - before) / (double) open);
        } finally {
            held.forEach(org.vosk.Recognizer::close);
        }
    }

    private static void report(Map<Setting, Tally> tallies) {
        System.out.printf("%n%-70s %9s %9s %8s %7s %7s %7s  %s%n", "setting", "cpu/audio", "cpu/fed", "wall/aud",
                "WER", "<0.7", "<0.9", "confidence histogram, tenths 0-0.1 … 0.9-1 (% of words)");
        for (Map.Entry<Setting, Tally> e : tallies.entrySet()) {
            Tally t = e.getValue();
            String histogram = java.util.Arrays.stream(t.confidence)
                    .mapToObj(c -> String.format("%.1f", t.words == 0 ? 0 : 100.0 * c / t.words))
                    .collect(Collectors.joining(" "));
            System.out.printf("%-70s %9.3f %9.3f %8.3f %6.1f%% %6.1f%% %6.1f%%  %s%n", e.getKey().label(),
                    t.cpu / t.audio, t.cpu / t.fed, t.wall / t.audio, 100 * t.edits / t.referenceWords,
                    100 * t.shareBelow(7), 100 * t.shareBelow(9), histogram);
        }
        Tally any = tallies.values().iterator().next();
        System.out.printf("(%.0f s of call audio, %.0f s of it fed to Vosk as speech; %d words in the scripts; "
                + "cpu = Vosk's thread CPU time)%n", any.audio, any.fed, any.referenceWords);
    }

    private static List<Path> paths(String list) {
        return Stream.of(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).map(Path::of).toList();
    }

    /** Every NAME.ulaw with its NAME.json script in the directories, by name. */
    static List<Call> load(List<Path> dirs) throws IOException {
        List<Call> calls = new ArrayList<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                throw new IOException(dir + " is not a directory of calls (give -Ddecode.audio=DIR,…: rendered "
                        + "corpus calls from scripts/make-corpus.sh, or src/test/resources/calls)");
            }
            List<Path> audio;
            try (Stream<Path> files = Files.list(dir)) {
                audio = files.filter(p -> p.toString().endsWith(".ulaw")).sorted().toList();
            }
            for (Path a : audio) {
                Path manifest = a.resolveSibling(a.getFileName().toString().replaceFirst("\\.ulaw$", ".json"));
                if (!Files.isRegularFile(manifest)) {
                    throw new IOException(a + " has no script beside it (" + manifest.getFileName() + ")");
                }
                JsonNode json = Json.parse(manifest);
                List<String> sentences = new ArrayList<>();
                json.path("sentences").forEach(s -> sentences.add(s.path("text").asText()));
                String script = String.join(" ", sentences);
                if (script.isBlank()) {
                    throw new IOException(manifest + ": no sentences[].text to score against");
                }
                calls.add(new Call(a.getFileName().toString(), PhoneAudio.load(a), script));
            }
        }
        if (calls.isEmpty()) {
            throw new IOException("no NAME.ulaw + NAME.json calls in " + dirs
                    + " (render the corpus with scripts/make-corpus.sh, or give src/test/resources/calls)");
        }
        return calls;
    }

    /** {@code n} of the calls, evenly spaced, so a slice still has every kind of voice and noise. */
    static <T> List<T> spread(List<T> all, int n) {
        if (n >= all.size()) {
            return all;
        }
        List<T> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(all.get((int) ((long) i * all.size() / n)));
        }
        return out;
    }

    private static long rssMb(String field) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith(field))
                .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024).findFirst().orElse(-1L);
    }
}
