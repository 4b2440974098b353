package com.calmline.telephony;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Which media streams have gone quiet without stopping. Twilio sends a frame every 20 ms for as long as the
 * call lasts, silence included, so a stream that sends nothing for {@code stall} is lost, though its socket
 * may stay open until Jetty's idle timeout (30 s) closes it.
 * <p>
 * Quiet means both: no message for {@code stall}, and the stream's audio position (the end of its latest frame)
 * {@code stall} behind the time since it started. The second only matters to a client sending faster than
 * real time (the {@code simulate} command, a replay tool): what it sent ahead still covers the time it waits.
 * Twilio's position follows the wall clock, so for Twilio the first decides.
 * <p>
 * Frames are noted from the streams' socket threads; {@link #stalled} is asked by one watcher per instance.
 */
final class StreamStalls<K> {
    private final long stallNanos;
    private final LongSupplier nanos;
    private final Map<K, Heard> streams = new ConcurrentHashMap<>();

    private static final class Heard {
        final long startedNanos;
        volatile long lastNanos;
        volatile long positionMs;

        Heard(long now) {
            this.startedNanos = now;
            this.lastNanos = now;
        }
    }

    /** {@code nanos}: a monotonic clock, {@link System#nanoTime} but in tests. */
    StreamStalls(Duration stall, LongSupplier nanos) {
        if (stall.isNegative() || stall.isZero()) {
            throw new IllegalArgumentException("a stream stalls after a positive time, not " + stall);
        }
        this.stallNanos = stall.toNanos();
        this.nanos = nanos;
    }

    /** The stream started: from now on it owes a frame at least every {@code stall}. */
    void started(K stream) {
        streams.put(stream, new Heard(nanos.getAsLong()));
    }

    /** A message arrived on the stream; {@code positionMs}: where its audio has reached (-1: not audio). */
    void heard(K stream, long positionMs) {
        Heard heard = streams.get(stream);
        if (heard != null) {
            heard.lastNanos = nanos.getAsLong();
            if (positionMs > heard.positionMs) {
                heard.positionMs = positionMs;
            }
        }
    }

    /** The stream ended (stopped, closed, handed over at shutdown): it is watched no more. */
    void forget(K stream) {
        streams.remove(stream);
    }

    /** The streams quiet for {@code stall} since last asked, each reported once and then forgotten. */
    List<K> stalled() {
        long now = nanos.getAsLong();
        List<K> quiet = new ArrayList<>();
        for (Map.Entry<K, Heard> e : streams.entrySet()) {
            Heard h = e.getValue();
            long behindNanos = now - h.startedNanos - h.positionMs * 1_000_000;
            if (now - h.lastNanos >= stallNanos && behindNanos >= stallNanos && streams.remove(e.getKey(), h)) {
                quiet.add(e.getKey());
            }
        }
        return quiet;
    }
}
