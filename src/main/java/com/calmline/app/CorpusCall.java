package com.calmline.app;

import com.calmline.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One rendered call of the recognised-speech corpus ({@code corpus/README.md}): the manifest that
 * {@code scripts/make-corpus.sh} writes beside its audio, with the truth of every sentence (what was said,
 * where, and its labels).
 */
record CorpusCall(String name, String part, Path audio, String topic, List<String> keys, String voice,
                  List<Sentence> sentences, long durationMs) {
    /** {@code requests}: the request kinds the sentence makes ({@code person}, {@code callback} …), if any. */
    record Sentence(String text, long startMs, long endMs, long pauseMs, boolean cutsIn, boolean angry,
                    List<String> requests, boolean accept, boolean vague, List<Pii> pii) {
    }

    /** Private data in a sentence: {@code from}/{@code to} are character offsets in its text. */
    record Pii(String kind, String text, int from, int to) {
    }

    /** Every rendered call in {@code dir} (each {@code NAME.ulaw} with its {@code NAME.json}), by name. */
    static List<CorpusCall> inDirectory(Path dir) throws IOException {
        List<CorpusCall> calls = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path audio : files.filter(p -> p.toString().endsWith(".ulaw")).sorted().toList()) {
                calls.add(read(audio));
            }
        }
        if (calls.isEmpty()) {
            throw new IOException(dir + " holds no rendered calls (NAME.ulaw with NAME.json); render them with "
                    + "scripts/make-corpus.sh");
        }
        return calls;
    }

    static CorpusCall read(Path audio) throws IOException {
        Path manifest = audio.resolveSibling(audio.getFileName().toString().replaceFirst("\\.ulaw$", ".json"));
        JsonNode json = Json.parse(manifest);
        List<Sentence> sentences = new ArrayList<>();
        for (JsonNode s : json.path("sentences")) {
            List<Pii> pii = new ArrayList<>();
            s.path("pii").forEach(p -> pii.add(new Pii(p.path("kind").asText(), p.path("text").asText(),
                    p.path("from").asInt(), p.path("to").asInt())));
            List<String> requests = new ArrayList<>();
            s.path("requests").forEach(r -> requests.add(r.asText()));
            sentences.add(new Sentence(s.path("text").asText(), s.path("startMs").asLong(), s.path("endMs").asLong(),
                    s.path("pauseMs").asLong(), s.path("cutsIn").asBoolean(false), s.path("angry").asBoolean(),
                    List.copyOf(requests),
                    s.path("accept").asBoolean(), s.path("vague").asBoolean(), List.copyOf(pii)));
        }
        if (sentences.isEmpty()) {
            throw new IOException(manifest + ": no sentences");
        }
        List<String> keys = new ArrayList<>();
        json.path("key").forEach(k -> keys.add(k.asText()));
        return new CorpusCall(json.path("name").asText(), json.path("part").asText(), audio,
                json.path("topic").asText(), List.copyOf(keys), json.path("voice").asText(), List.copyOf(sentences),
                json.path("durationMs").asLong());
    }

    /** Where the sentences are, for the simulated caller who waits for the line before each one. */
    CallScript script() {
        return new CallScript(sentences.stream().map(s -> new CallScript.Sentence(s.text(), s.startMs(), s.endMs(),
                s.cutsIn())).toList(), durationMs);
    }
}
