package com.calmline.speech;

import java.nio.file.Files;
import java.nio.file.Path;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
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
 * (and the agent's once one joins), voice activity (no recognizer) on the others. Each call has two threads
 * behind bounded queues: its audio thread decodes μ-law and runs voice activity at the audio's pace, so the
 * WebSocket thread never waits and the conversation's clock never waits on Vosk; its conversation thread
 * runs the listener, so a slow Twilio or Redis never holds up the audio. Recognition runs on a fixed
 * {@link DecoderPool} shared by all calls, one thread per core by default, oldest audio first. At most
 * {@code maxCalls} calls are transcribed at once: past that, {@link #open} says no and the call is handled
 * without transcription, so the calls in progress keep real time.
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

    /**
     * At most this much of one call's audio (20 ms frames) per turn of a decoder thread, so a late call holds
     * it a bounded time.
     */
    static final int MAX_CHUNK_FRAMES = 50;

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

        /**
         * The end of the newest frame in which the caller was heard speaking, in stream ms (-1 before the
         * first): the audio thread's latest word, which may be ahead of the listener's.
         */
        long callerVoiceMs();
    }

    public interface Listener {
        void onUtterance(Utterance utterance);

        /**
         * Called for every frame, in stream order, before any utterance that frame completes: at the audio's
         * pace, while the words are decoded apart, so an utterance comes after the frame that ended it, and
         * up to 200 ms of audio later.
         */
        default void onActivity(Activity activity) {
        }

        /** The caller pressed {@code digits}; {@code atMs} is how far the call's audio had arrived then. */
        default void onKey(String digits, long atMs) {
        }

        /** The call's audio is fully processed; {@code atMs} is the end of the last frame received. */
        void onEnd(long atMs);

        /**
         * The call's audio is fully processed, but the call goes on without this transcriber (it was
         * {@linkplain Session#detach detached}: the instance is shutting down): the caller is still on the
         * phone, so nothing that belongs to the end of the call may happen yet. Instead of {@link #onEnd}.
         */
        default void onAudioStopped(long atMs) {
        }
    }

    private final Model model;
    private final Path modelDir;
    private final int queueFrames;
    private final int maxCalls;
    private final AtomicInteger live = new AtomicInteger();
    private final ThreadPoolExecutor audio;
    private final ThreadPoolExecutor conversations;
    private final DecoderPool decoders;
    private final CallWorker.Meters meters;
    private volatile boolean closing;

    private Transcriber(Model model, Path modelDir, int queueFrames, int maxCalls, int decoderThreads,
                        MeterRegistry metrics) {
        this.model = model;
        this.modelDir = modelDir;
        this.queueFrames = queueFrames;
        this.maxCalls = maxCalls;
        this.audio = pool("audio", maxCalls);
        this.conversations = pool("conversation", maxCalls);
        this.decoders = new DecoderPool("decoder", decoderThreads, MAX_CHUNK_FRAMES);
        this.meters = new CallWorker.Meters(
                lagTimer("calmline.transcription.lag", "a 20 ms frame of speech's wait from the media socket "
                        + "until the recognizer has taken it: how late the words that include it can be", metrics),
                lagTimer("calmline.audio.lag", "a 20 ms frame's wait from the media socket until its voice "
                        + "activity is known: how late the conversation's clock runs", metrics),
                Counter.builder("calmline.transcription.skipped")
                        .description("20 ms frames of speech not recognised: the call's recogniser was "
                                + "CALL_BACKLOG_FRAMES frames behind")
                        .register(metrics));
        metrics.gauge("calmline.calls.transcribed", live);
        // A supplier, not a boxed Integer: Micrometer holds a gauge's number weakly, and a GC would blank it.
        Gauge.builder("calmline.calls.transcribed.max", () -> maxCalls).register(metrics);
    }

    private static Timer lagTimer(String name, String description, MeterRegistry metrics) {
        return Timer.builder(name).description(description)
                .serviceLevelObjectives(Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMillis(100),
                        Duration.ofMillis(200), Duration.ofMillis(300), Duration.ofMillis(500), Duration.ofSeconds(1),
                        Duration.ofSeconds(2), Duration.ofSeconds(5))
                .register(metrics);
    }

    /**
     * Threads for at most {@code maxCalls} calls. A slot is counted free just before its thread returns to
     * the pool, so a call admitted at that moment waits briefly in the queue instead of being refused.
     */
    private static ThreadPoolExecutor pool(String name, int maxCalls) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(maxCalls, maxCalls, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(maxCalls), r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * Loads the model once; {@code queueFrames} bounds each call's backlog of 20 ms frames (waiting for its
     * audio thread, and again waiting for the decoders), {@code maxCalls} the calls transcribed at once,
     * {@code decoderThreads} the threads that recognise them all.
     */
    public static Transcriber load(Path modelDir, int queueFrames, int maxCalls, int decoderThreads,
                                   MeterRegistry metrics) {
        if (!Files.isDirectory(modelDir.resolve("am"))) {
            throw new IllegalStateException("No Vosk model at " + modelDir.toAbsolutePath()
                    + " (run `mvn package` to unpack it, or set VOSK_MODEL_DIR)");
        }
        LibVosk.setLogLevel(LogLevel.WARNINGS);
        try {
            Model model = new Model(modelDir.toString());
            log.info("Vosk model loaded from {}", modelDir.toAbsolutePath());
            return new Transcriber(model, modelDir, queueFrames, maxCalls, decoderThreads, metrics);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Vosk could not load the model at " + modelDir, e);
        }
    }

    public Path modelDir() {
        return modelDir;
    }

    /**
     * Starts transcribing one call, if there is room; the listener is made for the call's clock and called on
     * the call's conversation thread. Empty when {@code maxCalls} calls are already being transcribed.
     */
    public Optional<Session> open(String callSid, Function<AudioClock, Listener> listener) {
        if (closing || live.getAndUpdate(n -> n < maxCalls ? n + 1 : n) >= maxCalls) {
            return Optional.empty();
        }
        try {
            CallWorker worker = new CallWorker(model, decoders, callSid, listener, queueFrames, meters,
                    live::decrementAndGet);
            worker.start(audio, conversations);
            return Optional.of(worker);
        } catch (RuntimeException e) {
            live.decrementAndGet();
            throw e;
        }
    }

    /** True while a new call could be transcribed now. */
    public boolean hasRoom() {
        return !closing && live.get() < maxCalls;
    }

    /** Shutting down: no new call is transcribed from now on. */
    public void stopTaking() {
        closing = true;
    }

    /** Calls being transcribed now, and the most there may be. */
    public int live() {
        return live.get();
    }

    public int maxCalls() {
        return maxCalls;
    }

    /** Threads recognising speech for all calls. */
    public int decoderThreads() {
        return decoders.threads();
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

        /**
         * No more audio here, though the call goes on (this instance is shutting down): as {@link #finish},
         * but the listener is told the audio stopped, not that the call ended. Nothing once finished.
         */
        void detach();
    }

    /**
     * Waits up to {@code grace} for the calls in progress to finish (their streams end, their last utterances
     * and summaries are delivered), then stops the decoders and frees the model; calls still running then are
     * cut short, and the model and their recognizers are kept (leaked until exit) rather than freed under a
     * decoder still using them.
     */
    public boolean drain(Duration grace) throws InterruptedException {
        closing = true;
        audio.shutdown();
        conversations.shutdown();
        long deadline = System.nanoTime() + grace.toNanos();
        boolean done = audio.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS)
                && conversations.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (!done) {
            log.warn("{} calls were still being transcribed at shutdown; their audio stops here", live.get());
            audio.shutdownNow();
            conversations.shutdownNow();
        }
        decoders.close();
        return done;
    }

    @Override
    public void close() throws InterruptedException {
        if (drain(Duration.ofSeconds(10))) {
            model.close();
        }
    }
}
