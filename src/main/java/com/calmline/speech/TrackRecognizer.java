package com.calmline.speech;

import com.calmline.json.Json;
import com.calmline.privacy.Redactor;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.vosk.Model;
import org.vosk.Recognizer;

/**
 * The recogniser of one transcribed track of one call: one Vosk recognizer fed the frames the track's
 * {@link TrackGate} lets through, in chunks, on a decoder thread. Word times come back on the call's stream
 * clock ({@link Timeline}), redacted, with the voice's measures over the same frames.
 */
final class TrackRecognizer implements AutoCloseable {
    /** As many earlier words as the redactor reads for cues. */
    private static final int RECALL_WORDS = 20;

    private final String callSid;
    private final String track;
    private final Recognizer recognizer;
    private final HalfBandFilter.Upsampler upsampler = new HalfBandFilter.Upsampler();
    private final Timeline timeline = new Timeline();
    private final Prosody prosody = new Prosody();
    /**
     * The track's latest words, already redacted: what the speaker said just before explains what they read
     * out next ("could you ring me back" … "it's oh seven seven …").
     */
    private final ArrayDeque<String> recent = new ArrayDeque<>();

    TrackRecognizer(Model model, String callSid, String track) {
        this.callSid = callSid;
        this.track = track;
        try {
            this.recognizer = new Recognizer(model, 16000f);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Vosk could not create a recognizer", e);
        }
        try {
            recognizer.setWords(true);
        } catch (RuntimeException e) {
            recognizer.close();
            throw e;
        }
    }

    /**
     * Feeds consecutive frames of this track as one chunk; {@code atMs} is the end of the last, and an utterance
     * Vosk's own endpointing finished inside the chunk is known then.
     */
    Optional<Transcriber.Utterance> feed(List<TrackGate.Frame> frames, long atMs) {
        int samples = 0;
        short[][] upsampled = new short[frames.size()][];
        for (int i = 0; i < frames.size(); i++) {
            TrackGate.Frame f = frames.get(i);
            prosody.add(f.pcm8k(), f.speaking());
            upsampled[i] = upsampler.process(f.pcm8k());
            timeline.fed(f.streamMs(), upsampled[i].length);
            samples += upsampled[i].length;
        }
        byte[] bytes = new byte[samples * 2];
        int at = 0;
        for (short[] pcm16k : upsampled) {
            for (short s : pcm16k) {
                bytes[at++] = (byte) s;
                bytes[at++] = (byte) (s >> 8);
            }
        }
        if (recognizer.acceptWaveForm(bytes, bytes.length)) {
            return utterance(recognizer.getResult(), atMs);
        }
        return Optional.empty();
    }

    /** The speaker paused long enough (or the call ended): what they said since the last utterance. */
    Optional<Transcriber.Utterance> end(long atMs) {
        return utterance(recognizer.getFinalResult(), atMs);
    }

    private Optional<Transcriber.Utterance> utterance(String resultJson, long atMs) {
        JsonNode result;
        try {
            result = Json.parse(resultJson);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Vosk returned unreadable JSON: " + resultJson, e);
        }
        String text = result.path("text").asText("");
        if (text.isBlank()) {
            return Optional.empty();
        }
        List<Transcriber.Word> words = new ArrayList<>();
        for (JsonNode w : result.path("result")) {
            words.add(new Transcriber.Word(w.path("word").asText(), timeline.streamMs(w.path("start").asDouble()),
                    timeline.streamMs(w.path("end").asDouble()), w.path("conf").asDouble()));
        }
        long start = words.isEmpty() ? atMs : words.get(0).startMs();
        long end = words.isEmpty() ? atMs : words.get(words.size() - 1).endMs();
        List<Transcriber.Word> redacted = redacted(List.copyOf(recent), words);
        for (Transcriber.Word w : redacted) {
            recent.addLast(w.word());
            if (recent.size() > RECALL_WORDS) {
                recent.removeFirst();
            }
        }
        String said = words.isEmpty() ? Redactor.redact(text)
                : String.join(" ", redacted.stream().map(Transcriber.Word::word).toList());
        return Optional.of(new Transcriber.Utterance(callSid, track, said, start, end, atMs, redacted,
                prosody.takeVoice()));
    }

    /**
     * Card numbers, e-mail addresses and the like, each replaced by one tagged word spanning their time, so
     * nothing downstream (conversation, screen-pop, store, logs) ever holds them raw.
     */
    private static List<Transcriber.Word> redacted(List<String> before, List<Transcriber.Word> words) {
        List<Redactor.Span> spans = Redactor.spans(before, words.stream().map(Transcriber.Word::word).toList());
        if (spans.isEmpty()) {
            return List.copyOf(words);
        }
        List<Transcriber.Word> out = new ArrayList<>();
        int i = 0;
        for (Redactor.Span span : spans) {
            out.addAll(words.subList(i, span.from()));
            List<Transcriber.Word> hidden = words.subList(span.from(), span.to());
            out.add(new Transcriber.Word(span.tag(), hidden.get(0).startMs(), hidden.get(hidden.size() - 1).endMs(),
                    hidden.stream().mapToDouble(Transcriber.Word::confidence).min().orElse(0)));
            i = span.to();
        }
        out.addAll(words.subList(i, words.size()));
        return List.copyOf(out);
    }

    @Override
    public void close() {
        recognizer.close();
    }
}
