package com.calmline.store;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Everything durable about calls, in Redis. Writes survive an outage: they wait in an in-memory outbox
 * (in order) and are stored when Redis answers again. Reads during an outage fail with
 * {@link JedisException}, which the HTTP layer turns into 503.
 */
public final class Store implements AutoCloseable {
    private static final int OUTBOX_BATCHES = 200_000;

    private final RedisClient redis;
    private final Optional<EmbeddedRedis> embedded;
    private final String prefix;
    private final long retentionSeconds;
    private final Outbox outbox = new Outbox(OUTBOX_BATCHES);
    private final ScheduledExecutorService retrier;

    private Store(RedisClient redis, Optional<EmbeddedRedis> embedded, String prefix, Duration retention) {
        this.redis = redis;
        this.embedded = embedded;
        this.prefix = prefix;
        this.retentionSeconds = retention.toSeconds();
        this.retrier = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "store-outbox");
            t.setDaemon(true);
            return t;
        });
        retrier.scheduleWithFixedDelay(() -> outbox.flush(this::send), 500, 500, TimeUnit.MILLISECONDS);
    }

    /** Connects to {@code redisUrl}, or starts an embedded Redis persisting under {@code dataDir}. */
    public static Store open(Optional<URI> redisUrl, Path dataDir, String prefix, Duration retention)
            throws IOException {
        if (redisUrl.isPresent()) {
            return new Store(RedisClient.create(redisUrl.get()), Optional.empty(), prefix, retention);
        }
        EmbeddedRedis server = EmbeddedRedis.start(dataDir);
        return new Store(RedisClient.create("127.0.0.1", server.port()), Optional.of(server), prefix, retention);
    }

    public void createCall(String callSid, long startedMs, Map<String, String> fields) {
        String key = callKey(callSid);
        submit(List.of(new Write.Hash(key, fields), new Write.Expire(key, retentionSeconds),
                new Write.Index(prefix + "calls:by-start", startedMs, callSid)));
    }

    public void updateCall(String callSid, Map<String, String> fields) {
        submit(List.of(new Write.Hash(callKey(callSid), fields)));
    }

    /** Appends an utterance to the call's transcript and, unless null, the matching event to its event stream. */
    public void appendUtterance(String callSid, String utteranceJson, String eventJson) {
        String utterances = callKey(callSid) + ":utterances";
        String events = callKey(callSid) + ":events";
        List<Write> batch = new ArrayList<>(List.of(new Write.Append(utterances, utteranceJson),
                new Write.Expire(utterances, retentionSeconds)));
        if (eventJson != null) {
            batch.add(new Write.Append(events, eventJson));
            batch.add(new Write.Expire(events, retentionSeconds));
        }
        submit(batch);
    }

    public void appendEvent(String callSid, String eventJson) {
        String events = callKey(callSid) + ":events";
        submit(List.of(new Write.Append(events, eventJson), new Write.Expire(events, retentionSeconds)));
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

    /** Write batches held in memory because Redis did not answer. */
    public int heldWrites() {
        return outbox.size();
    }

    private String callKey(String callSid) {
        return prefix + "call:" + callSid;
    }

    private void submit(List<Write> batch) {
        outbox.submit(batch, this::send);
    }

    private void send(List<Write> batch) {
        try (AbstractTransaction tx = redis.multi()) {
            batch.forEach(w -> w.addTo(tx));
            tx.exec();
        }
    }

    @Override
    public void close() throws IOException {
        retrier.shutdown();
        outbox.flush(this::send);
        redis.close();
        if (embedded.isPresent()) {
            embedded.get().close();
        }
    }
}
