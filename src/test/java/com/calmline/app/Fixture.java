package com.calmline.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** A synthesized call from src/test/resources/calls: its μ-law audio and the manifest of what is said when. */
record Fixture(String name, byte[] mulaw, List<Sentence> sentences, long durationMs) {
    record Sentence(String text, long startMs, long endMs) {
    }

    static Fixture load(String name) throws IOException {
        JsonNode manifest;
        try (InputStream in = resource(name + ".json")) {
            manifest = new ObjectMapper().readTree(in);
        }
        List<Sentence> sentences = new ArrayList<>();
        manifest.path("sentences").forEach(s -> sentences.add(
                new Sentence(s.path("text").asText(), s.path("startMs").asLong(), s.path("endMs").asLong())));
        byte[] audio;
        try (InputStream in = resource(name + ".ulaw")) {
            audio = in.readAllBytes();
        }
        return new Fixture(name, audio, List.copyOf(sentences), manifest.path("durationMs").asLong());
    }

    static Path path(String file) {
        return Path.of("src/test/resources/calls", file);
    }

    String script() {
        return sentences.stream().map(Sentence::text).collect(Collectors.joining(" "));
    }

    private static InputStream resource(String file) throws IOException {
        Path p = path(file);
        if (!Files.exists(p)) {
            throw new IOException("missing fixture " + p + " (see scripts/README.md)");
        }
        return Files.newInputStream(p);
    }
}
