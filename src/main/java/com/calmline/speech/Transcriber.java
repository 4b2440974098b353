package com.calmline.speech;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vosk.LibVosk;
import org.vosk.LogLevel;
import org.vosk.Model;

/**
 * Live transcription of calls: one Vosk {@link Model} per process, one recognizer for the caller's track
 * (and the agent's once one joins), voice activity (no recognizer) on the others, each call's audio decoded on its own worker behind a
 * bounded queue so the WebSocket thread never waits on Vosk.
 */
public final class Transcriber implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Transcriber.class);

    public record Word(String word, long startMs, long endMs, double confidence) {
        /**
         * Vosk's posterior for a word below which it is treated as not heard: what it got wrong in the test
         * calls ("a lawyer" for "hello", "bucks" for "box") scored 0.46-0.7, while clearly spoken words score
         * near 1.
         */
        public static final double SURE = 0.7;

        public boolean sure() {
            return confidence >= SURE;
        }
    }

    /** How the speaker sounded: mean loudness (dBFS), median pitch (Hz) and its spread (semitones); NaN if unmeasured. */
    public record Voice(double loudnessDb, double pitchHz, double pitchSpreadSemitones) {
    }

    /** A finished stretch of speech; times are ms since the stream started, {@code atMs} when it was known. */
    public record Utterance(String callSid, String track, String text, long startMs, long endMs, long atMs,
                            List<Word> words, Voice voice) {
        public double seconds() {
            return Math.max(0, endMs - startMs) / 1000.0;
        }

        /** The words the recogniser was sure of; the whole text when it gave no word details. */
        public String sureText() {
            if (words.isEmpty()) {
                return text;
            }
            return String.join(" ", words.stream().filter(Word::sure).map(Word::word).toList());
        }
    }

    /** Voice activity on a track after one 20 ms frame: whether the speaker is talking, and for how long not. */
    public record Activity(String track, long atMs, boolean speaking, long silentMs) {
    }

    /** The caller's own track, always transcribed. */
    public static final String CALLER = "inbound";
    /**
     * What the caller hears: the line's prompts and hold audio (voice activity only, the line's words are
     * known) until an agent joins, then the agent, transcribed.
     */
    public static final String AGENT = "outbound";

    /** How far the call's audio has arrived, which may be ahead of what the listener has been given yet. */
    public interface AudioClock {
        /** The end of the newest frame received for the call, in stream ms. */
        long receivedMs();
    }

    public interface Listener {
        void onUtterance(Utterance utterance);

        /** Called for every frame, in stream order, before any utterance that frame completes. */
        default void onActivity(Activity activity) {
        }

        /** The caller pressed {@code digits}; {@code atMs} is how far the call's audio had arrived then. */
        default void onKey(String digits, long atMs) {
        }

        /** The call's audio is fully processed; {@code atMs} is the end of the last frame received. */
        void onEnd(long atMs);
    }

    private final Model model;
    private final Path modelDir;
    private final int queueFrames;
    private final ExecutorService workers;

    private Transcriber(Model model, Path modelDir, int queueFrames) {
        this.model = model;
        this.modelDir = modelDir;
        this.queueFrames = queueFrames;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "transcriber-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Loads the model once; {@code queueFrames} bounds each call's backlog of 20 ms frames. */
    public static Transcriber load(Path modelDir, int queueFrames) {
        if (!Files.isDirectory(modelDir.resolve("am"))) {
            throw new IllegalStateException("No Vosk model at " + modelDir.toAbsolutePath()
                    + " (run `mvn package` to unpack it, or set VOSK_MODEL_DIR)");
        }
        LibVosk.setLogLevel(LogLevel.WARNINGS);
        try {
            Model model = new Model(modelDir.toString());
            log.info("Vosk model loaded from {}", modelDir.toAbsolutePath());
            return new Transcriber(model, modelDir, queueFrames);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Vosk could not load the model at " + modelDir, e);
        }
    }

    public Path modelDir() {
        return modelDir;
    }

    /** Starts transcribing one call; the listener is made for the call's clock and called on its worker thread. */
    public Session open(String callSid, Function<AudioClock, Listener> listener) {
        CallWorker worker = new CallWorker(model, callSid, listener, queueFrames);
        workers.execute(worker);
        return worker;
    }

    /** The audio side of one call, fed from the WebSocket thread. */
    public interface Session extends AudioClock {
        /** Queues one frame of μ-law audio; false if the call's backlog is full and the frame was dropped. */
        boolean offer(String track, long timestampMs, byte[] mulaw);

        /** Hands a key press to the listener, in order with the audio; false once the call has ended. */
        boolean press(String digits);

        /** An agent is on the call: from here on the outbound track is the agent, and is transcribed. */
        boolean agentJoined();

        /** True until the call's audio has ended or its worker failed. */
        boolean running();

        /** No more audio: flush, free the recognizers, then tell the listener. Idempotent. */
        void finish();
    }

    @Override
    public void close() throws InterruptedException {
        workers.shutdown();
        workers.awaitTermination(10, TimeUnit.SECONDS);
        model.close();
    }
}
