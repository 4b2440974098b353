package com.calmline.app;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** A synthesized call from src/test/resources/calls: its μ-law audio and the manifest of what is said when. */
public record Fixture(String name, byte[] mulaw, CallScript script) {

    public static Fixture load(String name) throws IOException {
        Path audio = path(name + ".ulaw");
        if (!Files.exists(audio)) {
            throw new IOException("missing fixture " + audio + " (see scripts/README.md)");
        }
        byte[] mulaw;
        try (InputStream in = Files.newInputStream(audio)) {
            mulaw = in.readAllBytes();
        }
        return new Fixture(name, mulaw, CallScript.beside(audio).orElseThrow(
                () -> new IOException("missing manifest " + name + ".json")));
    }

    public static Path path(String file) {
        return Path.of("src/test/resources/calls", file);
    }

    public List<CallScript.Sentence> sentences() {
        return script.sentences();
    }

    public long durationMs() {
        return script.durationMs();
    }

    /** What the caller says, as one text. */
    public String words() {
        return sentences().stream().map(CallScript.Sentence::text).collect(Collectors.joining(" "));
    }

    /** The same call as it was played: every sentence where it was heard once the caller waited for the line. */
    public Fixture asPlayed(Simulator.Playback playback) {
        List<CallScript.Sentence> shifted = sentences().stream().map(s -> new CallScript.Sentence(s.text(),
                playback.streamMs(s.startMs()), playback.streamMs(s.endMs()), s.cutsIn())).toList();
        return new Fixture(name, mulaw, new CallScript(shifted, playback.streamMs(durationMs())));
    }
}
