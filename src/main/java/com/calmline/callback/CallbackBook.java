package com.calmline.callback;

import com.calmline.store.IndexStore;
import com.calmline.store.RecordStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The callbacks in Redis: {@code callback:{id}} hashes, {@code callbacks:due} (due time), {@code callbacks:in-flight}
 * (lease expiry) and {@code callbacks:all} (creation time). Claims, returns and settlements are single Lua
 * scripts, so any number of instances can run the scheduler and an entry is only ever in one place. A finished
 * entry (completed, failed, cancelled) and its history expire {@code kept} after it finished.
 */
final class CallbackBook {
    static final String DUE = "callbacks:due";
    static final String IN_FLIGHT = "callbacks:in-flight";
    static final String ALL = "callbacks:all";
    /** What a callback is about once the call it followed was erased: the customer's words went with it. */
    static final String ERASED_REASON = "your recent call";

    /**
     * Claims, in one step: up to ARGV[4] entries due by ARGV[2] move into the in-flight set, and entries whose
     * lease expired there (an instance died mid-dial) are taken over; all leased until ARGV[3]. Returns
     * {due ids, taken-over ids}.
     */
    private static final String CLAIM = """
            local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[4]))
            for _, id in ipairs(due) do
              redis.call('ZREM', KEYS[1], id)
              redis.call('ZADD', KEYS[2], ARGV[3], id)
              redis.call('HSET', ARGV[1] .. 'callback:' .. id, 'status', 'dialling')
            end
            local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[4]))
            for _, id in ipairs(expired) do
              redis.call('ZADD', KEYS[2], ARGV[3], id)
            end
            return {due, expired}""";
    /**
     * Settles an in-flight entry: ARGV[3] status, ARGV[4] attempts, ARGV[5] due (rescheduled when 'scheduled');
     * otherwise it is finished, and it and its history expire after ARGV[6] seconds.
     */
    private static final String SETTLE = """
            if redis.call('ZREM', KEYS[2], ARGV[2]) == 0 then return 0 end
            local key = ARGV[1] .. 'callback:' .. ARGV[2]
            redis.call('HSET', key, 'status', ARGV[3], 'attempts', ARGV[4], 'due', ARGV[5])
            if ARGV[3] == 'scheduled' then
              redis.call('ZADD', KEYS[1], ARGV[5], ARGV[2])
            else
              redis.call('EXPIRE', key, ARGV[6])
              redis.call('EXPIRE', key .. ':history', ARGV[6])
            end
            return 1""";
    /**
     * Changes a scheduled entry (ARGV[3] new status, ARGV[4] due; a cancelled one expires after ARGV[5]
     * seconds); refuses one being dialled or finished.
     */
    private static final String CHANGE = """
            local key = ARGV[1] .. 'callback:' .. ARGV[2]
            if redis.call('HGET', key, 'status') ~= 'scheduled' then return redis.call('HGET', key, 'status') or '' end
            redis.call('HSET', key, 'status', ARGV[3], 'due', ARGV[4])
            if ARGV[3] == 'scheduled' then
              redis.call('ZADD', KEYS[1], ARGV[4], ARGV[2])
            else
              redis.call('ZREM', KEYS[1], ARGV[2])
              redis.call('EXPIRE', key, ARGV[5])
              redis.call('EXPIRE', key .. ':history', ARGV[5])
            end
            return 'ok'""";
    /**
     * The call ARGV[3] followed was erased: an entry still to ring keeps its promise but loses the call's words
     * (ARGV[4] is its reason now) and its link ('kept'); a finished one goes, with its history ('gone').
     */
    private static final String FORGET_CALL = """
            local key = ARGV[1] .. 'callback:' .. ARGV[2]
            if redis.call('HGET', key, 'callSid') ~= ARGV[3] then return 'other' end
            local status = redis.call('HGET', key, 'status')
            if status == 'scheduled' or status == 'dialling' then
              redis.call('HSET', key, 'reason', ARGV[4], 'callSid', '')
              return 'kept'
            end
            redis.call('DEL', key, key .. ':history')
            redis.call('ZREM', KEYS[1], ARGV[2])
            return 'gone'""";
    /**
     * Forgets, among the entries created before ARGV[2], those whose record has expired, and finished ones that
     * never got an expiry (made before finished entries expired). Returns how many.
     */
    private static final String PRUNE = """
            local gone = 0
            for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])) do
              local key = ARGV[1] .. 'callback:' .. id
              local ttl = redis.call('TTL', key)
              local status = redis.call('HGET', key, 'status')
              if ttl == -2 or (ttl == -1 and status ~= 'scheduled' and status ~= 'dialling') then
                redis.call('DEL', key, key .. ':history')
                redis.call('ZREM', KEYS[1], id)
                gone = gone + 1
              end
            end
            return gone""";

    private final RecordStore store;
    private final IndexStore indexes;
    private final Duration kept;

    CallbackBook(RecordStore store, IndexStore indexes, Duration kept) {
        this.store = store;
        this.indexes = indexes;
        this.kept = kept;
    }

    /**
     * A new entry, held through a Redis outage like a transcript; not written if an entry that prevents it
     * ({@link Callback#preventedBy}) exists by the time Redis takes it.
     */
    void add(Callback c, long createdMs) {
        store.schedule("callback:" + c.id(), c.fields(), Map.of(DUE, c.dueMs(), ALL, createdMs), c.id(),
                Instant.now() + " scheduled " + c.kind().label() + " for " + Instant.ofEpochMilli(c.dueMs()),
                c.preventedBy().stream().map(id -> "callback:" + id).toList());
        if (!c.callSid().isEmpty()) {
            indexes.indexCall(c.id(), createdMs, List.of("call:" + c.callSid() + ":callbacks"), List.of());
        }
    }

    Optional<Callback> find(String id) {
        Map<String, String> f = store.record("callback:" + id);
        return f.isEmpty() ? Optional.empty() : Optional.of(Callback.of(f));
    }

    /** Due entries, and entries taken over from an instance whose lease expired. */
    record Claimed(List<String> due, List<String> takenOver) {
    }

    @SuppressWarnings("unchecked")
    Claimed claim(long nowMs, long leaseUntilMs, int max) {
        List<Object> both = (List<Object>) store.script(CLAIM, List.of(DUE, IN_FLIGHT), List.of(Long.toString(nowMs),
                Long.toString(leaseUntilMs), Integer.toString(max)));
        return new Claimed((List<String>) both.get(0), (List<String>) both.get(1));
    }

    /** Keeps an entry in flight until {@code untilMs} (its call is ringing). */
    void extendLease(String id, long untilMs) {
        store.script("if redis.call('ZSCORE', KEYS[1], ARGV[2]) then redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2]) end",
                List.of(IN_FLIGHT), List.of(id, Long.toString(untilMs)));
    }

    /** False if the entry was no longer in flight (settled already, by a duplicate status callback). */
    boolean settle(String id, Callback.Status status, int attempts, long dueMs) {
        return ((Long) store.script(SETTLE, List.of(DUE, IN_FLIGHT), List.of(id, status.label(),
                Integer.toString(attempts), Long.toString(dueMs), Long.toString(kept.toSeconds())))) == 1;
    }

    /** Reschedules or cancels a scheduled entry; returns "ok", or the status that stopped it. */
    String change(String id, Callback.Status status, long dueMs) {
        return String.valueOf(store.script(CHANGE, List.of(DUE), List.of(id, status.label(), Long.toString(dueMs),
                Long.toString(kept.toSeconds()))));
    }

    /** The call was erased: its callbacks keep no words of it and no link to it. */
    void forgetCall(String callSid) {
        for (String id : indexes.newest("call:" + callSid + ":callbacks", Integer.MAX_VALUE)) {
            if ("kept".equals(store.script(FORGET_CALL, List.of(ALL), List.of(id, callSid, ERASED_REASON)))) {
                history(id, "the call it followed was erased; its reason with it");
            }
        }
    }

    /** Drops the index entries of callbacks created before {@code beforeMs} that have expired; returns how many. */
    long prune(long beforeMs) {
        return (Long) store.script(PRUNE, List.of(ALL), List.of(Long.toString(beforeMs)));
    }

    /**
     * Marks attempt {@code attempt} of {@code id} as dialled, once: true for the first caller only. A claim
     * retried after a crash finds the mark and does not ring the customer a second time.
     */
    boolean firstToDial(String id, int attempt, String by) {
        return store.putIfAbsent(mark(id, attempt), by + " " + System.currentTimeMillis(), Duration.ofDays(2));
    }

    /** When attempt {@code attempt} was marked as dialled (epoch ms); empty if it never was. */
    Optional<Long> markedAt(String id, int attempt) {
        return store.value(mark(id, attempt)).map(v -> Long.parseLong(v.substring(v.indexOf(' ') + 1)));
    }

    private static String mark(String id, int attempt) {
        return "callback:" + id + ":dial:" + attempt;
    }

    void set(String id, Map<String, String> fields) {
        store.putRecord("callback:" + id, fields, Optional.empty());
    }

    void history(String id, String entry) {
        store.appendHistory("callback:" + id + ":history", Instant.now() + " " + entry);
    }

    List<String> historyOf(String id) {
        return store.history("callback:" + id + ":history");
    }

    /** Newest first. */
    List<Callback> recent(int max) {
        return indexes.newest(ALL, max).stream().map(this::find).flatMap(Optional::stream).toList();
    }
}
