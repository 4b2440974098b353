package com.calmline.speech;

import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.vosk.Model;

/**
 * One call's recognisers, run by whichever decoder thread holds the call's lane (one at a time). The call's
 * audio thread hands it {@link Work} in stream order; the utterances it finishes wait in {@link #heard} for
 * the audio thread to pass on, so a decoder thread never waits on a call's conversation.
 */
final class CallDecoder implements Consumer<List<CallDecoder.Work>> {
    private static final Logger log = LoggerFactory.getLogger(CallDecoder.class);

    sealed interface Work {
    }

    /** A frame to recognise, and when it reached the service. */
    record Audio(String track, TrackGate.Frame frame, long arrivedNanos) implements Work {
    }

    /** The track's speaker paused: its utterance ends at {@code atMs}. */
    record Utterance(String track, long atMs) implements Work {
    }

    /** The call's audio ended at {@code atMs}: the last utterances, then the recognisers are freed. */
    record End(long atMs) implements Work {
    }

    private final Model model;
    private final String callSid;
    private final Timer lag;
    private final Map<String, TrackRecognizer> tracks = new LinkedHashMap<>();
    private final Queue<Transcriber.Utterance> heard = new ConcurrentLinkedQueue<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    /** Utterance ends decoded so far; guarded by {@code this}. */
    private long endsDecoded;
    private boolean failed;

    CallDecoder(Model model, String callSid, Timer lag) {
        this.model = model;
        this.callSid = callSid;
        this.lag = lag;
    }

    @Override
    public void accept(List<Work> chunk) {
        MDC.put("callSid", callSid);
        try {
            for (int i = 0; i < chunk.size(); ) {
                Work w = chunk.get(i);
                if (w instanceof End end) {
                    end(end.atMs());
                    i++;
                } else if (w instanceof Utterance u) {
                    try {
                        recognise(() -> track(u.track()).end(u.atMs()).ifPresent(heard::add));
                    } finally {
                        endDecoded();
                    }
                    i++;
                } else {
                    i = feed(chunk, i);
                }
            }
        } finally {
            MDC.remove("callSid");
        }
    }

    /** Feeds the run of audio of one track that starts at {@code from} as one chunk; returns where the run ends. */
    private int feed(List<Work> chunk, int from) {
        String track = ((Audio) chunk.get(from)).track();
        List<TrackGate.Frame> frames = new ArrayList<>();
        List<Long> arrived = new ArrayList<>();
        int i = from;
        for (; i < chunk.size() && chunk.get(i) instanceof Audio a && a.track().equals(track); i++) {
            frames.add(a.frame());
            arrived.add(a.arrivedNanos());
        }
        TrackGate.Frame last = frames.get(frames.size() - 1);
        recognise(() -> track(track).feed(frames, last.streamMs() + last.pcm8k().length / 8).ifPresent(heard::add));
        long now = System.nanoTime();
        arrived.forEach(t -> lag.record(now - t, TimeUnit.NANOSECONDS));
        return i;
    }

    private TrackRecognizer track(String track) {
        return tracks.computeIfAbsent(track, t -> new TrackRecognizer(model, callSid, t));
    }

    /** Vosk failing once stops this call's transcription, never the decoder thread or the call itself. */
    private void recognise(Runnable step) {
        if (failed) {
            return;
        }
        try {
            step.run();
        } catch (RuntimeException e) {
            failed = true;
            log.error("call {}: transcription failed; the rest of this call's audio is not transcribed", callSid, e);
            close();
        }
    }

    private void end(long atMs) {
        try {
            for (TrackRecognizer track : tracks.values()) {
                recognise(() -> track.end(atMs).ifPresent(heard::add));
            }
        } finally {
            close();
            ended.countDown();
        }
    }

    private void close() {
        tracks.values().forEach(TrackRecognizer::close);
        tracks.clear();
    }

    private synchronized void endDecoded() {
        endsDecoded++;
        notifyAll();
    }

    /** Waits until the first {@code ends} {@link Utterance} ends handed in have been decoded. */
    synchronized void awaitEnds(long ends) throws InterruptedException {
        while (endsDecoded < ends) {
            wait();
        }
    }

    /** The next utterance finished and not yet passed on, if any. */
    Transcriber.Utterance poll() {
        return heard.poll();
    }

    /** Waits until the call's {@link End} has been decoded and its recognisers freed. */
    void awaitEnd() throws InterruptedException {
        ended.await();
    }
}
