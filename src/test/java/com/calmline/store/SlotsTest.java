package com.calmline.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.args.Rawable;
import redis.clients.jedis.executors.CommandExecutor;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * On Redis Cluster a script runs on one hash slot and may touch only its keys. Every script the stores run
 * (their write batches through {@code APPLY}, erasure, a released claim, the scripts of the stores' users) is
 * recorded here instead of sent, from the stores' own write methods, and the slot of every key it names is
 * computed as Redis does (CRC16 of the hash tag): one script, one slot. Batches about a call must also be
 * guarded in every slot they write to, or an erased call could come back there.
 */
class SlotsTest {
    private static final String SID = "CA0123456789abcdef0123456789abcdef";

    /** One EVAL as the client would have sent it. */
    private record Eval(String script, List<String> keys, List<String> args) {
    }

    private final List<Eval> evals = new ArrayList<>();
    private final List<String> channels = new ArrayList<>();
    private Connection connection;

    @BeforeEach
    void recordInsteadOfSending() {
        CommandExecutor recorder = new CommandExecutor() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> T executeCommand(CommandObject<T> command) {
                List<String> words = new ArrayList<>();
                for (Rawable r : command.getArguments()) {
                    words.add(new String(r.getRaw(), StandardCharsets.UTF_8));
                }
                String name = words.get(0).toUpperCase();
                if (name.equals("EVAL")) {
                    int n = Integer.parseInt(words.get(2));
                    evals.add(new Eval(words.get(1), words.subList(3, 3 + n), words.subList(3 + n, words.size())));
                    return (T) List.of();
                }
                if (name.equals("SCAN")) {
                    return (T) new ScanResult<>("0", List.of("t:call:{" + SID + "}:screenpop",
                            "t:call:{" + SID + "}:views"));
                }
                if (name.equals("PUBLISH")) {
                    channels.add(words.get(1));
                }
                if (name.equals("HSETNX") || name.equals("PUBLISH")) {
                    return (T) Long.valueOf(1);
                }
                throw new AssertionError("not expected here: " + words);
            }

            @Override
            public void close() {
            }
        };
        connection = new Connection(new redis.clients.jedis.UnifiedJedis(recorder, null, RedisProtocol.RESP2, null) {
        }, Optional.empty(), "t:", Duration.ofDays(1), Optional.empty());
    }

    @AfterEach
    void close() throws Exception {
        connection.close();
    }

    @Test
    void everyScriptOfTheStoresTouchesOneSlot() {
        CallStore calls = new CallStore(connection);
        IndexStore indexes = new IndexStore(connection);
        RecordStore records = new RecordStore(connection);
        calls.createCall(SID, 1_000, Map.of("callSid", SID, "from", "+14155550100"));
        calls.updateCall(SID, Map.of("state", "ROUTING"));
        calls.saveCallPart(SID, "screenpop", "{}");
        calls.listCall("waiting", 1_000, SID);
        calls.unlistCall("waiting", SID);
        calls.appendUtterance(SID, "{\"text\":\"hello\"}", "{\"type\":\"utterance\"}");
        calls.appendEvent(SID, "{\"type\":\"anger\"}");
        calls.claimCall(SID, "agent", "ann");
        calls.releaseCall(SID, "agent", "ann");
        indexes.indexCall(SID, 1_000, List.of("index:word:refund", "index:queue:billing"), List.of("index:anger:0.5"));
        indexes.count("stats:2026-01-01", Map.of("calls", 1L), "stats:2026-01-01:venting", 12, SID);
        indexes.log(SID, "alerts", 1_000, "{}");
        indexes.log("audit:views", 1_000, "{}");
        indexes.log("call:" + SID + ":views", 1_000, "{}");
        records.schedule("callback:cb1", Map.of("status", "scheduled"), Map.of("callbacks:due", 5L,
                "callbacks:all", 1L), "cb1", "scheduled", List.of("callback:cb0"));
        records.appendHistory("callback:cb1:history", "dialled");
        new Channels(connection).announce("agent-joined", SID);
        calls.erase(SID, List.of("calls:by-start", "index:word:refund", "stats:2026-01-01:venting"),
                Map.of("alerts", List.of("{}"), "audit:views", List.of("{}")));
        // The scripts the stores' users run, with the keys they name.
        List<List<String>> used = List.of(List.of("callbacks:due", "callbacks:in-flight"), List.of("callbacks:all"),
                List.of("throttle:user:ann", "throttle:address:10.0.0.1"), List.of("user:ann:sessions"),
                List.of("calls:watched"), List.of("calls:by-start"), List.of("stats:2026-01-01:venting"),
                List.of("audit:users"));
        used.forEach(keys -> records.script("return 0", keys, List.of()));

        assertTrue(evals.size() > 20, "the writes above were recorded: " + evals.size());
        assertEquals(Set.of(connection.key(Connection.LIVE), connection.key("agent-joined")), Set.copyOf(channels),
                "announced on the channels followers subscribe to (Channels: key(channel))");
        for (Eval e : evals) {
            Set<Integer> slots = new TreeSet<>();
            e.keys().forEach(k -> slots.add(JedisClusterCRC16.getSlot(k)));
            assertEquals(1, slots.size(), "one slot per script: " + e.keys());
            if (!e.args().isEmpty() && e.args().get(0).startsWith("t:{")) {
                assertEquals(slots.iterator().next(), JedisClusterCRC16.getSlot(e.args().get(0) + "callback:x"),
                        "keys a script builds from its first argument are on its slot: " + e);
            }
            for (String key : commandKeys(e)) {
                assertTrue(e.keys().contains(key), key + " is declared to the script that touches it: " + e.keys());
            }
        }
    }

    @Test
    void everyPartOfABatchAboutACallIsGuardedWhereItLands() {
        CallStore calls = new CallStore(connection);
        IndexStore indexes = new IndexStore(connection);
        calls.createCall(SID, 1_000, Map.of("callSid", SID, "from", "+14155550100"));
        calls.appendUtterance(SID, "{\"text\":\"hello\"}", null);
        calls.listCall("waiting", 1_000, SID);
        indexes.indexCall(SID, 1_000, List.of("index:word:refund"), List.of());
        indexes.count("stats:2026-01-01", Map.of("calls", 1L), null, 0, SID);
        Set<Integer> slots = new TreeSet<>();
        for (Eval e : evals) {
            assertTrue(e.args().get(1).startsWith("unless-"), "a guard first in " + e.args());
            slots.add(JedisClusterCRC16.getSlot(e.keys().get(0)));
        }
        assertEquals(2, slots.size(), "the call's own slot and the indexes' slot");
        assertEquals(6, evals.size(), "createCall is cut in two (the call's keys, the indexes), the rest are one");
    }

    @Test
    void aCallsKeysShareItsSlotAndAScriptAcrossSlotsIsRefused() {
        int call = JedisClusterCRC16.getSlot(connection.callKey(SID));
        for (String part : List.of(":utterances", ":events", ":screenpop", ":live", ":views", ":erased")) {
            assertEquals(call, JedisClusterCRC16.getSlot(connection.key("call:" + SID + part)), part);
        }
        assertFalse(call == JedisClusterCRC16.getSlot(connection.callKey("CA1")), "calls spread over slots");
        assertEquals("call:" + SID + ":views", connection.name(connection.key("call:" + SID + ":views")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> connection.script("return 0", List.of("callbacks:due", "calls:waiting"), List.of()));
        assertTrue(e.getMessage().contains("one hash slot"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> connection.script("return 0", List.of(), List.of()));
    }

    /** The keys the commands of an {@code APPLY} run name in ARGV (length, command, operands …). */
    private static List<String> commandKeys(Eval e) {
        List<String> keys = new ArrayList<>();
        if (!e.script().contains("unless-member")) {
            return keys;
        }
        for (int i = 0; i < e.args().size(); ) {
            int len = Integer.parseInt(e.args().get(i));
            List<String> command = e.args().subList(i + 1, i + 1 + len);
            if (!command.get(0).equals("PUBLISH")) {
                keys.add(command.get(1));
                if (command.get(0).equals("forget-if-gone")) {
                    keys.add(command.get(2));
                }
            }
            i += len + 1;
        }
        return keys;
    }
}
