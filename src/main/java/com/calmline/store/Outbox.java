package com.calmline.store;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Writes that Redis could not take yet, in their original order. While anything waits here, new writes
 * queue behind it, so a call's transcript never lands out of order once Redis is back.
 */
final class Outbox {
    private static final Logger log = LoggerFactory.getLogger(Outbox.class);

    private final Deque<List<Write>> pending = new ArrayDeque<>();
    private final int capacity;
    private long dropped;

    Outbox(int capacity) {
        this.capacity = capacity;
    }

    /** Sends now if nothing waits and Redis answers; otherwise keeps the batch for {@link #flush}. */
    synchronized void submit(List<Write> batch, Consumer<List<Write>> send) {
        if (pending.isEmpty()) {
            try {
                send.accept(batch);
                return;
            } catch (JedisConnectionException e) {
                log.warn("Redis unreachable ({}); holding writes in memory until it is back", e.getMessage());
            }
        }
        if (pending.size() >= capacity) {
            dropped++;
            log.error("Redis outbox full ({} batches); dropping the oldest, {} dropped so far", capacity, dropped);
            pending.removeFirst();
        }
        pending.addLast(batch);
    }

    /** Sends what waits, oldest first, stopping at the first connection failure. */
    synchronized void flush(Consumer<List<Write>> send) {
        int sent = 0;
        while (!pending.isEmpty()) {
            try {
                send.accept(pending.peekFirst());
            } catch (JedisConnectionException e) {
                return;
            }
            pending.removeFirst();
            sent++;
        }
        if (sent > 0) {
            log.info("Redis is back; {} held write batches stored", sent);
        }
    }

    synchronized int size() {
        return pending.size();
    }
}
