package com.calmline.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

/**
 * A real redis-server that refuses writes for reasons other than being unreachable: each kind of refusal
 * is held and stored once Redis takes writes again, or, when Redis ran the write and refused that write
 * alone, kept in the rejected journal and reported; never lost without a word.
 */
class StoreFaultsIT {
    private static final String PREFIX = "faults:";
    private Path data;
    private Store store;
    private RedisClient admin;

    @BeforeEach
    void start() throws Exception {
        data = Files.createTempDirectory("calmline-store-faults");
        store = Store.open(Optional.empty(), data, PREFIX, Duration.ofDays(1));
        admin = RedisClient.create("127.0.0.1",
                Integer.parseInt(Files.readString(data.resolve(EmbeddedRedis.PORT_FILE)).strip()), null,
                Files.readString(data.resolve(EmbeddedRedis.PASSWORD_FILE)).strip());
    }

    @AfterEach
    void stop() throws Exception {
        admin.close();
        store.close();
    }

    @Test
    void writesRefusedForWantOfMemoryAreHeldThenStoredInOrder() throws Exception {
        admin.configSet("maxmemory-policy", "noeviction");
        admin.configSet("maxmemory", "1");
        List<String> said = utterances("CAoom", 5);
        assertEquals(List.of(), admin.lrange(key("call:CAoom:utterances"), 0, -1), "Redis took none while full");
        assertTrue(store.heldWrites() > 0, "held, not lost");
        assertTrue(Files.size(data.resolve("outbox.journal")) > 0, "and journalled");

        admin.configSet("maxmemory", "0");
        await(() -> store.heldWrites() == 0);
        assertEquals(said, admin.lrange(key("call:CAoom:utterances"), 0, -1));
    }

    @Test
    void writesRefusedByAReadOnlyReplicaAreHeldThenStored() throws Exception {
        admin.sendCommand(Protocol.Command.REPLICAOF, "127.0.0.1", "1");
        try {
            List<String> said = utterances("CAreadonly", 3);
            assertTrue(store.heldWrites() > 0, "held while Redis is read-only");
            admin.sendCommand(Protocol.Command.REPLICAOF, "NO", "ONE");
            await(() -> store.heldWrites() == 0);
            assertEquals(said, admin.lrange(key("call:CAreadonly:utterances"), 0, -1));
        } finally {
            admin.sendCommand(Protocol.Command.REPLICAOF, "NO", "ONE");
        }
    }

    @Test
    void aWriteRedisRanAndRefusedIsReportedAndKeptWhileTheOthersGoOn() throws Exception {
        admin.set(key("call:CAwrongtype:utterances"), "not a list");
        store.calls().appendUtterance("CAwrongtype", "{\"text\":\"refused\"}", "{\"type\":\"utterance\"}");
        List<String> said = utterances("CAafter", 2);

        assertEquals(1, store.refusedWrites());
        assertEquals(0, store.heldWrites(), "a refused write does not block the writes behind it");
        assertEquals(List.of("{\"type\":\"utterance\"}"), admin.lrange(key("call:CAwrongtype:events"), 0, -1),
                "the rest of its batch was stored");
        assertEquals(said, admin.lrange(key("call:CAafter:utterances"), 0, -1));
        List<List<Write>> rejected = new Journal(data.resolve("outbox.rejected")).replay().stream()
                .map(Journal.Entry::writes).toList();
        assertEquals(List.of(List.of(new Write.Append(key("call:CAwrongtype:utterances"),
                "{\"text\":\"refused\"}"))), rejected, "kept for the operator, not dropped");
    }

    /**
     * Writes held for a call in one instance's outbox (its Redis refused them) while another instance erased the
     * call are not stored when they are finally sent: the erasure stands.
     */
    @Test
    void writesHeldForACallErasedMeanwhileDoNotBringItBack() throws Exception {
        admin.sendCommand(Protocol.Command.ACL, "SETUSER", "held", "on", ">held-password", "~*", "&*", "+@all",
                "-@write");
        int port = Integer.parseInt(Files.readString(data.resolve(EmbeddedRedis.PORT_FILE)).strip());
        try (Store held = Store.forCommand(Optional.of(URI.create("redis://held:held-password@127.0.0.1:" + port)),
                data, PREFIX, Duration.ofDays(1))) {
            store.calls().createCall("CAerased", System.currentTimeMillis(), Map.of("from", "+14155550142"));
            utterances("CAerased", 1);
            held.calls().appendUtterance("CAerased", "{\"text\":\"said as it was erased\"}", "{\"type\":\"utterance\"}");
            held.calls().updateCall("CAerased", Map.of("outcome", "resolved"));
            assertEquals(2, held.heldWrites(), "this instance's Redis refuses its writes for now");

            store.calls().erase("CAerased", List.of("calls:by-start"), Map.of());
            admin.sendCommand(Protocol.Command.ACL, "SETUSER", "held", "+@write");
            await(() -> held.heldWrites() == 0);
            assertEquals(0, held.refusedWrites(), "not refused: left unapplied, as writes about an erased call");
        }
        assertEquals(Set.of(key("call:CAerased:erased")), admin.keys(PREFIX + "call:{CAerased}*"),
                "the erased call stays erased: all that is left of it is its marker");
    }

    private static String key(String name) {
        return Store.key(PREFIX, name);
    }

    private List<String> utterances(String callSid, int n) {
        List<String> said = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String json = "{\"n\":" + i + "}";
            store.calls().appendUtterance(callSid, json, null);
            said.add(json);
        }
        return said;
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(condition.getAsBoolean(), "within 20 s");
    }
}
