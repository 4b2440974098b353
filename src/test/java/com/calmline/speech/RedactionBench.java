package com.calmline.speech;

import com.calmline.json.Json;
import com.calmline.privacy.Redactor;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.vosk.LibVosk;
import org.vosk.LogLevel;
import org.vosk.Model;
import org.vosk.Recognizer;

/**
 * Measurement, not a test ({@code mvn -B -Predaction verify [-Dredaction.dir=/tmp/r-dev]}): every sentence
 * with private data in the rendered corpus calls in the directory (NAME.ulaw + NAME.json, scripts/make-corpus.sh),
 * and the sentence before it, through Vosk raw,
 * as the line hears it (8 kHz μ-law, upsampled by the line's own filter), then redacted as the line redacts
 * it, with the sentence before as what the caller said earlier. For every private item the manifest marks
 * ({@code pii}), the words Vosk gave for it are found by aligning its recognition with the script; the item
 * survives if any of them that tells something of it is still there after redaction: a word of the item heard
 * right ("outlook", "august"; not "the", "of", "and"), or a digit or a word Vosk gives for one ("for", "to").
 * A word Vosk made up ("famine" for "five nine") gives nothing away, and is not counted. Tags on the
 * sentences before (often the cue, and often "card", "email" or "number" said of something else: "the email on
 * my account is wrong") are counted too: redaction that takes ordinary speech is no redaction. The other
 * sentences are left out because Vosk runs near real time on this machine; the unit tests hold them.
 */
public final class RedactionBench {
    /** Audio kept around a sentence, as the line's voice activity keeps a pre-roll and a tail. */
    private static final int MARGIN_MS = 300;
    /** What a kept word gives away of a number even when Vosk heard it as another word. */
    private static final Set<String> DIGIT_LIKE = Set.of("zero", "oh", "o", "one", "two", "three", "four", "five",
            "six", "seven", "eight", "nine", "double", "triple", "treble", "for", "fore", "to", "too", "won", "ate",
            "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
            "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred");

    private RedactionBench() {
    }

    record Heard(String word, long startMs, long endMs) {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(System.getProperty("redaction.dir", args.length > 0 ? args[0] : "/tmp/r-dev"));
        Path modelDir = Path.of(System.getenv().getOrDefault("VOSK_MODEL_DIR", "models/model-en-us"));
        List<Path> manifests;
        try (Stream<Path> files = Files.list(dir)) {
            manifests = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        if (manifests.isEmpty()) {
            throw new IllegalArgumentException("no rendered calls (NAME.json + NAME.ulaw) in " + dir);
        }
        LibVosk.setLogLevel(LogLevel.WARNINGS);
        int items = 0;
        int survived = 0;
        int survivingWords = 0;
        int plainSentences = 0;
        int falseTags = 0;
        try (Model model = new Model(modelDir.toString())) {
            for (Path manifest : manifests) {
                JsonNode call = Json.parse(Files.readString(manifest));
                if (call.path("sentences").findValues("pii").stream().allMatch(JsonNode::isEmpty)) {
                    continue;
                }
                short[] pcm = MuLaw.decode(Files.readAllBytes(
                        Path.of(manifest.toString().replaceAll("\\.json$", ".ulaw"))));
                JsonNode sentences = call.path("sentences");
                List<String> before = List.of();
                for (int n = 0; n < sentences.size(); n++) {
                    JsonNode sentence = sentences.get(n);
                    boolean leadsToPrivate = n + 1 < sentences.size() && !sentences.get(n + 1).path("pii").isEmpty();
                    if (sentence.path("pii").isEmpty() && !leadsToPrivate) {
                        before = List.of();
                        continue;
                    }
                    List<Heard> raw = recognise(model, pcm, sentence.path("startMs").asLong(),
                            sentence.path("endMs").asLong());
                    List<String> words = raw.stream().map(Heard::word).toList();
                    List<Redactor.Span> spans = Redactor.spans(before, words);
                    boolean[] hidden = new boolean[words.size()];
                    spans.forEach(s -> Arrays.fill(hidden, s.from(), s.to(), true));
                    String kept = kept(words, spans);
                    if (sentence.path("pii").isEmpty()) {
                        plainSentences++;
                        if (!spans.isEmpty()) {
                            falseTags += spans.size();
                            System.out.printf("FALSE TAG %s: %s%n    heard: %s%n", call.path("name").asText(), kept,
                                    String.join(" ", words));
                        }
                    }
                    String text = sentence.path("text").asText();
                    int[] typedAt = align(typed(text), words);
                    for (JsonNode pii : sentence.path("pii")) {
                        items++;
                        int[] range = wordRange(text, pii.path("from").asInt(), pii.path("to").asInt());
                        Set<String> item = new java.util.HashSet<>(typed(pii.path("text").asText()));
                        item.removeAll(Set.of("the", "of", "and"));
                        List<String> left = new ArrayList<>();
                        for (int j = 0; j < words.size(); j++) {
                            if (typedAt[j] >= range[0] && typedAt[j] < range[1] && !hidden[j]
                                    && (item.contains(words.get(j)) || DIGIT_LIKE.contains(words.get(j)))) {
                                left.add(words.get(j));
                            }
                        }
                        survivingWords += left.size();
                        if (!left.isEmpty()) {
                            survived++;
                        }
                        System.out.printf("%-8s %s %s%n    said:  %s%n    heard: %s%n    kept:  %s%n",
                                left.isEmpty() ? "HIDDEN" : "SURVIVED " + left, pii.path("kind").asText(),
                                call.path("name").asText(), text, String.join(" ", words), kept);
                    }
                    before = Arrays.asList(kept.split(" "));
                }
            }
        }
        System.out.printf("%nredaction on %s: %d private items spoken, %d survived (%d words); "
                        + "%d sentences with nothing private, %d tags on them%n",
                dir, items, survived, survivingWords, plainSentences, falseTags);
    }

    /** The sentence's audio with a margin, through a fresh recognizer, as TrackRecognizer feeds Vosk. */
    static List<Heard> recognise(Model model, short[] pcm8k, long startMs, long endMs) throws IOException {
        int from = (int) Math.max(0, (startMs - MARGIN_MS) * 8);
        int to = (int) Math.min(pcm8k.length, (endMs + MARGIN_MS) * 8);
        HalfBandFilter.Upsampler upsampler = new HalfBandFilter.Upsampler();
        List<Heard> heard = new ArrayList<>();
        try (Recognizer recognizer = new Recognizer(model, 16000f)) {
            recognizer.setWords(true);
            for (int off = from; off < to; off += 160) {
                short[] pcm16k = upsampler.process(Arrays.copyOfRange(pcm8k, off, Math.min(to, off + 160)));
                byte[] bytes = new byte[pcm16k.length * 2];
                for (int i = 0; i < pcm16k.length; i++) {
                    bytes[2 * i] = (byte) pcm16k[i];
                    bytes[2 * i + 1] = (byte) (pcm16k[i] >> 8);
                }
                if (recognizer.acceptWaveForm(bytes, bytes.length)) {
                    words(recognizer.getResult(), from / 8, heard);
                }
            }
            words(recognizer.getFinalResult(), from / 8, heard);
        }
        return heard;
    }

    private static void words(String resultJson, long offsetMs, List<Heard> into) throws IOException {
        for (JsonNode w : Json.parse(resultJson).path("result")) {
            into.add(new Heard(w.path("word").asText(), offsetMs + Math.round(w.path("start").asDouble() * 1000),
                    offsetMs + Math.round(w.path("end").asDouble() * 1000)));
        }
    }

    private static String kept(List<String> words, List<Redactor.Span> spans) {
        List<String> out = new ArrayList<>();
        int next = 0;
        for (Redactor.Span span : spans) {
            out.addAll(words.subList(next, span.from()));
            out.add(span.tag());
            next = span.to();
        }
        out.addAll(words.subList(next, words.size()));
        return String.join(" ", out);
    }

    private static List<String> typed(String text) {
        String plain = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9']+", " ").strip();
        return plain.isEmpty() ? List.of() : List.of(plain.split(" "));
    }

    /** The typed words [first, last) that the characters [from, to) of the sentence cover. */
    private static int[] wordRange(String text, int from, int to) {
        return new int[] {typed(text.substring(0, from)).size(), typed(text.substring(0, to)).size()};
    }

    /**
     * For each recognised word, the typed word it stands for (edit-distance alignment of the two word lists);
     * a word Vosk inserted belongs with the typed word before it, so an extra word inside an item is the item's.
     */
    private static int[] align(List<String> typed, List<String> heard) {
        int n = typed.size();
        int m = heard.size();
        int[][] cost = new int[n + 1][m + 1];
        for (int i = 0; i <= n; i++) {
            for (int j = 0; j <= m; j++) {
                cost[i][j] = i == 0 ? j : j == 0 ? i : Math.min(
                        cost[i - 1][j - 1] + (typed.get(i - 1).equals(heard.get(j - 1)) ? 0 : 1),
                        Math.min(cost[i - 1][j], cost[i][j - 1]) + 1);
            }
        }
        int[] at = new int[m];
        int i = n;
        int j = m;
        while (j > 0) {
            if (i > 0 && cost[i][j] == cost[i - 1][j - 1]
                    + (typed.get(i - 1).equals(heard.get(j - 1)) ? 0 : 1)) {
                at[--j] = --i;
            } else if (i > 0 && cost[i][j] == cost[i - 1][j] + 1) {
                i--;
            } else {
                at[--j] = Math.max(0, i - 1);
            }
        }
        return at;
    }
}
