package com.calmline.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The one connection to Redis that every store shares: the client (one server or a cluster), where each key
 * lives, how long what is kept about calls lives, and the outbox. Writes go out as batches through one Lua
 * script ({@link #APPLY}), run once per hash slot the batch touches ({@link Slices}); a batch Redis cannot take
 * waits in the outbox (in memory, and journalled under DATA_DIR when {@code journalDir} is given) and a thread
 * of its own hands it over once Redis answers again, in order.
 *
 * <p>Key names are given by the stores' users as names ({@code call:CA1:utterances}, {@code callback:ID},
 * {@code index:word:refund}) and stored under a hash tag that says which slot they share ({@link #stored}):
 * what is kept about one call under {@code {sid}}, callbacks under {@code {callbacks}}, users, sessions and
 * sign-in throttles under {@code {users}}, every index across calls under {@code {idx}}.
 */
final class Connection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Connection.class);
    private static final int OUTBOX_BATCHES = 200_000;
    /** The channel on which every change to a call is announced (the call's sid), for live pages. */
    static final String LIVE = "live";
    /** Every sorted set used as an index or a log, so retention can find them without scanning the keyspace. */
    static final String INDEX_KEYS = "index:keys";
    /**
     * The calls erased (sids, scored by when), kept as long as transcripts: every write about a call to the
     * indexes is guarded by it, and every write to the call's own keys by its marker in the call's slot
     * ({@link #erasedMarker}), so a write still on its way (a late webhook, a batch held in an outbox on any
     * instance) cannot bring an erased call back into either.
     */
    static final String ERASED = "calls:erased";
    /**
     * Applies one batch (the part of a batch on one slot) atomically, in order. KEYS declares every key it
     * touches; ARGV holds each write as its length, then its command. A guard ('unless-exists' KEY,
     * 'unless-member' KEY MEMBER) comes first and, when it holds, leaves the batch unapplied. 'forget-if-gone'
     * SET KEY NAME takes NAME out of SET when KEY no longer exists. A write Redis ran and refused on its own (WRONGTYPE, a field that is not a number) is
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
              elseif command == 'forget-if-gone' then
                if redis.call('EXISTS', ARGV[i + 3]) == 0 then redis.call('SREM', ARGV[i + 2], ARGV[i + 4]) end
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

    final UnifiedJedis client;
    final String prefix;
    final long retentionSeconds;
    private final Optional<EmbeddedRedis> embedded;
    private final Outbox outbox;
    private final ScheduledExecutorService retrier;

    Connection(UnifiedJedis redis, Optional<EmbeddedRedis> embedded, String prefix, Duration retention,
               Optional<Path> journalDir) {
        this.client = redis;
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

    String key(String name) {
        return stored(prefix, name);
    }

    String callKey(String callSid) {
        return key("call:" + callSid);
    }

    /**
     * The key a name is stored under: {@code call:SID…} under the call's own tag, so a call's keys spread over
     * the cluster's slots; the rest under the tag of their kind, so the scripts and batches that touch several
     * of them at once (a search's intersection, a callback's claim, a sign-in's throttles) run on one slot.
     */
    static String stored(String prefix, String name) {
        if (name.startsWith("call:")) {
            int end = name.indexOf(':', 5);
            String sid = end < 0 ? name.substring(5) : name.substring(5, end);
            return prefix + "call:{" + sid + "}" + (end < 0 ? "" : name.substring(end));
        }
        return scope(prefix, name) + name;
    }

    /** What keys of {@code name}'s kind begin with; a script that builds keys of that kind is given it. */
    static String scope(String prefix, String name) {
        if (name.startsWith("callback")) {
            return prefix + "{callbacks}";
        }
        if (name.startsWith("user") || name.startsWith("session") || name.startsWith("throttle:")) {
            return prefix + "{users}";
        }
        return prefix + "{idx}";
    }

    /** The name back from a call's stored key ({@code call:{SID}:part} is {@code call:SID:part}). */
    String name(String storedCallKey) {
        return storedCallKey.substring(prefix.length()).replaceFirst("^call:\\{([^}]*)}", "call:$1");
    }

    /** Marks, in the call's own slot, that it was erased: the guard of every write to the call's keys. */
    String erasedMarker(String callSid) {
        return key("call:" + callSid + ":erased");
    }

    /**
     * A batch about a call, not applied once the call is erased: guarded in the call's slot by its marker and in
     * the indexes' slot by {@link #ERASED}, since on a cluster each slot's writes are checked where they land.
     */
    List<Write> guarded(String callSid, List<Write> writes) {
        List<Write> batch = new ArrayList<>(List.of(new Write.UnlessExists(erasedMarker(callSid)),
                new Write.UnlessMember(key(ERASED), callSid)));
        batch.addAll(writes);
        return batch;
    }

    /** Tells every live page that the call changed. */
    Write live(String callSid) {
        return new Write.Publish(key(LIVE), callSid);
    }

    void submit(List<Write> batch) {
        outbox.submit(batch, this::send);
    }

    /**
     * Applies a batch now, each slot's part in one script run, failing if Redis does not take it (for a person
     * waiting on a page, who can try again): parts already applied stay applied.
     */
    void applyNow(List<Write> batch) {
        send(batch);
    }

    /**
     * Runs a Lua script atomically; {@code keys} (at least one, which says where it runs) are given as names and
     * passed stored, and the first argument is what keys of the first key's kind begin with, for keys the
     * script builds (which must be of that kind, to be on its slot).
     */
    Object script(String lua, List<String> keys, List<String> args) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a script names at least one key, which says where it runs");
        }
        List<String> stored = keys.stream().map(this::key).toList();
        if (stored.stream().map(Slices::slot).distinct().count() > 1) {
            throw new IllegalArgumentException("a script's keys must share one hash slot, to run on a cluster: "
                    + keys);
        }
        List<String> prefixedArgs = new ArrayList<>();
        prefixedArgs.add(scope(prefix, keys.get(0)));
        prefixedArgs.addAll(args);
        return client.eval(lua, stored, prefixedArgs);
    }

    boolean reachable() {
        Optional<String> cluster = clusterState();
        if (cluster.isPresent()) {
            return "ok".equals(cluster.get());
        }
        try {
            return "PONG".equals(client.ping());
        } catch (JedisException e) {
            return false;
        }
    }

    /** True while the embedded Redis this service runs has exited and is being started again. */
    boolean restarting() {
        return embedded.map(EmbeddedRedis::restarting).orElse(false);
    }

    /**
     * On a cluster, its state as the first node that answers reports it ({@code ok}, {@code fail}, or
     * {@code unreachable} when none answers); empty on one server.
     */
    Optional<String> clusterState() {
        if (!(client instanceof RedisClusterClient cluster)) {
            return Optional.empty();
        }
        for (ConnectionPool pool : cluster.getClusterNodes().values()) {
            try (redis.clients.jedis.Connection node = pool.getResource()) {
                node.sendCommand(Protocol.Command.CLUSTER, "INFO");
                String info = node.getBulkReply();
                for (String line : info.split("\r?\n")) {
                    if (line.startsWith("cluster_state:")) {
                        return Optional.of(line.substring("cluster_state:".length()).strip());
                    }
                }
            } catch (JedisException e) {
                log.debug("a cluster node did not answer CLUSTER INFO: {}", e.getMessage());
            }
        }
        return Optional.of("unreachable");
    }

    boolean journaled() {
        return outbox.journaled();
    }

    long refusedWrites() {
        return outbox.refused();
    }

    int heldWrites() {
        return outbox.size();
    }

    /** Hands held writes to Redis; never throws, since a scheduled task that throws once never runs again. */
    private void flush() {
        try {
            outbox.flush(this::send);
        } catch (RuntimeException e) {
            log.error("handing held writes to Redis failed; trying again shortly", e);
        }
    }

    /**
     * One batch, one script run ({@link #APPLY}) per slot it touches, guarded parts first; a guard that holds
     * stops the batch there. An error that refuses a part is thrown as it comes: for the first part, as it is
     * (nothing was written); for a later one, as {@link Outbox.Partly}, with what is still to write, so a retry
     * does not write twice what was taken. Writes Redis ran and answered with an error (the rest is stored)
     * come back as {@link Outbox.Refused}.
     */
    private void send(List<Write> batch) {
        List<List<Write>> parts = Slices.of(batch);
        List<Write> refused = new ArrayList<>();
        String error = "";
        for (int p = 0; p < parts.size(); p++) {
            List<Write> part = parts.get(p);
            List<Write> writes = part.stream().filter(w -> !w.keys().isEmpty()).toList();
            List<Write> announcements = part.stream().filter(w -> w.keys().isEmpty()).toList();
            Object reply = List.of();
            try {
                if (!writes.isEmpty()) {
                    reply = apply(writes);
                }
            } catch (JedisException e) {
                throw partly(parts, p, List.of(), e, refused, error);
            }
            if ("skipped".equals(reply)) {
                break;
            }
            if (reply instanceof List<?> answers && !answers.isEmpty()) {
                for (int i = 0; i + 1 < answers.size(); i += 2) {
                    refused.add(writes.get(((Long) answers.get(i)).intValue() - 1));
                }
                error = String.valueOf(answers.get(answers.size() - 1));
            }
            // Published by the client, not the script: on a cluster (redis-server 6.2 in ClusterIT) a PUBLISH
            // run inside a script did not reach subscribers on the other nodes; one from a client does.
            for (int i = 0; i < announcements.size(); i++) {
                List<String> command = announcements.get(i).command();
                try {
                    client.publish(command.get(1), command.get(2));
                } catch (JedisException e) {
                    if (writes.isEmpty() && p == 0 && i == 0) {
                        throw e;
                    }
                    throw partly(parts, p + 1, announcements.subList(i, announcements.size()), e, refused, error);
                }
            }
        }
        if (!refused.isEmpty()) {
            throw new Outbox.Refused(refused, error);
        }
    }

    /**
     * Redis stopped taking a batch part-way: the first part was not taken (thrown as it is), or what is still
     * to write ({@code first}, then the parts from {@code from}) is held.
     */
    private JedisException partly(List<List<Write>> parts, int from, List<Write> first, JedisException e,
                                  List<Write> refused, String error) {
        if (from == 0) {
            return e;
        }
        if (!refused.isEmpty()) {
            log.error("Redis refused {} writes ({}) of a batch it then stopped taking", refused.size(), error);
        }
        List<Write> rest = new ArrayList<>(first);
        parts.subList(from, parts.size()).forEach(rest::addAll);
        return new Outbox.Partly(rest, e);
    }

    private Object apply(List<Write> part) {
        List<String> keys = new ArrayList<>();
        List<String> args = new ArrayList<>();
        for (Write w : part) {
            w.keys().stream().filter(k -> !keys.contains(k)).forEach(keys::add);
            List<String> command = w.command();
            args.add(Integer.toString(command.size()));
            args.addAll(command);
        }
        return client.eval(APPLY, keys, args);
    }

    @Override
    public void close() throws java.io.IOException {
        retrier.shutdown();
        outbox.flush(this::send);
        outbox.close();
        client.close();
        if (embedded.isPresent()) {
            embedded.get().close();
        }
    }
}
