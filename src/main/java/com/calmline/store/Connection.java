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
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The one connection to Redis that every store shares: the client, the key prefix, how long what is kept about
 * calls lives, and the outbox. Writes go out as batches through one Lua script ({@link #APPLY}); a batch Redis
 * cannot take waits in the outbox (in memory, and journalled under DATA_DIR when {@code journalDir} is given)
 * and a thread of its own hands it over once Redis answers again, in order.
 */
final class Connection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Connection.class);
    private static final int OUTBOX_BATCHES = 200_000;
    /** The channel on which every change to a call is announced (the call's sid), for live pages. */
    static final String LIVE = "live";
    /** Every sorted set used as an index or a log, so retention can find them without scanning the keyspace. */
    static final String INDEX_KEYS = "index:keys";
    /**
     * The calls erased (sids, scored by when), kept as long as transcripts: every write about a call is
     * guarded by it, so a write still on its way (a late webhook, a batch held in an outbox on any instance)
     * cannot bring an erased call back.
     */
    static final String ERASED = "calls:erased";
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

    final RedisClient client;
    final String prefix;
    final long retentionSeconds;
    private final Optional<EmbeddedRedis> embedded;
    private final Outbox outbox;
    private final ScheduledExecutorService retrier;

    Connection(RedisClient redis, Optional<EmbeddedRedis> embedded, String prefix, Duration retention,
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

    String key(String key) {
        return prefix + key;
    }

    String callKey(String callSid) {
        return prefix + "call:" + callSid;
    }

    /** Guards a batch about a call: not applied once the call is erased. */
    Write unlessErased(String callSid) {
        return new Write.UnlessMember(prefix + ERASED, callSid);
    }

    /** Tells every live page that the call changed. */
    Write live(String callSid) {
        return new Write.Publish(prefix + LIVE, callSid);
    }

    void submit(List<Write> batch) {
        outbox.submit(batch, this::send);
    }

    /**
     * Runs a Lua script atomically; {@code keys} are given without the prefix and passed prefixed, and the
     * prefix itself is the first argument, for keys the script builds.
     */
    Object script(String lua, List<String> keys, List<String> args) {
        List<String> prefixedArgs = new ArrayList<>();
        prefixedArgs.add(prefix);
        prefixedArgs.addAll(args);
        return client.eval(lua, keys.stream().map(this::key).toList(), prefixedArgs);
    }

    boolean reachable() {
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
        Object reply = client.eval(APPLY, List.of(), args);
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
