package com.calmline.store;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

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

    /**
     * Sends now if nothing waits and Redis takes it; otherwise keeps the batch for {@link #flush}. Redis
     * refusing it for now (still loading its data after a restart, out of memory, read-only) is an outage too.
     */
    synchronized void submit(List<Write> batch, Consumer<List<Write>> send) {
        if (pending.isEmpty()) {
            try {
                send.accept(batch);
                return;
            } catch (JedisException e) {
                log.warn("Redis unreachable or refusing writes ({}); holding writes until it takes them",
                        e.getMessage());
            }
        }
        if (pending.size() >= capacity) {
            dropped++;
            log.error("Redis outbox full ({} batches); dropping the oldest, {} dropped so far", capacity, dropped);
            pending.removeFirst();
            // Gone: the journal must not count it as owed, or the next batch delivered would be marked as it.
            journal.ifPresent(Journal::delivered);
        }
        journal.ifPresent(j -> j.append(batch));
        pending.addLast(batch);
    }

    /**
     * Sends what waits, oldest first, stopping at the first failure. Never throws for Redis: this runs on a
     * schedule, and a schedule that throws once never runs again.
     */
    synchronized void flush(Consumer<List<Write>> send) {
        int sent = 0;
        while (!pending.isEmpty()) {
            try {
                send.accept(pending.peekFirst());
            } catch (JedisConnectionException e) {
                return;
            } catch (JedisException e) {
                log.warn("Redis refused held writes ({}); trying again shortly", e.getMessage());
                return;
            }
            pending.removeFirst();
            journal.ifPresent(Journal::delivered);
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
