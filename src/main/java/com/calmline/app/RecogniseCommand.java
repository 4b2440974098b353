package com.calmline.app;

import com.calmline.speech.PhoneAudio;
import com.calmline.speech.Transcriber;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code recognise DIR}: what the line hears of every scripted sentence of the rendered corpus calls in DIR,
 * one row a sentence, so that the topic and anger models are fitted and scored on recognised speech with its
 * slips, not only on typed text. Each call's audio goes through the live path's own {@link Transcriber}
 * (voice activity, Vosk, redaction), as fast as it decodes; each word goes to the sentence its middle falls in.
 */
final class RecogniseCommand {
    static final String USAGE = "recognise DIR";
    static final String HEADER = "# call\tindex\ttopic\tlabels\ttyped\trecognised\tsure";
    private static final int FRAME_BYTES = 160;

    private RecogniseCommand() {
    }

    static int run(String[] args, Config config, PrintStream out, PrintStream err) throws Exception {
        Args a = new Args("recognise", args, 1);
        if (args.length != 2 || !Files.isDirectory(Path.of(args[1]))) {
            throw a.usage((args.length < 2 ? "give" : String.join(" ", List.of(args).subList(1, args.length))
                    + " is not") + " one DIR of rendered calls (scripts/make-corpus.sh OUT_DIR corpus/dev/*.call)");
        }
        List<CorpusCall> calls = CorpusCall.inDirectory(Path.of(args[1]));
        try (Transcriber transcriber = Transcriber.load(config.voskModelDir(), 1 << 16, 1, 1, new SimpleMeterRegistry())) {
            out.println(HEADER);
            for (CorpusCall call : calls) {
                List<Transcriber.Word> words = heard(transcriber, call);
                for (String row : rows(call, words)) {
                    out.println(row);
                }
                out.flush();
            }
        }
        return 0;
    }

    private static List<Transcriber.Word> heard(Transcriber transcriber, CorpusCall call) throws IOException,
            InterruptedException {
        byte[] audio = PhoneAudio.load(call.audio());
        List<Transcriber.Word> words = new ArrayList<>();
        CountDownLatch ended = new CountDownLatch(1);
        Transcriber.Listener listener = new Transcriber.Listener() {
            @Override
            public void onUtterance(Transcriber.Utterance utterance) {
                if (utterance.track().equals(Transcriber.CALLER)) {
                    words.addAll(utterance.words());
                }
            }

            @Override
            public void onEnd(long atMs) {
                ended.countDown();
            }
        };
        Optional<Transcriber.Session> opened = transcriber.open("CA" + call.name(), clock -> listener);
        while (opened.isEmpty()) {
            // The previous call's slot is freed just after its end was reported.
            Thread.sleep(10);
            opened = transcriber.open("CA" + call.name(), clock -> listener);
        }
        Transcriber.Session session = opened.get();
        for (int at = 0; at + FRAME_BYTES <= audio.length; at += FRAME_BYTES) {
            byte[] frame = Arrays.copyOfRange(audio, at, at + FRAME_BYTES);
            while (!session.offer(Transcriber.CALLER, at / 8L, frame)) {
                Thread.sleep(2);
            }
        }
        session.finish();
        if (!ended.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException(call.name() + ": the transcriber did not finish");
        }
        return words;
    }

    /** One row a sentence; a word belongs to the sentence its middle falls in, or in the pause after. */
    static List<String> rows(CorpusCall call, List<Transcriber.Word> words) {
        List<CorpusCall.Sentence> sentences = call.sentences();
        List<List<Transcriber.Word>> bySentence = new ArrayList<>();
        sentences.forEach(s -> bySentence.add(new ArrayList<>()));
        for (Transcriber.Word w : words) {
            long middle = (w.startMs() + w.endMs()) / 2;
            int owner = 0;
            for (int i = 0; i < sentences.size(); i++) {
                if (sentences.get(i).startMs() <= middle + 100) {
                    owner = i;
                }
            }
            bySentence.get(owner).add(w);
        }
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < sentences.size(); i++) {
            CorpusCall.Sentence s = sentences.get(i);
            List<Transcriber.Word> heard = bySentence.get(i);
            rows.add(String.join("\t", call.name(), Integer.toString(i), call.topic(), labels(s),
                    s.text().replaceAll("\\s+", " "),
                    heard.stream().map(Transcriber.Word::word).collect(Collectors.joining(" ")),
                    heard.stream().filter(Transcriber.Word::sure).map(Transcriber.Word::word)
                            .collect(Collectors.joining(" "))));
        }
        return rows;
    }

    /** The sentence's labels as the corpus writes them ({@code corpus/README.md}). */
    private static String labels(CorpusCall.Sentence s) {
        List<String> labels = new ArrayList<>();
        labels.add(s.angry() ? "angry" : "calm");
        s.requests().forEach(r -> labels.add("req=" + r));
        if (s.accept()) {
            labels.add("accept");
        }
        if (s.vague()) {
            labels.add("vague");
        }
        return String.join(" ", labels);
    }
}
