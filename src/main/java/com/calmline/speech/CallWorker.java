package com.calmline.speech;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.micrometer.core.instrument.Timer;
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
 * One call's two threads. The audio thread drains the call's frame queue into per-track recognizers; what
 * it hears goes, in order, through a second bounded queue to the conversation thread, which runs the
 * listener. The listener may wait on Twilio or Redis; the audio keeps being recognised meanwhile, up to
 * {@link #CONVERSATION_BACKLOG} events ahead, after which the audio thread waits too.
 */
final class CallWorker implements Transcriber.Session {
    /** A minute of per-frame activity: far longer than any Twilio or Redis timeout. */
    private static final int CONVERSATION_BACKLOG = 3000;
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

    private final Model model;
    private final String callSid;
    private final Transcriber.Listener listener;
    private final BlockingQueue<Item> queue;
    private final BlockingQueue<Runnable> heard = new ArrayBlockingQueue<>(CONVERSATION_BACKLOG);
    private final AtomicBoolean finished = new AtomicBoolean();
    private final Timer lag;
    private final Runnable released;
    private volatile long receivedMs;
    private volatile long callerVoiceMs = -1;
    /** Set before the end is queued: the call goes on without us, so the listener hears of the audio stopping. */
    private volatile boolean detached;

    CallWorker(Model model, String callSid, Function<Transcriber.AudioClock, Transcriber.Listener> listener,
               int queueFrames, Timer lag, Runnable released) {
        this.model = model;
        this.callSid = callSid;
        this.queue = new ArrayBlockingQueue<>(queueFrames);
        this.lag = lag;
        this.released = released;
        this.listener = listener.apply(this);
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
        Map<String, TrackRecognizer> tracks = new LinkedHashMap<>();
        boolean agent = false;
        long lastMs = 0;
        try {
            for (Item item = queue.take(); item != END; item = queue.take()) {
                if (item instanceof Key key) {
                    pressed(key);
                    continue;
                }
                if (item instanceof AgentJoined) {
                    agent = true;
                    tracks.values().forEach(t -> t.transcribe(model));
                    continue;
                }
                Chunk chunk = (Chunk) item;
                boolean transcribed = agent || chunk.track().equals(Transcriber.CALLER);
                TrackRecognizer track = tracks.computeIfAbsent(chunk.track(), t -> transcribed
                        ? TrackRecognizer.transcribing(model, callSid, t) : TrackRecognizer.voiceOnly(callSid, t));
                lastMs = Math.max(lastMs, chunk.timestampMs() + chunk.mulaw().length / 8);
                List<Transcriber.Utterance> utterances = track.accept(chunk.timestampMs(),
                        MuLaw.decode(chunk.mulaw()));
                lag.record(System.nanoTime() - chunk.arrivedNanos(), TimeUnit.NANOSECONDS);
                Transcriber.Activity activity = track.activity(chunk.timestampMs() + chunk.mulaw().length / 8);
                if (activity.speaking() && chunk.track().equals(Transcriber.CALLER)) {
                    callerVoiceMs = activity.atMs();
                }
                activity(activity);
                deliver(utterances);
            }
            List<Transcriber.Utterance> last = new ArrayList<>();
            for (TrackRecognizer track : tracks.values()) {
                track.finish(lastMs).ifPresent(last::add);
            }
            deliver(last);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("call {}: transcription failed; the rest of this call's audio is not transcribed", callSid, e);
        } finally {
            finished.set(true);
            queue.clear();
            tracks.values().forEach(TrackRecognizer::close);
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

    private void deliver(List<Transcriber.Utterance> utterances) {
        utterances.forEach(u -> hand("on an utterance", () -> listener.onUtterance(u)));
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
