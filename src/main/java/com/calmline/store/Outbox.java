package com.calmline.store;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Writes that Redis could not take yet, in their original order, in memory and in the {@link Journal} on
 * disk. While anything waits here, new writes queue behind it, so a call's transcript never lands out of
 * order once Redis is back; a restart replays the journal first.
 */
final class Outbox {
    private static final Logger log = LoggerFactory.getLogger(Outbox.class);

    private final Deque<List<Write>> pending = new ArrayDeque<>();
    private final int capacity;
    private final Optional<Journal> journal;
    private long dropped;

    Outbox(int capacity, Optional<Journal> journal) {
        this.capacity = capacity;
        this.journal = journal;
        List<List<Write>> replayed = journal.map(Journal::replay).orElse(List.of());
        if (!replayed.isEmpty()) {
            log.warn("replaying {} write batches held by a previous run until Redis takes them", replayed.size());
            pending.addAll(replayed);
        }
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
        journal.ifPresent(j -> j.append(batch));
        pending.addLast(batch);
    }

    /** Sends what waits, oldest first, stopping at the first connection failure. */
    synchronized void flush(Consumer<List<Write>> send) {
        int sent = 0;
        while (!pending.isEmpty()) {
            try {
                send.accept(pending.peekFirst());
            } catch (JedisConnectionException e) {
                if (sent > 0) {
                    // Redis went away again mid-flush: the journal keeps only what is still owed.
                    journal.ifPresent(j -> {
                        j.clear();
                        pending.forEach(j::append);
                    });
                }
                return;
            }
            pending.removeFirst();
            sent++;
        }
        if (sent > 0) {
            journal.ifPresent(Journal::clear);
            log.info("Redis is back; {} held write batches stored", sent);
        }
    }

    synchronized void close() {
        journal.ifPresent(Journal::close);
    }

    synchronized int size() {
        return pending.size();
    }
}
