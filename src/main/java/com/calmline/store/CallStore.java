package com.calmline.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Everything kept about one call, under {@code call:{sid}} (one hash slot on a cluster): its record (a hash), its parts (the screen-pop,
 * marks such as {@code :live}), its transcript and events (lists), the named lists it is on (callers waiting,
 * an agent's calls), claims on it, and its erasure. Writes are held through an outage and never bring an
 * erased call back; each change is announced to live pages. Reads during an outage fail with
 * {@link redis.clients.jedis.exceptions.JedisException}, which the HTTP layer turns into 503.
 */
public final class CallStore {
    private final Connection redis;

    CallStore(Connection redis) {
        this.redis = redis;
    }

    public void createCall(String callSid, long startedMs, Map<String, String> fields) {
        String key = redis.callKey(callSid);
        List<Write> batch = new ArrayList<>(List.of(new Write.Hash(key, fields),
                new Write.Expire(key, redis.retentionSeconds),
                new Write.Index(redis.key("calls:by-start"), startedMs, callSid)));
        String from = fields.getOrDefault("from", "");
        if (!from.isEmpty()) {
            batch.add(new Write.Index(callerKey(from), startedMs, callSid));
            batch.add(new Write.Expire(callerKey(from), redis.retentionSeconds));
        }
        redis.submit(redis.guarded(callSid, batch));
    }

    public void updateCall(String callSid, Map<String, String> fields) {
        redis.submit(redis.guarded(callSid, List.of(new Write.Hash(redis.callKey(callSid), fields),
                redis.live(callSid))));
    }

    public Map<String, String> call(String callSid) {
        return redis.client.hgetAll(redis.callKey(callSid));
    }

    /** Several calls' records in one round trip, in order; an erased or expired call is an empty map. */
    public List<Map<String, String>> calls(List<String> callSids) {
        try (AbstractPipeline pipe = redis.client.pipelined()) {
            List<Response<Map<String, String>>> replies = callSids.stream()
                    .map(s -> pipe.hgetAll(redis.callKey(s))).toList();
            pipe.sync();
            return replies.stream().map(Response::get).toList();
        }
    }

    /** The caller's calls, newest first, at most {@code max}. */
    public List<String> callsFrom(String from, int max) {
        return redis.client.zrevrange(callerKey(from), 0, max - 1);
    }

    /** Stores {@code value} under the call's {@code part} (e.g. its screen-pop), kept as long as its transcript. */
    public void saveCallPart(String callSid, String part, String value) {
        String key = redis.callKey(callSid) + ":" + part;
        redis.submit(redis.guarded(callSid, List.of(new Write.Set(key, value),
                new Write.Expire(key, redis.retentionSeconds), redis.live(callSid))));
    }

    public Optional<String> callPart(String callSid, String part) {
        return Optional.ofNullable(redis.client.get(redis.callKey(callSid) + ":" + part));
    }

    /**
     * Sets the call's {@code part} for {@code ttl}, now and only if it is not set: false if it was. Kept among
     * the call's own keys, so erasing the call erases it too.
     */
    public boolean markOnce(String callSid, String part, String value, Duration ttl) {
        return "OK".equals(redis.client.set(redis.callKey(callSid) + ":" + part, value,
                new SetParams().nx().ex(ttl.toSeconds())));
    }

    /**
     * Marks, in one round trip, that this instance still hears each of these calls, for {@code ttl} more: how
     * every instance knows a call's audio is being transcribed somewhere.
     */
    public void markHeard(Collection<String> callSids, Duration ttl) {
        try (AbstractPipeline pipe = redis.client.pipelined()) {
            callSids.forEach(s -> pipe.set(heardKey(s), "1", new SetParams().px(ttl.toMillis())));
            pipe.sync();
        }
    }

    /** True while an instance marks the call as heard ({@link #markHeard}). */
    public boolean heard(String callSid) {
        return redis.client.exists(heardKey(callSid));
    }

    /** Adds the call to a named set of calls ordered by {@code score} (e.g. calls waiting for an agent). */
    public void listCall(String list, double score, String callSid) {
        redis.submit(redis.guarded(callSid, List.of(new Write.Index(listKey(list), score, callSid),
                redis.live(callSid))));
    }

    public void unlistCall(String list, String callSid) {
        redis.submit(List.of(new Write.Unindex(listKey(list), callSid), redis.live(callSid)));
    }

    public boolean isListed(String list, String callSid) {
        return redis.client.zscore(listKey(list), callSid) != null;
    }

    /** The newest {@code max} calls of a named set. */
    public List<String> listed(String list, int max) {
        return redis.client.zrevrange(listKey(list), 0, max - 1);
    }

    /**
     * Sets the call's {@code field} to {@code value} only if it has none: one atomic HSETNX, so of two
     * people claiming at once exactly one wins. Returns who holds it now.
     */
    public String claimCall(String callSid, String field, String value) {
        String key = redis.callKey(callSid);
        if (redis.client.hsetnx(key, field, value) == 1) {
            redis.client.publish(redis.key(Connection.LIVE), callSid);
            return value;
        }
        return Objects.requireNonNullElse(redis.client.hget(key, field), "");
    }

    /**
     * Clears the call's {@code field} only if {@code value} still holds it (one compare-and-delete script), so
     * a claim given up never removes someone else's.
     */
    public void releaseCall(String callSid, String field, String value) {
        Object released = redis.client.eval("if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then "
                + "return redis.call('HDEL', KEYS[1], ARGV[1]) end return 0", List.of(redis.callKey(callSid)),
                List.of(field, value));
        if (Long.valueOf(1).equals(released)) {
            redis.client.publish(redis.key(Connection.LIVE), callSid);
        }
    }

    /** Appends an utterance to the call's transcript and, unless null, the matching event to its event stream. */
    public void appendUtterance(String callSid, String utteranceJson, String eventJson) {
        String utterances = redis.callKey(callSid) + ":utterances";
        String events = redis.callKey(callSid) + ":events";
        List<Write> batch = new ArrayList<>(List.of(new Write.Append(utterances, utteranceJson),
                new Write.Expire(utterances, redis.retentionSeconds), redis.live(callSid)));
        if (eventJson != null) {
            batch.add(new Write.Append(events, eventJson));
            batch.add(new Write.Expire(events, redis.retentionSeconds));
        }
        redis.submit(redis.guarded(callSid, batch));
    }

    public void appendEvent(String callSid, String eventJson) {
        String events = redis.callKey(callSid) + ":events";
        redis.submit(redis.guarded(callSid, List.of(new Write.Append(events, eventJson),
                new Write.Expire(events, redis.retentionSeconds))));
    }

    public List<String> events(String callSid) {
        return redis.client.lrange(redis.callKey(callSid) + ":events", 0, -1);
    }

    public List<String> utterances(String callSid) {
        return redis.client.lrange(redis.callKey(callSid) + ":utterances", 0, -1);
    }

    /**
     * Runs a Lua script over named lists of calls ({@code keys} such as {@code calls:unfinished}, given without
     * the prefix); the prefix is its first argument.
     */
    public Object script(String lua, List<String> keys, List<String> args) {
        return redis.script(lua, keys, args);
    }

    /**
     * Erases a call: its record, transcript, events and parts, its place in every index named, and the entries
     * named of logs ({@code entries}: log key to entries). Two atomic steps, one per slot: the indexes first
     * (while the call's record is there to erase again should the second fail), then the call's own keys. What
     * is left is that it was erased, in both slots, so no write still on its way stores it again in either.
     */
    public void erase(String callSid, Collection<String> indexKeys, Map<String, List<String>> entries) {
        List<String> parts = new ArrayList<>();
        ScanParams match = new ScanParams().match(redis.callKey(callSid) + ":*").count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = redis.client.scan(cursor, match);
            parts.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        String indexes = redis.key(Connection.INDEX_KEYS);
        List<Write> batch = new ArrayList<>();
        parts.forEach(part -> batch.add(new Write.Unmember(indexes, redis.name(part))));
        indexKeys.forEach(k -> batch.add(new Write.Unindex(redis.key(k), callSid)));
        entries.forEach((log, gone) -> gone.forEach(entry -> batch.add(new Write.Unindex(redis.key(log), entry))));
        indexKeys.forEach(k -> batch.add(new Write.ForgetIfGone(indexes, redis.key(k), k)));
        batch.add(new Write.Index(redis.key(Connection.ERASED), System.currentTimeMillis(), callSid));
        batch.add(new Write.Member(indexes, Connection.ERASED));
        batch.add(new Write.Delete(redis.callKey(callSid)));
        parts.forEach(part -> batch.add(new Write.Delete(part)));
        String marker = redis.erasedMarker(callSid);
        batch.add(new Write.Set(marker, "1"));
        batch.add(new Write.Expire(marker, redis.retentionSeconds));
        batch.add(redis.live(callSid));
        redis.applyNow(batch);
    }

    private String listKey(String list) {
        return redis.key("calls:" + list);
    }

    private String callerKey(String from) {
        return redis.key("calls:by-caller:" + from);
    }

    private String heardKey(String callSid) {
        return redis.callKey(callSid) + ":live";
    }
}
