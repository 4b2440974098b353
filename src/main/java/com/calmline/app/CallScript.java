package com.calmline.app;

import com.calmline.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where each sentence is in a call's audio: the manifest {@code NAME.json} that
 * {@code scripts/make-speech-fixtures.sh} writes beside {@code NAME.ulaw} and {@code NAME.wav}. A sentence
 * that {@code cutsIn} starts on time even if the line is still talking; any other waits for the line, as a
 * caller who is listening would.
 */
public record CallScript(List<Sentence> sentences, long durationMs) {
    public record Sentence(String text, long startMs, long endMs, boolean cutsIn) {
    }

    /** The manifest beside {@code audio} ({@code x.wav} or {@code x.ulaw} → {@code x.json}), if there is one. */
    static Optional<CallScript> beside(Path audio) throws IOException {
        String name = audio.getFileName().toString();
        Path manifest = audio.resolveSibling(name.replaceFirst("\\.[^.]+$", "") + ".json");
        return Files.isRegularFile(manifest) ? Optional.of(read(manifest)) : Optional.empty();
    }

    static CallScript read(Path manifest) throws IOException {
        JsonNode json = Json.parse(manifest);
        List<Sentence> sentences = new ArrayList<>();
        json.path("sentences").forEach(s -> sentences.add(new Sentence(s.path("text").asText(),
                s.path("startMs").asLong(), s.path("endMs").asLong(), s.path("cutsIn").asBoolean(false))));
        return new CallScript(List.copyOf(sentences), json.path("durationMs").asLong());
    }
}
