package com.calmline.speech;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.vosk.Model;

/**
 * One call's two threads and its lane on the shared decoders. The audio thread drains the call's frame
 * queue: μ-law, voice activity on every frame (the conversation's clock, held up by Vosk only when an
 * utterance's words are {@link #WORDS_DUE_MS} late), and the
 * frames worth recognising handed to the call's {@link CallDecoder} through its {@link DecoderPool.Lane}.
 * What it hears, and the utterances the decoders finish, go in order through a second bounded queue to the
 * conversation thread, which runs the listener. The listener may wait on Twilio or Redis; the audio keeps
 * being heard meanwhile, up to {@link #CONVERSATION_BACKLOG} events ahead, after which the audio thread
 * waits too.
 */
final class CallWorker implements Transcriber.Session {
    /**
     * Half a second of both tracks' activity (a second of one). The audio thread, no longer slowed by Vosk,
     * would otherwise run up to a minute ahead of a conversation waiting on Twilio or Redis, and the caller's
     * voice it reports ({@link #callerVoiceMs}, which the line checks before speaking) would be that far past
     * the pause the line is deciding on: ListeningIT's caller who cuts in was taken for one who had already
     * spoken again. Past it the audio thread waits; frames wait in the call's queue, none is lost.
     */
    private static final int CONVERSATION_BACKLOG = 50;
    /** How often the audio thread passes on finished utterances when no frame comes. */
    private static final long DELIVER_EVERY_MS = 20;
    /**
     * How far past an utterance's end (on the stream's clock) the conversation may hear the audio without that
     * utterance's words. The earliest the line acts on a pause is {@code PAUSE_MS} after the last loud frame,
     * about 420 ms after the gate ends the utterance (at the default 1000 ms), so within this the decoders
     * change nothing the line decides, only, beyond it, when: a slow machine (or a test streaming faster
     * than real time) delays the line rather than make it decide without the words. At real time the final
     * result comes well within it, and the clock does not wait.
     */
    static final long WORDS_DUE_MS = 200;
    private static final Logger log = LoggerFactory.getLogger(CallWorker.class);

    /** What the call's worker takes, in arrival order: audio, a key the caller pressed, or the end. */
    private sealed interface Item {
    }

    private record Chunk(String track, long timestampMs, byte[] mulaw, long arrivedNanos) implements Item {
    }

    private record Key(String digits, long atMs) implements Item {
    }

    private record End() implements Item {
    }

    private record AgentJoined() implements Item {
    }

    private static final Item END = new End();
    private static final Runnable DONE = () -> { };

    private final String callSid;
    private final CallDecoder decoder;
    private final DecoderPool.Lane<CallDecoder.Work> lane;
    private final Counter skipped;
    private final Transcriber.Listener listener;
    private final BlockingQueue<Item> queue;
    private final BlockingQueue<Runnable> heard = new ArrayBlockingQueue<>(CONVERSATION_BACKLOG);
    private final AtomicBoolean finished = new AtomicBoolean();
    private final Timer clockLag;
    private final Runnable released;
    /** Utterance ends handed to the decoder whose words the conversation has not had yet, oldest first. */
    private final ArrayDeque<Due> due = new ArrayDeque<>();
    private long endsHandedIn;
    private volatile long receivedMs;
    private volatile long callerVoiceMs = -1;
    /** Set before the end is queued: the call goes on without us, so the listener hears of the audio stopping. */
    private volatile boolean detached;

    CallWorker(Model model, DecoderPool decoders, String callSid,
               Function<Transcriber.AudioClock, Transcriber.Listener> listener, int queueFrames, Meters meters,
               Runnable released) {
        this.callSid = callSid;
        this.decoder = new CallDecoder(model, callSid, meters.lag());
        this.lane = decoders.lane(queueFrames, decoder);
        this.skipped = meters.skipped();
        this.queue = new ArrayBlockingQueue<>(queueFrames);
        this.clockLag = meters.clockLag();
        this.released = released;
        this.listener = listener.apply(this);
    }

    /** The {@code n}th utterance end handed to the decoder; the conversation needs its words by {@code atMs}. */
    private record Due(long n, long atMs) {
    }

    /** What every call's audio is measured by. */
    record Meters(Timer lag, Timer clockLag, Counter skipped) {
    }

    void start(Executor audio, Executor conversation) {
        conversation.execute(this::converse);
        audio.execute(this::listen);
    }

    @Override
    public boolean offer(String track, long timestampMs, byte[] mulaw) {
        receivedMs = Math.max(receivedMs, timestampMs + mulaw.length / 8);
        return !finished.get() && queue.offer(new Chunk(track, timestampMs, mulaw, System.nanoTime()));
    }

    @Override
    public long callerVoiceMs() {
        return callerVoiceMs;
    }

    @Override
    public boolean press(String digits) {
        return !finished.get() && queue.offer(new Key(digits, receivedMs));
    }

    @Override
    public boolean agentJoined() {
        return !finished.get() && queue.offer(new AgentJoined());
    }

    @Override
    public boolean running() {
        return !finished.get();
    }

    @Override
    public long receivedMs() {
        return receivedMs;
    }

    @Override
    public void finish() {
        end(false);
    }

    @Override
    public void detach() {
        end(true);
    }

    private void end(boolean callGoesOn) {
        if (finished.compareAndSet(false, true)) {
            detached = callGoesOn;
            try {
                queue.put(END);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The audio thread. */
    private void listen() {
        MDC.put("callSid", callSid);
        Map<String, TrackGate> tracks = new LinkedHashMap<>();
        boolean agent = false;
        boolean decoding = false;
        long lastMs = 0;
        try {
            for (Item item = queue.poll(DELIVER_EVERY_MS, TimeUnit.MILLISECONDS); item != END;
                 item = queue.poll(DELIVER_EVERY_MS, TimeUnit.MILLISECONDS)) {
                deliverHeard();
                if (item instanceof Key key) {
                    pressed(key);
                } else if (item instanceof AgentJoined) {
                    agent = true;
                    tracks.values().forEach(TrackGate::transcribe);
                } else if (item instanceof Chunk chunk) {
                    boolean transcribed = agent || chunk.track().equals(Transcriber.CALLER);
                    TrackGate track = tracks.computeIfAbsent(chunk.track(), t -> new TrackGate(t, transcribed));
                    long atMs = chunk.timestampMs() + chunk.mulaw().length / 8;
                    lastMs = Math.max(lastMs, atMs);
                    TrackGate.Step step = track.accept(chunk.timestampMs(), MuLaw.decode(chunk.mulaw()));
                    for (TrackGate.Frame f : step.feed()) {
                        if (!lane.offer(new CallDecoder.Audio(chunk.track(), f, chunk.arrivedNanos()), chunk.arrivedNanos())) {
                            skipped.increment();
                        }
                    }
                    if (step.utteranceEnds()) {
                        lane.offerUrgent(new CallDecoder.Utterance(chunk.track(), atMs), System.nanoTime());
                        due.addLast(new Due(++endsHandedIn, atMs + WORDS_DUE_MS));
                    }
                    awaitWordsDue(atMs);
                    Transcriber.Activity activity = track.activity(atMs);
                    if (activity.speaking() && chunk.track().equals(Transcriber.CALLER)) {
                        callerVoiceMs = activity.atMs();
                    }
                    activity(activity);
                    clockLag.record(System.nanoTime() - chunk.arrivedNanos(), TimeUnit.NANOSECONDS);
                }
            }
            decoding = true;
            lane.offerUrgent(new CallDecoder.End(lastMs), System.nanoTime());
            decoder.awaitEnd();
            deliverHeard();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("call {}: its audio failed; the rest of this call's audio is not heard", callSid, e);
        } finally {
            if (!decoding) {
                // The decoder frees the recognisers on its own thread: they are never closed under a chunk.
                lane.offerUrgent(new CallDecoder.End(lastMs), System.nanoTime());
            }
            finished.set(true);
            queue.clear();
            long endMs = lastMs;
            if (detached) {
                hand("as the audio stopped", () -> listener.onAudioStopped(endMs));
            } else {
                hand("at end of call", () -> listener.onEnd(endMs));
            }
            hand(DONE);
            MDC.remove("callSid");
        }
    }

    /** Before the conversation hears audio at {@code atMs}, the words it is owed by then. */
    private void awaitWordsDue(long atMs) throws InterruptedException {
        while (!due.isEmpty() && due.peekFirst().atMs() <= atMs) {
            decoder.awaitEnds(due.removeFirst().n());
        }
        deliverHeard();
    }

    /** Hands the conversation the utterances the decoders finished since last time, in order. */
    private void deliverHeard() {
        Transcriber.Utterance next;
        while ((next = decoder.poll()) != null) {
            Transcriber.Utterance u = next;
            hand("on an utterance", () -> listener.onUtterance(u));
        }
    }

    /** The conversation thread: runs what the audio thread heard, in order, until the call's end is told. */
    private void converse() {
        MDC.put("callSid", callSid);
        try {
            for (Runnable next = heard.take(); next != DONE; next = heard.take()) {
                next.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            MDC.remove("callSid");
            released.run();
        }
    }

    private void pressed(Key key) {
        hand("on a key press", () -> listener.onKey(key.digits(), key.atMs()));
    }

    private void activity(Transcriber.Activity activity) {
        hand("on voice activity", () -> listener.onActivity(activity));
    }

    private void hand(String what, Runnable call) {
        hand(() -> {
            try {
                call.run();
            } catch (RuntimeException e) {
                log.error("call {}: listener failed {}", callSid, what, e);
            }
        });
    }

    /** Waits for room when the conversation is a minute behind; once interrupted (shutdown), only if there is room. */
    private void hand(Runnable event) {
        try {
            heard.put(event);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            heard.offer(event);
        }
    }
}
