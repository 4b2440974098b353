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
 * One track of one call: voice activity on every frame and, where the track is transcribed, one Vosk
 * recognizer fed speech (with pre-roll and a tail) but not the silences between, which is where most of
 * a phone call's CPU would otherwise go.
 */
final class TrackRecognizer implements AutoCloseable {
    private static final int PREROLL_FRAMES = 15;
    private static final int TAIL_FRAMES = 20;
    /** As many earlier words as the redactor reads for cues. */
    private static final int RECALL_WORDS = 20;

    private record Frame(long streamMs, short[] pcm) {
    }

    private final String callSid;
    private final String track;
    private Optional<Recognizer> recognizer;
    private final HalfBandFilter.Upsampler upsampler = new HalfBandFilter.Upsampler();
    private final VoiceActivity voice = new VoiceActivity();
    private final ArrayDeque<Frame> preroll = new ArrayDeque<>();
    private final Timeline timeline = new Timeline();
    private final Prosody prosody = new Prosody();
    /**
     * The track's latest words, already redacted: what the speaker said just before explains what they read
     * out next ("could you ring me back" … "it's oh seven seven …").
     */
    private final ArrayDeque<String> recent = new ArrayDeque<>();
    private long lastVoiceEndMs = -1;
    private boolean feeding;
    private int silentFrames;

    private TrackRecognizer(Optional<Recognizer> recognizer, String callSid, String track) {
        this.callSid = callSid;
        this.track = track;
        this.recognizer = recognizer;
    }

    static TrackRecognizer transcribing(Model model, String callSid, String track) {
        return new TrackRecognizer(Optional.of(newRecognizer(model)), callSid, track);
    }

    /** Voice activity only: what the line plays is known text, but when it is audible is worth knowing. */
    static TrackRecognizer voiceOnly(String callSid, String track) {
        return new TrackRecognizer(Optional.empty(), callSid, track);
    }

    /** From now on this track is transcribed too: an agent has joined the call and speaks on it. */
    void transcribe(Model model) {
        if (recognizer.isEmpty()) {
            recognizer = Optional.of(newRecognizer(model));
        }
    }

    private static Recognizer newRecognizer(Model model) {
        try {
            Recognizer r = new Recognizer(model, 16000f);
            r.setWords(true);
            return r;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Vosk could not create a recognizer", e);
        }
    }

    /** Voice activity after the last accepted frame. */
    Transcriber.Activity activity(long atMs) {
        boolean speaking = voice.speaking();
        return new Transcriber.Activity(track, atMs, speaking,
                speaking || lastVoiceEndMs < 0 ? 0 : Math.max(0, atMs - lastVoiceEndMs));
    }

    List<Transcriber.Utterance> accept(long streamMs, short[] pcm8k) {
        boolean speaking = voice.accept(pcm8k);
        long atMs = streamMs + pcm8k.length / 8;
        if (voice.loud()) {
            lastVoiceEndMs = atMs;
        }
        List<Transcriber.Utterance> out = new ArrayList<>(1);
        if (recognizer.isEmpty()) {
            return out;
        }
        prosody.add(pcm8k, speaking);
        if (!feeding && !speaking) {
            preroll.addLast(new Frame(streamMs, pcm8k));
            if (preroll.size() > PREROLL_FRAMES) {
                preroll.removeFirst();
            }
            return out;
        }
        if (!feeding) {
            feeding = true;
            for (Frame f : preroll) {
                feed(f.streamMs(), f.pcm(), atMs, out);
            }
            preroll.clear();
        }
        feed(streamMs, pcm8k, atMs, out);
        silentFrames = speaking ? 0 : silentFrames + 1;
        if (silentFrames >= TAIL_FRAMES) {
            feeding = false;
            silentFrames = 0;
            utterance(recognizer.get().getFinalResult(), atMs).ifPresent(out::add);
        }
        return out;
    }

    Optional<Transcriber.Utterance> finish(long atMs) {
        if (!feeding) {
            return Optional.empty();
        }
        feeding = false;
        return utterance(recognizer.get().getFinalResult(), atMs);
    }

    private void feed(long streamMs, short[] pcm8k, long atMs, List<Transcriber.Utterance> out) {
        short[] pcm16k = upsampler.process(pcm8k);
        byte[] bytes = new byte[pcm16k.length * 2];
        for (int i = 0; i < pcm16k.length; i++) {
            bytes[2 * i] = (byte) pcm16k[i];
            bytes[2 * i + 1] = (byte) (pcm16k[i] >> 8);
        }
        timeline.fed(streamMs, pcm16k.length);
        if (recognizer.get().acceptWaveForm(bytes, bytes.length)) {
            utterance(recognizer.get().getResult(), atMs).ifPresent(out::add);
        }
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
        recognizer.ifPresent(Recognizer::close);
    }
}
