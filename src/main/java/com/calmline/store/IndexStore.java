package com.calmline.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * What supervisors search and read across calls: sorted sets of call sids scored by when (search terms,
 * facets), logs scored by time (alerts, the audit of views), and per-day counters, all on one hash slot of a
 * cluster (tagged {@code {idx}}), so a search intersects them in one script. Every set is remembered in
 * one index of indexes, so retention ({@link #prune}) drops old entries without scanning the keyspace. Writes
 * about a call are held through an outage like the transcript they index, and not made once it is erased.
 */
public final class IndexStore {
    private final Connection redis;

    IndexStore(Connection redis) {
        this.redis = redis;
    }

    /**
     * Puts the call into sorted sets (search terms, facets) scored by its start, remembering each set so
     * {@link #prune} finds it, and takes it out of those in {@code leave}.
     */
    public void indexCall(String callSid, double startedMs, Collection<String> keys, Collection<String> leave) {
        List<Write> batch = new ArrayList<>();
        for (String key : leave) {
            batch.add(new Write.Unindex(redis.key(key), callSid));
        }
        for (String key : keys) {
            batch.add(new Write.Index(redis.key(key), startedMs, callSid));
            batch.add(new Write.Member(redis.key(Connection.INDEX_KEYS), key));
        }
        if (!batch.isEmpty()) {
            redis.submit(redis.guarded(callSid, batch));
        }
    }

    /**
     * Adds a call ({@code member}) to counters in a hash that lives as long as transcripts; and, unless null,
     * ranks it in a sorted set. The counters' key is announced, so pages showing figures update.
     */
    public void count(String key, Map<String, Long> counts, String rankKey, double rank, String member) {
        List<Write> batch = new ArrayList<>();
        counts.forEach((field, by) -> batch.add(new Write.Count(redis.key(key), field, by)));
        batch.add(new Write.Expire(redis.key(key), redis.retentionSeconds));
        if (rankKey != null) {
            batch.add(new Write.Index(redis.key(rankKey), rank, member));
            batch.add(new Write.Expire(redis.key(rankKey), redis.retentionSeconds));
        }
        batch.add(announced(key));
        redis.submit(redis.guarded(member, batch));
    }

    /** Adds an entry to a log kept as a sorted set by time (the audit), announcing it to live pages. */
    public void log(String key, long atMs, String entry) {
        redis.submit(List.of(new Write.Index(redis.key(key), atMs, entry),
                new Write.Member(redis.key(Connection.INDEX_KEYS), key), announced(key)));
    }

    /** The same for an entry about a call (an alert), which is not written once the call is erased. */
    public void log(String callSid, String key, long atMs, String entry) {
        redis.submit(redis.guarded(callSid, List.of(new Write.Index(redis.key(key), atMs, entry),
                new Write.Member(redis.key(Connection.INDEX_KEYS), key), announced(key))));
    }

    /** A new entry in the log {@code key}, announced to live pages like a change to a call. */
    private Write announced(String key) {
        return new Write.Publish(redis.key(Connection.LIVE), key);
    }

    /** The newest {@code max} members of a sorted set (an index, a schedule). */
    public List<String> newest(String key, int max) {
        return redis.client.zrevrange(redis.key(key), 0, max - 1);
    }

    /** The newest entries of a sorted set scored in [{@code min}, {@code max}], skipping {@code offset}. */
    public List<String> newest(String key, double min, double max, int offset, int count) {
        return redis.client.zrevrangeByScore(redis.key(key), max, min, offset, count);
    }

    public long count(String key, double min, double max) {
        return redis.client.zcount(redis.key(key), min, max);
    }

    public Map<String, String> counters(String key) {
        return redis.client.hgetAll(redis.key(key));
    }

    /**
     * Runs a Lua script over indexes (a search's intersection, a median); its first key says where it runs, and
     * what keys of that kind begin with is its first argument, for the keys it builds.
     */
    public Object script(String lua, List<String> keys, List<String> args) {
        return redis.script(lua, keys, args);
    }

    /**
     * Drops from every index and log every entry scored before {@code beforeMs}, and forgets indexes left
     * empty: what retention means for sets, whose members cannot expire one by one. Returns entries dropped.
     */
    public long prune(long beforeMs, Collection<String> alsoKeys) {
        long dropped = 0;
        for (String key : alsoKeys) {
            dropped += redis.client.zremrangeByScore(redis.key(key), Double.NEGATIVE_INFINITY, beforeMs - 1);
        }
        String cursor = ScanParams.SCAN_POINTER_START;
        String indexes = redis.key(Connection.INDEX_KEYS);
        do {
            ScanResult<String> page = redis.client.sscan(indexes, cursor, new ScanParams().count(500));
            for (String key : page.getResult()) {
                dropped += redis.client.zremrangeByScore(redis.key(key), Double.NEGATIVE_INFINITY, beforeMs - 1);
                if (redis.client.zcard(redis.key(key)) == 0) {
                    redis.client.srem(indexes, key);
                }
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return dropped;
    }
}
