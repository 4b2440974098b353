package com.calmline.conversation;

import com.calmline.emotion.AngerMeter;
import com.calmline.review.CallEvent;
import com.calmline.speech.Transcriber;
import com.calmline.telephony.CallControl;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One call's conversation on a scripted timeline, without audio or Vosk: the caller's voice activity every
 * 20 ms and their utterances as the recogniser gives them (400 ms after they stop, as its endpointing does),
 * the line speaking in demo mode the moment it decides. Everything the conversation records is kept here.
 */
final class Timeline {
    static final VentingPolicy.Settings SETTINGS = new VentingPolicy.Settings(1000, 1500, 3, 120, 0.5, 0.35, 2500,
            6000);
    private static final long FRAME_MS = 20;
    private static final long WORD_MS = 300;
    private static final long ENDPOINT_MS = 400;
    private static final AngerMeter ANGER = AngerMeter.load();
    private static final TurnReader READER = TurnReader.load(ANGER);

    private final List<CallEvent> events = new ArrayList<>();
    private final List<String> callbacks = new ArrayList<>();
    private final List<Handover.Facts> planned = new ArrayList<>();
    private final List<String> guessedFrom = new ArrayList<>();
    /** What the caller's words point to: by default a topic the line is sure of. */
    private Function<String, Handover.Guess> guesses = words -> new Handover.Guess("billing", "refund", 0.9, false);
    private final CallConversation conversation;
    private long t;
    private long lastVoiceMs = -1;
    private Optional<Transcriber.Utterance> pending = Optional.empty();
    private long pendingAtMs;

    Timeline() {
        this(SETTINGS);
    }

    Timeline(VentingPolicy.Settings settings) {
        Transcriber.AudioClock clock = new Transcriber.AudioClock() {
            @Override
            public long receivedMs() {
                return t;
            }

            @Override
            public long callerVoiceMs() {
                return lastVoiceMs;
            }
        };
        CallRecord record = new CallRecord() {
            @Override
            public void utterance(Transcriber.Utterance u, double anger, String level) {
                events.add(new CallEvent.Utterance(u.atMs(), u.track(), u.text(), u.startMs(), u.endMs(), anger, level));
            }

            @Override
            public void line(long startMs, long endMs, String text) {
            }

            @Override
            public void event(CallEvent event) {
                events.add(event);
            }

            @Override
            public void update(Map<String, String> fields) {
            }

            @Override
            public void end(long atMs) {
            }
        };
        Handover handover = new Handover() {
            @Override
            public Plan plan(Facts facts) {
                planned.add(facts);
                return new Plan("support", "other", 0.5, "test", List.of("other", "billing"), "{}");
            }

            @Override
            public Guess guess(String callerWords, double angerPeak) {
                guessedFrom.add(callerWords);
                return guesses.apply(callerWords);
            }

            @Override
            public void routed(Facts facts, Plan plan, long atMs) {
            }

            @Override
            public void ended(String callSid) {
            }
        };
        Callbacks book = new Callbacks() {
            @Override
            public Optional<String> requested(String callSid, String caller, String issue) {
                callbacks.add(issue);
                return Optional.of("Of course. We'll call you back tomorrow at 9 AM. Thank you, goodbye.");
            }

            @Override
            public void ended(String callSid, String caller, String issue, double angerPeak) {
            }
        };
        try {
            CallControl demo = new CallControl(Optional.empty(), () -> "http://localhost:8080", 30, Optional.empty());
            conversation = new CallConversation("CA" + "0".repeat(32), settings, PromptBook.load(Path.of("prompts")),
                    READER, ANGER.caller(), ANGER.caller(), new Delivery("CA" + "0".repeat(32), demo, clock,
                    new SimpleMeterRegistry()), record, handover, book, "+12015550123");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The caller says {@code text}, a word every {@value #WORD_MS} ms; a word written {@code ?word} was heard
     * unsurely (confidence 0.3), any other surely.
     */
    Timeline says(String text) {
        List<Transcriber.Word> words = new ArrayList<>();
        long start = t;
        for (String w : text.split(" ")) {
            boolean unsure = w.startsWith("?");
            long from = t;
            frames(WORD_MS, true);
            words.add(new Transcriber.Word(unsure ? w.substring(1) : w, from, t, unsure ? 0.3 : 1.0));
        }
        String heard = String.join(" ", words.stream().map(Transcriber.Word::word).toList());
        pending = Optional.of(new Transcriber.Utterance("CA" + "0".repeat(32), Transcriber.CALLER, heard, start, t,
                t + ENDPOINT_MS, List.copyOf(words), new Transcriber.Voice(-20, 120, 2)));
        pendingAtMs = t + ENDPOINT_MS;
        return this;
    }

    /** The caller makes a sound for {@code ms} that the recogniser turns into no words at all. */
    Timeline mumbles(long ms) {
        frames(ms, true);
        return this;
    }

    /** The caller stays quiet until the line has finished what it is saying, then answers as a listener would. */
    Timeline answers(String text) {
        silence(Math.max(0, lineUntilMs() - t) + 600);
        return says(text);
    }

    /** Nothing from the caller for {@code ms}. */
    Timeline silence(long ms) {
        frames(ms, false);
        return this;
    }

    /** The caller's line goes quiet until {@code ms} into the call. */
    Timeline silenceUntil(long ms) {
        return silence(Math.max(0, ms - t));
    }

    /** From now on the caller's words point to what {@code guesses} says. */
    Timeline guessing(Function<String, Handover.Guess> guesses) {
        this.guesses = guesses;
        return this;
    }

    /** What the line knew each time it planned a route. */
    List<Handover.Facts> planned() {
        return planned;
    }

    /** The caller's words each time the line asked what they point to. */
    List<String> guessedFrom() {
        return guessedFrom;
    }

    long now() {
        return t;
    }

    List<CallEvent.Decision> decisions() {
        return events.stream().filter(e -> e instanceof CallEvent.Decision).map(e -> (CallEvent.Decision) e).toList();
    }

    /** The decisions after the greeting that put words in the caller's ear. */
    List<CallEvent.Decision> spoken() {
        return decisions().stream().filter(d -> !List.of("greet", "wait", "stop").contains(d.action())).toList();
    }

    CallEvent.Decision last() {
        List<CallEvent.Decision> all = decisions();
        return all.get(all.size() - 1);
    }

    List<String> callbacksBooked() {
        return callbacks;
    }

    private long lineUntilMs() {
        return decisions().stream().mapToLong(CallEvent.Decision::lineUntilMs).max().orElse(0);
    }

    private void frames(long ms, boolean speaking) {
        for (long end = t + ms; t < end; ) {
            t += FRAME_MS;
            if (speaking) {
                lastVoiceMs = t;
            }
            long silent = speaking || lastVoiceMs < 0 ? 0 : t - lastVoiceMs;
            conversation.onActivity(new Transcriber.Activity(Transcriber.CALLER, t, speaking, silent));
            if (pending.isPresent() && t >= pendingAtMs) {
                Transcriber.Utterance u = pending.get();
                pending = Optional.empty();
                conversation.onUtterance(u);
            }
        }
    }
}
