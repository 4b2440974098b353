package com.calmline.store;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Writes that Redis could not take yet, in their original order, in memory and in the {@link Journal} on
 * disk. While anything waits here, new writes queue behind it, so a call's transcript never lands out of
 * order once Redis is back; a restart replays the journal first. While nothing waits, writes go straight
 * to Redis from the writing thread, in parallel, without taking this outbox's lock.
 *
 * <p>Every Redis error that refuses a whole batch (unreachable, out of memory, read-only replica, still
 * loading, busy script, authentication) is held and retried: it says nothing about the write itself. A write
 * Redis ran and refused on its own ({@link Refused}, e.g. the wrong type of key) would fail the same way
 * forever: it is kept in the rejected journal and reported, and the writes behind it go on.
 */
final class Outbox {
    private static final Logger log = LoggerFactory.getLogger(Outbox.class);

    /** Writes of a batch that Redis executed and answered with an error; the rest of the batch was stored. */
    static final class Refused extends RuntimeException {
        final List<Write> writes;

        Refused(List<Write> writes, String error) {
            super(error);
            this.writes = writes;
        }
    }

    /**
     * Redis took the first parts of a batch (each slot's part is one script run) and then stopped: what is
     * still to write is held, so the parts taken are not written twice. Journalled, the batch is kept whole
     * (a restart replays it whole, as after a crash mid-flush).
     */
    static final class Partly extends JedisException {
        final List<Write> rest;

        Partly(List<Write> rest, JedisException cause) {
            super(cause.getMessage(), cause);
            this.rest = rest;
        }
    }

    private final Deque<Journal.Entry> pending = new ArrayDeque<>();
    private final int capacity;
    private final Optional<Journal> journal;
    private final Optional<Journal> rejected;
    /** True while anything waits: read without the lock by every writer, so it is volatile. */
    private volatile boolean holding;
    private long dropped;
    private long refused;

    Outbox(int capacity, Optional<Journal> journal, Optional<Journal> rejected) {
        this.capacity = capacity;
        this.journal = journal;
        this.rejected = rejected;
        List<Journal.Entry> replayed = journal.map(Journal::replay).orElse(List.of());
        if (!replayed.isEmpty()) {
            log.warn("replaying {} write batches held by a previous run until Redis takes them", replayed.size());
            pending.addAll(replayed);
            holding = true;
        }
    }

    /** Sends now if nothing waits and Redis takes it; otherwise keeps the batch for {@link #flush}. */
    void submit(List<Write> batch, Consumer<List<Write>> send) {
        if (!holding) {
            try {
                send.accept(batch);
                return;
            } catch (Refused e) {
                reject(e);
                return;
            } catch (Partly e) {
                log.warn("Redis took part of a write and stopped ({}); holding the rest until it answers",
                        e.getMessage());
                hold(e.rest);
                return;
            } catch (JedisException e) {
                log.warn("Redis did not take a write ({}); holding writes until it does", e.getMessage());
            }
        }
        hold(batch);
    }

    private synchronized void hold(List<Write> batch) {
        holding = true;
        if (pending.size() >= capacity) {
            dropped++;
            log.error("Redis outbox full ({} batches); dropping the oldest, {} dropped so far", capacity, dropped);
            Journal.Entry oldest = pending.removeFirst();
            journal.ifPresent(j -> j.delivered(oldest.id()));
        }
        pending.addLast(new Journal.Entry(journal.map(j -> j.append(batch)).orElse(0L), batch));
    }

    /** Sends what waits, oldest first, stopping at the first batch Redis does not take. */
    synchronized void flush(Consumer<List<Write>> send) {
        int sent = 0;
        while (!pending.isEmpty()) {
            try {
                send.accept(pending.peekFirst().writes());
            } catch (Refused e) {
                reject(e);
            } catch (Partly e) {
                pending.addFirst(new Journal.Entry(pending.removeFirst().id(), e.rest));
                return;
            } catch (JedisException e) {
                return;
            }
            Journal.Entry stored = pending.removeFirst();
            journal.ifPresent(j -> j.delivered(stored.id()));
            sent++;
        }
        holding = false;
        if (sent > 0) {
            journal.ifPresent(Journal::clear);
            log.info("Redis is back; {} held write batches stored", sent);
        }
    }

    private synchronized void reject(Refused e) {
        refused += e.writes.size();
        rejected.ifPresent(j -> j.append(e.writes));
        log.error("Redis refused {} writes ({}); kept in the rejected-writes journal, {} so far", e.writes.size(),
                e.getMessage(), refused);
    }

    synchronized void close() {
        journal.ifPresent(Journal::close);
        rejected.ifPresent(Journal::close);
    }

    boolean journaled() {
        return journal.isPresent();
    }

    synchronized int size() {
        return pending.size();
    }

    synchronized long refused() {
        return refused;
    }
}
