package com.calmline.store;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Everything durable about calls, in Redis. Writes survive an outage and a restart during it: they wait in
 * an outbox kept in memory and journalled under DATA_DIR
 * (in order) and are stored when Redis answers again. Reads during an outage fail with
 * {@link JedisException}, which the HTTP layer turns into 503.
 */
public final class Store implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Store.class);
    private static final int OUTBOX_BATCHES = 200_000;
    /** The channel on which every change to a call is announced (the call's sid), for live pages. */
    private static final String LIVE = "live";
    /** Every sorted set used as an index or a log, so retention can find them without scanning the keyspace. */
    private static final String INDEX_KEYS = "index:keys";
    /**
     * The calls erased (sids, scored by when), kept as long as transcripts: every write about a call is
     * guarded by it, so a write still on its way (a late webhook, a batch held in an outbox on any instance)
     * cannot bring an erased call back.
     */
    private static final String ERASED = "calls:erased";
    /**
     * Takes out of {@link #INDEX_KEYS} (ARGV[2]) the index sets named (ARGV[3..]) that no longer exist: their
     * names are words that were said. ARGV[1] is the prefix.
     */
    private static final String FORGET_EMPTIED = """
            for i = 3, #ARGV do
              if redis.call('EXISTS', ARGV[1] .. ARGV[i]) == 0 then redis.call('SREM', ARGV[1] .. ARGV[2], ARGV[i]) end
            end""";
    /**
     * Applies one batch atomically, in order. ARGV holds each write as its length, then its command. A guard
     * ('unless-exists' KEY, 'unless-member' KEY MEMBER) comes first and, when it holds, leaves the batch
     * unapplied. A write Redis ran and refused on its own (WRONGTYPE, a field that is not a number) is
     * answered by its place and message, and the rest go on, as in MULTI/EXEC. Any other refusal (out of
     * memory, a read-only replica, a failing disk, a user not allowed to write) comes at the first write,
     * before anything was written, and refuses the whole batch, to be held and tried again.
     */
    private static final String APPLY = """
            local refused, wrote, i, n = {}, false, 1, 0
            while i <= #ARGV do
              local len, command = tonumber(ARGV[i]), ARGV[i + 1]
              n = n + 1
              if command == 'unless-exists' then
                if redis.call('EXISTS', ARGV[i + 2]) == 1 then return 'skipped' end
              elseif command == 'unless-member' then
                if redis.call('ZSCORE', ARGV[i + 2], ARGV[i + 3]) then return 'skipped' end
              else
                local reply = redis.pcall(unpack(ARGV, i + 1, i + len))
                if type(reply) == 'table' and reply.err then
                  local own = string.find(reply.err, '^WRONGTYPE') or (string.find(reply.err, '^ERR')
                    and not string.find(reply.err, "can't run this command", 1, true))
                  if not wrote and not own then
                    return redis.error_reply(reply.err)
                  end
                  refused[#refused + 1] = n
                  refused[#refused + 1] = reply.err
                else
                  wrote = true
                end
              end
              i = i + len + 1
            end
            return refused""";

    private final RedisClient redis;
    private final Optional<EmbeddedRedis> embedded;
    private final String prefix;
    private final long retentionSeconds;
    private final Outbox outbox;
    private final ScheduledExecutorService retrier;

    private Store(RedisClient redis, Optional<EmbeddedRedis> embedded, String prefix, Duration retention,
                  Optional<Path> journalDir) {
        this.redis = redis;
        this.outbox = new Outbox(OUTBOX_BATCHES, journalDir.map(d -> new Journal(d.resolve("outbox.journal"))),
                journalDir.map(d -> new Journal(d.resolve("outbox.rejected"))));
        this.embedded = embedded;
        this.prefix = prefix;
        this.retentionSeconds = retention.toSeconds();
        this.retrier = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "store-outbox");
            t.setDaemon(true);
            return t;
        });
        retrier.scheduleWithFixedDelay(this::flush, 500, 500, TimeUnit.MILLISECONDS);
    }

    /**
     * Connects to {@code redisUrl}, or to the embedded Redis already serving {@code dataDir} (a command run
     * beside the service), or starts an embedded Redis persisting under {@code dataDir}.
     */
    public static Store open(Optional<URI> redisUrl, Path dataDir, String prefix, Duration retention)
            throws IOException {
        return open(redisUrl, dataDir, prefix, retention, Optional.of(dataDir));
    }

    /**
     * The same for a command run beside the service: it shares the service's Redis, but never its outbox
     * journal, which belongs to the service.
     */
    public static Store forCommand(Optional<URI> redisUrl, Path dataDir, String prefix, Duration retention)
            throws IOException {
        return open(redisUrl, dataDir, prefix, retention, Optional.empty());
    }

    private static Store open(Optional<URI> redisUrl, Path dataDir, String prefix, Duration retention,
                              Optional<Path> journal) throws IOException {
        if (redisUrl.isPresent()) {
            return new Store(RedisClient.create(redisUrl.get()), Optional.empty(), prefix, retention, journal);
        }
        Optional<RedisClient> running = running(dataDir);
        if (running.isPresent()) {
            return new Store(running.get(), Optional.empty(), prefix, retention, journal);
        }
        EmbeddedRedis server = EmbeddedRedis.start(dataDir);
        return new Store(RedisClient.create("127.0.0.1", server.port(), null, server.password()), Optional.of(server),
                prefix, retention, journal);
    }

    /** The embedded Redis a service beside us started for {@code dataDir}: its port and password are kept there. */
    private static Optional<RedisClient> running(Path dataDir) {
        Path portFile = dataDir.resolve(EmbeddedRedis.PORT_FILE);
        if (!Files.isRegularFile(portFile)) {
            return Optional.empty();
        }
        RedisClient client = null;
        try {
            client = RedisClient.create("127.0.0.1", Integer.parseInt(Files.readString(portFile).strip()), null,
                    Secret.read(dataDir.resolve(EmbeddedRedis.PASSWORD_FILE)).orElse(null));
            if ("PONG".equals(client.ping())) {
                return Optional.of(client);
            }
        } catch (IOException | NumberFormatException | JedisException e) {
            log.debug("no embedded Redis running for {}: {}", dataDir, e.toString());
        }
        if (client != null) {
            client.close();
        }
        return Optional.empty();
    }

    public void createCall(String callSid, long startedMs, Map<String, String> fields) {
        String key = callKey(callSid);
        List<Write> batch = new ArrayList<>(List.of(unlessErased(callSid), new Write.Hash(key, fields),
                new Write.Expire(key, retentionSeconds), new Write.Index(prefix + "calls:by-start", startedMs, callSid)));
        String from = fields.getOrDefault("from", "");
        if (!from.isEmpty()) {
            batch.add(new Write.Index(callerKey(from), startedMs, callSid));
            batch.add(new Write.Expire(callerKey(from), retentionSeconds));
        }
        submit(batch);
    }

    public void updateCall(String callSid, Map<String, String> fields) {
        submit(List.of(unlessErased(callSid), new Write.Hash(callKey(callSid), fields), live(callSid)));
    }

    /** The caller's calls, newest first, at most {@code max}. */
    public List<String> callsFrom(String from, int max) {
        return redis.zrevrange(callerKey(from), 0, max - 1);
    }

    /** Stores {@code value} under the call's {@code part} (e.g. its screen-pop), kept as long as its transcript. */
    public void saveCallPart(String callSid, String part, String value) {
        String key = callKey(callSid) + ":" + part;
        submit(List.of(unlessErased(callSid), new Write.Set(key, value), new Write.Expire(key, retentionSeconds),
                live(callSid)));
    }

    public Optional<String> callPart(String callSid, String part) {
        return Optional.ofNullable(redis.get(callKey(callSid) + ":" + part));
    }

    /** Adds the call to a named set of calls ordered by {@code score} (e.g. calls waiting for an agent). */
    public void listCall(String list, double score, String callSid) {
        submit(List.of(unlessErased(callSid), new Write.Index(prefix + "calls:" + list, score, callSid), live(callSid)));
    }

    public void unlistCall(String list, String callSid) {
        submit(List.of(new Write.Unindex(prefix + "calls:" + list, callSid), live(callSid)));
    }

    public boolean isListed(String list, String callSid) {
        return redis.zscore(prefix + "calls:" + list, callSid) != null;
    }

    /** The newest {@code max} calls of a named set. */
    public List<String> listed(String list, int max) {
        return redis.zrevrange(prefix + "calls:" + list, 0, max - 1);
    }

    /**
     * Sets the call's {@code field} to {@code value} only if it has none: one atomic HSETNX, so of two
     * people claiming at once exactly one wins. Returns who holds it now.
     */
    public String claimCall(String callSid, String field, String value) {
        String key = callKey(callSid);
        if (redis.hsetnx(key, field, value) == 1) {
            redis.publish(prefix + LIVE, callSid);
            return value;
        }
        return Objects.requireNonNullElse(redis.hget(key, field), "");
    }

    /**
     * Clears the call's {@code field} only if {@code value} still holds it (one compare-and-delete script), so
     * a claim given up never removes someone else's.
     */
    public void releaseCall(String callSid, String field, String value) {
        Object released = redis.eval("if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then "
                + "return redis.call('HDEL', KEYS[1], ARGV[1]) end return 0", List.of(callKey(callSid)),
                List.of(field, value));
        if (Long.valueOf(1).equals(released)) {
            redis.publish(prefix + LIVE, callSid);
        }
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
        unlessAny.forEach(key -> batch.add(new Write.UnlessExists(prefix + key)));
        batch.add(new Write.Hash(prefix + recordKey, fields));
        schedules.forEach((key, atMs) -> batch.add(new Write.Index(prefix + key, atMs, member)));
        batch.add(new Write.Append(prefix + recordKey + ":history", history));
        submit(batch);
    }

    /** Appends to a record's history list, held through an outage. */
    public void appendHistory(String key, String entry) {
        submit(List.of(new Write.Append(prefix + key, entry)));
    }

    public List<String> history(String key) {
        return redis.lrange(prefix + key, 0, -1);
    }

    /** The newest {@code max} members of a sorted set. */
    public List<String> newest(String key, int max) {
        return redis.zrevrange(prefix + key, 0, max - 1);
    }

    /**
     * Runs a Lua script atomically; {@code keys} are given without the prefix and passed prefixed, and the
     * prefix itself is the first argument, for keys the script builds.
     */
    public Object script(String lua, List<String> keys, List<String> args) {
        List<String> prefixedArgs = new ArrayList<>();
        prefixedArgs.add(prefix);
        prefixedArgs.addAll(args);
        return redis.eval(lua, keys.stream().map(k -> prefix + k).toList(), prefixedArgs);
    }

    /** A record outside any call (a user, a session), read now. */
    public Map<String, String> record(String key) {
        return redis.hgetAll(prefix + key);
    }

    /** Writes a record now, failing if Redis is away: these are answers to a person waiting on a page. */
    public void putRecord(String key, Map<String, String> fields, Optional<Duration> ttl) {
        redis.hset(prefix + key, fields);
        ttl.ifPresent(t -> redis.expire(prefix + key, t.toSeconds()));
    }

    /** Creates the record only if no record has the key (one HSETNX on its first field, then the rest). */
    public boolean createRecord(String key, Map<String, String> fields) {
        Map.Entry<String, String> first = fields.entrySet().iterator().next();
        if (redis.hsetnx(prefix + key, first.getKey(), first.getValue()) == 0) {
            return false;
        }
        redis.hset(prefix + key, fields);
        return true;
    }

    public void deleteRecord(String key) {
        redis.del(prefix + key);
    }

    public void addMember(String setKey, String member) {
        redis.sadd(prefix + setKey, member);
    }

    public List<String> members(String setKey) {
        return redis.smembers(prefix + setKey).stream().sorted().toList();
    }

    public Optional<String> value(String key) {
        return Optional.ofNullable(redis.get(prefix + key));
    }

    /** Sets each key to live for {@code ttl} more, in one round trip: marks that something is still alive. */
    public void touch(Collection<String> keys, Duration ttl) {
        try (AbstractPipeline pipe = redis.pipelined()) {
            keys.forEach(k -> pipe.set(prefix + k, "1", new SetParams().px(ttl.toMillis())));
            pipe.sync();
        }
    }

    public boolean exists(String key) {
        return redis.exists(prefix + key);
    }

    /** A value that lives for {@code ttl}, set only if absent; false if the key already existed. */
    public boolean putIfAbsent(String key, String value, Duration ttl) {
        return "OK".equals(redis.set(prefix + key, value, new SetParams().nx().ex(ttl.toSeconds())));
    }

    /**
     * Calls {@code onChange} with the sid of every call that changes, on any instance, until closed. Runs on
     * its own thread and resubscribes after Redis comes back.
     */
    public AutoCloseable followCalls(Consumer<String> onChange) {
        return follow(LIVE, onChange);
    }

    /** Tells every instance following {@code channel}; held through an outage like any write. */
    public void announce(String channel, String message) {
        submit(List.of(new Write.Publish(prefix + channel, message)));
    }

    /** Calls {@code onMessage} with every message announced on {@code channel}, on its own thread, until closed. */
    public AutoCloseable follow(String channel, Consumer<String> onMessage) {
        JedisPubSub subscription = new JedisPubSub() {
            @Override
            public void onMessage(String channel, String message) {
                onMessage.accept(message);
            }
        };
        Thread thread = new Thread(() -> {
            boolean warned = false;
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    redis.subscribe(subscription, prefix + channel);
                    return;
                } catch (JedisException e) {
                    if (!warned) {
                        log.warn("{} updates paused until Redis answers again: {}", channel, e.getMessage());
                        warned = true;
                    }
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }, "store-" + channel);
        thread.setDaemon(true);
        thread.start();
        return () -> {
            try {
                if (subscription.isSubscribed()) {
                    subscription.unsubscribe();
                }
            } catch (JedisException e) {
                log.debug("{} subscription already gone with its connection: {}", channel, e.getMessage());
            }
            thread.interrupt();
        };
    }

    /**
     * Puts the call into sorted sets (search terms, facets) scored by its start, remembering each set so
     * {@link #prune} finds it; held through an outage like the transcript it indexes.
     */
    public void indexCall(String callSid, double startedMs, Collection<String> keys, Collection<String> leave) {
        List<Write> batch = new ArrayList<>(List.of(unlessErased(callSid)));
        for (String key : leave) {
            batch.add(new Write.Unindex(prefix + key, callSid));
        }
        for (String key : keys) {
            batch.add(new Write.Index(prefix + key, startedMs, callSid));
            batch.add(new Write.Member(prefix + INDEX_KEYS, key));
        }
        if (batch.size() > 1) {
            submit(batch);
        }
    }

    /**
     * Adds a call ({@code member}) to counters in a hash that lives as long as transcripts; and, unless null,
     * ranks it in a sorted set.
     */
    public void count(String key, Map<String, Long> counts, String rankKey, double rank, String member) {
        List<Write> batch = new ArrayList<>(List.of(unlessErased(member)));
        counts.forEach((field, by) -> batch.add(new Write.Count(prefix + key, field, by)));
        batch.add(new Write.Expire(prefix + key, retentionSeconds));
        if (rankKey != null) {
            batch.add(new Write.Index(prefix + rankKey, rank, member));
            batch.add(new Write.Expire(prefix + rankKey, retentionSeconds));
        }
        submit(batch);
    }

    /** Adds an entry to a log kept as a sorted set by time (alerts, views), announcing it on {@code channel}. */
    public void log(String key, long atMs, String entry) {
        submit(List.of(new Write.Index(prefix + key, atMs, entry), new Write.Member(prefix + INDEX_KEYS, key),
                new Write.Publish(prefix + LIVE, key)));
    }

    /** The same for an entry about a call (an alert), which is not written once the call is erased. */
    public void log(String callSid, String key, long atMs, String entry) {
        submit(List.of(unlessErased(callSid), new Write.Index(prefix + key, atMs, entry),
                new Write.Member(prefix + INDEX_KEYS, key), new Write.Publish(prefix + LIVE, key)));
    }

    /** The newest entries of a sorted set scored in [{@code min}, {@code max}], skipping {@code offset}. */
    public List<String> newest(String key, double min, double max, int offset, int count) {
        return redis.zrevrangeByScore(prefix + key, max, min, offset, count);
    }

    public long count(String key, double min, double max) {
        return redis.zcount(prefix + key, min, max);
    }

    /** Several calls' hashes in one round trip, in order; an erased or expired call is an empty map. */
    public List<Map<String, String>> calls(List<String> callSids) {
        try (AbstractPipeline pipe = redis.pipelined()) {
            List<Response<Map<String, String>>> replies = callSids.stream().map(s -> pipe.hgetAll(callKey(s))).toList();
            pipe.sync();
            return replies.stream().map(Response::get).toList();
        }
    }

    public Map<String, String> counters(String key) {
        return redis.hgetAll(prefix + key);
    }

    /**
     * Erases a call: its hash, transcript, events and parts, its place in every index named, and the entries
     * named of logs ({@code entries}: log key to entries); one transaction, so a reader sees it whole or gone.
     * What is left is that it was erased ({@link #ERASED}), so no write still on its way stores it again.
     */
    public void erase(String callSid, Collection<String> indexKeys, Map<String, List<String>> entries) {
        List<String> parts = new ArrayList<>();
        ScanParams match = new ScanParams().match(callKey(callSid) + ":*").count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = redis.scan(cursor, match);
            parts.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        try (AbstractTransaction tx = redis.multi()) {
            tx.del(callKey(callSid));
            parts.forEach(tx::del);
            parts.forEach(part -> tx.srem(prefix + INDEX_KEYS, part.substring(prefix.length())));
            indexKeys.forEach(k -> tx.zrem(prefix + k, callSid));
            entries.forEach((log, gone) -> gone.forEach(entry -> tx.zrem(prefix + log, entry)));
            List<String> emptied = new ArrayList<>(List.of(prefix, INDEX_KEYS));
            emptied.addAll(indexKeys);
            tx.eval(FORGET_EMPTIED, List.of(), emptied);
            tx.zadd(prefix + ERASED, System.currentTimeMillis(), callSid);
            tx.sadd(prefix + INDEX_KEYS, ERASED);
            tx.publish(prefix + LIVE, callSid);
            tx.exec();
        }
    }

    /**
     * Drops from every index and log every entry scored before {@code beforeMs}, and forgets indexes left
     * empty: what retention means for sets, whose members cannot expire one by one. Returns entries dropped.
     */
    public long prune(long beforeMs, Collection<String> alsoKeys) {
        long dropped = 0;
        for (String key : alsoKeys) {
            dropped += redis.zremrangeByScore(prefix + key, Double.NEGATIVE_INFINITY, beforeMs - 1);
        }
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = redis.sscan(prefix + INDEX_KEYS, cursor, new ScanParams().count(500));
            for (String key : page.getResult()) {
                dropped += redis.zremrangeByScore(prefix + key, Double.NEGATIVE_INFINITY, beforeMs - 1);
                if (redis.zcard(prefix + key) == 0) {
                    redis.srem(prefix + INDEX_KEYS, key);
                }
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return dropped;
    }

    /** Appends an utterance to the call's transcript and, unless null, the matching event to its event stream. */
    public void appendUtterance(String callSid, String utteranceJson, String eventJson) {
        String utterances = callKey(callSid) + ":utterances";
        String events = callKey(callSid) + ":events";
        List<Write> batch = new ArrayList<>(List.of(unlessErased(callSid), new Write.Append(utterances, utteranceJson),
                new Write.Expire(utterances, retentionSeconds), live(callSid)));
        if (eventJson != null) {
            batch.add(new Write.Append(events, eventJson));
            batch.add(new Write.Expire(events, retentionSeconds));
        }
        submit(batch);
    }

    public void appendEvent(String callSid, String eventJson) {
        String events = callKey(callSid) + ":events";
        submit(List.of(unlessErased(callSid), new Write.Append(events, eventJson),
                new Write.Expire(events, retentionSeconds)));
    }

    public Map<String, String> call(String callSid) {
        return redis.hgetAll(callKey(callSid));
    }

    public List<String> events(String callSid) {
        return redis.lrange(callKey(callSid) + ":events", 0, -1);
    }

    public List<String> utterances(String callSid) {
        return redis.lrange(callKey(callSid) + ":utterances", 0, -1);
    }

    /** True when Redis answers a PING now. */
    public boolean reachable() {
        try {
            return "PONG".equals(redis.ping());
        } catch (JedisException e) {
            return false;
        }
    }

    /** Hands held writes to Redis; never throws, since a scheduled task that throws once never runs again. */
    private void flush() {
        try {
            outbox.flush(this::send);
        } catch (RuntimeException e) {
            log.error("handing held writes to Redis failed; trying again shortly", e);
        }
    }

    /** True when writes Redis cannot take are kept in a journal on disk (the service; not a command beside it). */
    public boolean journaled() {
        return outbox.journaled();
    }

    /** Writes Redis ran and refused (kept in {@code outbox.rejected} under DATA_DIR) since the start. */
    public long refusedWrites() {
        return outbox.refused();
    }

    /** Write batches held in memory because Redis did not answer. */
    public int heldWrites() {
        return outbox.size();
    }

    private String callKey(String callSid) {
        return prefix + "call:" + callSid;
    }

    private String callerKey(String from) {
        return prefix + "calls:by-caller:" + from;
    }

    private Write unlessErased(String callSid) {
        return new Write.UnlessMember(prefix + ERASED, callSid);
    }

    private Write live(String callSid) {
        return new Write.Publish(prefix + LIVE, callSid);
    }

    private void submit(List<Write> batch) {
        outbox.submit(batch, this::send);
    }

    /**
     * One batch in one script run ({@link #APPLY}). An error that refuses the whole batch is thrown as it comes;
     * a write Redis ran and answered with an error (the rest of the batch is stored) comes back as
     * {@link Outbox.Refused}.
     */
    private void send(List<Write> batch) {
        List<String> args = new ArrayList<>();
        for (Write w : batch) {
            List<String> command = w.command();
            args.add(Integer.toString(command.size()));
            args.addAll(command);
        }
        Object reply = redis.eval(APPLY, List.of(), args);
        if (!(reply instanceof List<?> answers) || answers.isEmpty()) {
            return;
        }
        List<Write> refused = new ArrayList<>();
        for (int i = 0; i + 1 < answers.size(); i += 2) {
            refused.add(batch.get(((Long) answers.get(i)).intValue() - 1));
        }
        throw new Outbox.Refused(refused, String.valueOf(answers.get(answers.size() - 1)));
    }

    @Override
    public void close() throws IOException {
        retrier.shutdown();
        outbox.flush(this::send);
        outbox.close();
        redis.close();
        if (embedded.isPresent()) {
            embedded.get().close();
        }
    }
}
