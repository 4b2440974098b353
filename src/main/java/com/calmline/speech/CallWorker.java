package com.calmline.speech;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vosk.Model;

/** Drains one call's frame queue into per-track recognizers on a worker thread. */
final class CallWorker implements Transcriber.Session, Runnable {
    private static final Logger log = LoggerFactory.getLogger(CallWorker.class);

    /** What the call's worker takes, in arrival order: audio, a key the caller pressed, or the end. */
    private sealed interface Item {
    }

    private record Chunk(String track, long timestampMs, byte[] mulaw) implements Item {
    }

    private record Key(String digits, long atMs) implements Item {
    }

    private record End() implements Item {
    }

    private record AgentJoined() implements Item {
    }

    private static final Item END = new End();

    private final Model model;
    private final String callSid;
    private final Transcriber.Listener listener;
    private final BlockingQueue<Item> queue;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile long receivedMs;

    CallWorker(Model model, String callSid, Function<Transcriber.AudioClock, Transcriber.Listener> listener,
               int queueFrames) {
        this.model = model;
        this.callSid = callSid;
        this.queue = new ArrayBlockingQueue<>(queueFrames);
        this.listener = listener.apply(this);
    }

    @Override
    public boolean offer(String track, long timestampMs, byte[] mulaw) {
        receivedMs = Math.max(receivedMs, timestampMs + mulaw.length / 8);
        return !finished.get() && queue.offer(new Chunk(track, timestampMs, mulaw));
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
        if (finished.compareAndSet(false, true)) {
            try {
                queue.put(END);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void run() {
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
                List<Transcriber.Utterance> heard = track.accept(chunk.timestampMs(), MuLaw.decode(chunk.mulaw()));
                activity(track.activity(chunk.timestampMs() + chunk.mulaw().length / 8));
                deliver(heard);
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
            notifyEnd(lastMs);
        }
    }

    private void deliver(List<Transcriber.Utterance> utterances) {
        for (Transcriber.Utterance u : utterances) {
            try {
                listener.onUtterance(u);
            } catch (RuntimeException e) {
                log.error("call {}: listener failed on an utterance", callSid, e);
            }
        }
    }

    private void pressed(Key key) {
        try {
            listener.onKey(key.digits(), key.atMs());
        } catch (RuntimeException e) {
            log.error("call {}: listener failed on a key press", callSid, e);
        }
    }

    private void activity(Transcriber.Activity activity) {
        try {
            listener.onActivity(activity);
        } catch (RuntimeException e) {
            log.error("call {}: listener failed on voice activity", callSid, e);
        }
    }

    private void notifyEnd(long atMs) {
        try {
            listener.onEnd(atMs);
        } catch (RuntimeException e) {
            log.error("call {}: listener failed at end of call", callSid, e);
        }
    }
}
