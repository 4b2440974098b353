package com.calmline.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.params.SetParams;

/**
 * Records outside any call, by key: users and their sessions, sign-in throttles, callbacks and their
 * histories and schedules. Most are answers to a person waiting on a page, so they are written now and fail
 * if Redis is away; what a caller was promised ({@link #schedule}, {@link #appendHistory}) is held through an
 * outage instead, like a transcript.
 */
public final class RecordStore {
    private final Connection redis;

    RecordStore(Connection redis) {
        this.redis = redis;
    }

    /** A record (a hash), read now; empty if there is none. */
    public Map<String, String> record(String key) {
        return redis.client.hgetAll(redis.key(key));
    }

    /** Writes a record now, failing if Redis is away: these are answers to a person waiting on a page. */
    public void putRecord(String key, Map<String, String> fields, Optional<Duration> ttl) {
        redis.client.hset(redis.key(key), fields);
        ttl.ifPresent(t -> redis.client.expire(redis.key(key), t.toSeconds()));
    }

    /** Creates the record only if no record has the key (one HSETNX on its first field, then the rest). */
    public boolean createRecord(String key, Map<String, String> fields) {
        Map.Entry<String, String> first = fields.entrySet().iterator().next();
        if (redis.client.hsetnx(redis.key(key), first.getKey(), first.getValue()) == 0) {
            return false;
        }
        redis.client.hset(redis.key(key), fields);
        return true;
    }

    public void deleteRecord(String key) {
        redis.client.del(redis.key(key));
    }

    public void addMember(String setKey, String member) {
        redis.client.sadd(redis.key(setKey), member);
    }

    /** The members of a set, sorted. */
    public List<String> members(String setKey) {
        return redis.client.smembers(redis.key(setKey)).stream().sorted().toList();
    }

    public Optional<String> value(String key) {
        return Optional.ofNullable(redis.client.get(redis.key(key)));
    }

    /** A value that lives for {@code ttl}, set only if absent; false if the key already existed. */
    public boolean putIfAbsent(String key, String value, Duration ttl) {
        return "OK".equals(redis.client.set(redis.key(key), value, new SetParams().nx().ex(ttl.toSeconds())));
    }

    /**
     * Writes a record, its place in schedules (sorted sets scored by epoch ms) and the first entry of its
     * history ({@code recordKey:history}), held through an outage like a transcript: what a caller was promised
     * must not be lost. Nothing is written if a record under any of {@code unlessAny} exists when Redis takes
     * it: a promise asked for twice is made once.
     */
    public void schedule(String recordKey, Map<String, String> fields, Map<String, Long> schedules, String member,
                         String history, Collection<String> unlessAny) {
        List<Write> batch = new ArrayList<>();
        unlessAny.forEach(key -> batch.add(new Write.UnlessExists(redis.key(key))));
        batch.add(new Write.Hash(redis.key(recordKey), fields));
        schedules.forEach((key, atMs) -> batch.add(new Write.Index(redis.key(key), atMs, member)));
        batch.add(new Write.Append(redis.key(recordKey + ":history"), history));
        redis.submit(batch);
    }

    /** Appends to a record's history list, held through an outage. */
    public void appendHistory(String key, String entry) {
        redis.submit(List.of(new Write.Append(redis.key(key), entry)));
    }

    public List<String> history(String key) {
        return redis.client.lrange(redis.key(key), 0, -1);
    }

    /**
     * Runs a Lua script atomically; {@code keys} are given as names and passed stored (all of one kind, so on
     * one slot), and the first argument is what keys of the first key's kind begin with, for keys the script
     * builds.
     */
    public Object script(String lua, List<String> keys, List<String> args) {
        return redis.script(lua, keys, args);
    }
}
