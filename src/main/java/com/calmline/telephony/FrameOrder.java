package com.calmline.telephony;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Puts a stream's messages back in sequence order. Duplicates and messages older than what was already
 * released are dropped; a gap is waited out for at most {@code maxHeld} later messages, then skipped so
 * one lost frame cannot stall the call.
 */
final class FrameOrder {
    private final int maxHeld;
    private final TreeMap<Long, MediaMessage> held = new TreeMap<>();
    private long next = 1;
    private long duplicates;
    private long skipped;

    FrameOrder(int maxHeld) {
        this.maxHeld = maxHeld;
    }

    /** Returns the messages that are now in order, possibly none; a duplicate returns none. */
    List<MediaMessage> offer(MediaMessage message) {
        long seq = message.sequence();
        if (seq < next || held.containsKey(seq)) {
            duplicates++;
            return List.of();
        }
        held.put(seq, message);
        List<MediaMessage> ready = release();
        if (held.size() > maxHeld) {
            skipped += held.firstKey() - next;
            next = held.firstKey();
            ready.addAll(release());
        }
        return ready;
    }

    /** The stream is over: everything still held, in order, gaps and all. */
    List<MediaMessage> drain() {
        List<MediaMessage> rest = new ArrayList<>(held.values());
        held.clear();
        return rest;
    }

    long duplicates() {
        return duplicates;
    }

    long skipped() {
        return skipped;
    }

    private List<MediaMessage> release() {
        List<MediaMessage> ready = new ArrayList<>();
        while (!held.isEmpty() && held.firstKey() == next) {
            ready.add(held.pollFirstEntry().getValue());
            next++;
        }
        return ready;
    }
}
