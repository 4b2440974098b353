package com.calmline.store;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.app.Browserless;
import com.calmline.app.Deployment;
import com.calmline.app.Fixture;
import com.calmline.app.RedisCluster;
import com.calmline.app.RunningService;
import com.calmline.app.Simulator;
import com.calmline.app.TwilioStandIn;
import com.calmline.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClusterClient;

/**
 * The service on a real Redis Cluster (three masters, a replica each, on this machine) with three instances
 * of it: a call announced to followers subscribed on any node (pub/sub across nodes), two agents taking it
 * at once on two instances, its transcript, a search, callbacks rung exactly once, an erasure that stands;
 * then a master killed in the middle of a call and of callbacks: its replica takes over, writes held
 * meanwhile are replayed, nothing is lost or doubled, and changes are announced again. The cluster is started
 * once for the class (the tests run in order: the second kills a master).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
    private static final String PREFIX = "calmline:";
    private static final String TOLL_FREE = "(800) 555-0199";
    private static final ZoneId OPEN = Deployment.middayZone();
    private static final RedisCluster cluster = RedisCluster.start(3);
    @RegisterExtension
    static final Deployment deployment = Deployment.live("cluster-it-token").redisCluster(cluster)
            .ringsCallbacks(OPEN).instances(3).user("ann", "agent").user("bob", "agent").user("adam", "admin")
            .build();
    private static RunningService a;
    private static RunningService b;
    private static RunningService c;

    @BeforeAll
    static void instances() {
        deployment.twilio().places();
        a = deployment.instance(0);
        b = deployment.instance(1);
        c = deployment.instance(2);
    }

    @Test
    @Order(1)
    void callsTakesCallbacksSearchAndErasureWorkAcrossTheClusterAndInstances() throws Exception {
        for (RunningService s : List.of(a, b, c)) {
            JsonNode ready = Json.parse(s.get("/ready").body());
            assertEquals("ok", ready.path("redisCluster").asText(), ready.toString());
            assertEquals("READY", ready.path("status").asText(), ready.toString());
        }
        Browserless ann = signedIn(b, "ann");
        Browserless bob = signedIn(c, "bob");
        String sid;
        try (Followers followers = new Followers();
             Simulator.Call caller = a.waiting("billing-calm", deployment.twilio()::accepts, 4)) {
            sid = caller.callSid;
            followers.await(sid);
            await(() -> status(b, "/api/calls/" + sid + "/screenpop") == 200, "routed, with a screen-pop on b");

            CountDownLatch go = new CountDownLatch(1);
            CompletableFuture<Integer> annTakes = CompletableFuture.supplyAsync(() -> take(ann, sid, go));
            CompletableFuture<Integer> bobTakes = CompletableFuture.supplyAsync(() -> take(bob, sid, go));
            go.countDown();
            List<Integer> answers = new ArrayList<>(List.of(annTakes.get(30, TimeUnit.SECONDS),
                    bobTakes.get(30, TimeUnit.SECONDS)));
            answers.sort(Comparator.naturalOrder());
            assertEquals(List.of(200, 409), answers, "of two agents taking at once on two instances, one has it");
            caller.stop();
        }
        a.simulator().awaitEnd(sid, Duration.ofSeconds(60));

        JsonNode call = c.json("/api/calls/" + sid);
        List<String> said = callerWords(call);
        assertFalse(said.isEmpty(), "the transcript is kept and read on another instance: " + call);
        String word = said.stream().max(Comparator.comparingInt(String::length)).orElseThrow();
        await(() -> found(c, word).contains(sid), "a search for '" + word + "' finds the call");

        List<String> ids = new ArrayList<>();
        for (RunningService s : List.of(a, b, c, a, b, c)) {
            ids.add(s.json("/api/callbacks", Map.of("phone", TOLL_FREE, "reason", "cluster " + ids.size()))
                    .path("id").asText());
        }
        await(() -> ids.stream().allMatch(id -> dials(id) >= 1), "every callback rung");
        Thread.sleep(3000);
        for (String id : ids) {
            assertEquals(1, dials(id), "rung exactly once by three instances: " + id);
        }

        Browserless adam = signedIn(c, "adam");
        HttpResponse<String> erased = erase(adam, sid);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (erased.statusCode() == 409 && System.nanoTime() < deadline) {
            Thread.sleep(500);
            erased = erase(adam, sid);
        }
        assertEquals(303, erased.statusCode(), erased.body());
        assertEquals(404, status(b, "/api/calls/" + sid), "erased for every instance");
        assertFalse(found(a, word).contains(sid), "and out of the search index");
        String marker = Store.key(PREFIX, "call:" + sid + ":erased");
        assertEquals(Set.of(marker), callKeys(sid), "all that is left in the call's slot is that it was erased");

        a.post("/api/calls/" + sid + "/wrapup", Map.of("outcome", "resolved", "note", "late"));
        a.simulator().post("/twilio/wait", Map.of("CallSid", sid, "QueueSid", "QU" + "a".repeat(32)));
        Thread.sleep(1000);
        assertEquals(Set.of(marker), callKeys(sid), "a late write does not bring the erased call back");
        assertEquals(404, status(c, "/api/calls/" + sid));
    }

    @Test
    @Order(2)
    void aMasterKilledMidCallAndCallbacksIsReplacedAndNothingIsLostOrDoubled() throws Exception {
        Fixture fixture = Fixture.load("card-angry");
        Simulator twilioSide = a.simulator();
        Simulator.Call caller = twilioSide.dial("+15555550100", "+15555550199");
        String sid = caller.callSid;
        deployment.twilio().accepts(sid);
        CompletableFuture<Void> played = CompletableFuture.runAsync(() -> {
            try (caller) {
                // Played without listening: a listening caller reads the line's events, which fail over too.
                caller.connect().play(fixture.mulaw(), 1.5);
                caller.stop();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await(() -> !utterances(sid).isEmpty(), "the call is being transcribed");
        List<String> ids = new ArrayList<>();
        for (RunningService s : List.of(b, c, b, c)) {
            ids.add(s.json("/api/callbacks", Map.of("phone", TOLL_FREE, "reason", "failover " + ids.size()))
                    .path("id").asText());
        }
        int victim = cluster.masterOf(Store.key(PREFIX, "call:" + sid));
        cluster.kill(victim);
        long killedAt = System.currentTimeMillis();
        int mostHeld = 0;
        while (System.currentTimeMillis() - killedAt < Duration.ofSeconds(30).toMillis()
                && !(mostHeld > 0 && heldWrites(a) == 0)) {
            mostHeld = Math.max(mostHeld, heldWrites(a));
            Thread.sleep(50);
        }
        played.get(180, TimeUnit.SECONDS);
        cluster.awaitOk();
        assertFalse(cluster.masters().contains(victim), "the killed master is gone");
        assertEquals(3, cluster.masters().size(), "its replica took over its slots");
        System.out.printf("CLUSTER FAILOVER: master %d killed mid-call; at most %d write batches held on the "
                + "call's instance; replayed %d ms after the kill%n", victim, mostHeld,
                System.currentTimeMillis() - killedAt);
        assertTrue(mostHeld > 0, "the call's writes were held while its slot had no master");

        await(() -> List.of(a, b, c).stream().allMatch(s -> heldWrites(s) == 0), "every held write replayed");
        List<JsonNode> events = twilioSide.awaitEnd(sid, Duration.ofSeconds(120));
        for (RunningService s : List.of(a, b, c)) {
            assertEquals(0, Json.parse(s.get("/ready").body()).path("refusedWrites").asLong(),
                    "none refused");
        }
        List<String> stored = utterances(sid);
        assertEquals(stored.size(), new HashSet<>(stored).size(), "no utterance stored twice: " + stored);
        List<Long> starts = stored.stream().map(u -> Json.stored(u).path("startMs").asLong()).toList();
        assertEquals(starts.stream().sorted().toList(), starts, "in the order they were said");
        assertTrue(events.stream().anyMatch(e -> e.path("type").asText().equals("summary")),
                "the call's end, written after the failover, is stored: " + events);

        await(() -> ids.stream().allMatch(id -> dials(id) >= 1), "every callback rung despite the failover");
        Thread.sleep(3000);
        for (String id : ids) {
            assertEquals(1, dials(id), "rung exactly once across the failover: " + id);
        }
        assertNotEquals(0, a.json("/api/calls/" + sid).path("utterances").size(), "read back through the service");

        try (Followers followers = new Followers()) {
            Simulator.Call next = a.simulator().dial("+15555550123", "+15555550199");
            deployment.twilio().accepts(next.callSid);
            a.simulator().post("/twilio/listen", Map.of("CallSid", next.callSid, "Digits", "0"));
            followers.await(next.callSid);
            next.close();
        }
    }

    /**
     * Three followers of the channel every change to a call is announced on, each subscribed through the
     * cluster client to a node of its own choosing, as each instance's live pages are: every one must hear a
     * change written by an instance, whichever node took the write.
     */
    private static final class Followers implements AutoCloseable {
        private final Store store;
        private final List<AutoCloseable> subscriptions = new ArrayList<>();
        private final List<Set<String>> heard = new ArrayList<>();

        Followers() throws Exception {
            store = Store.forCommand(Optional.empty(), Optional.of(new Store.Cluster(List.of(cluster.nodes()
                    .split(",")), Optional.empty(), Optional.of(cluster.password()), false)),
                    Files.createTempDirectory("cluster-it-followers"), PREFIX, Duration.ofDays(1));
            for (int i = 0; i < 3; i++) {
                Set<String> mine = ConcurrentHashMap.newKeySet();
                heard.add(mine);
                subscriptions.add(store.channels().followCalls(mine::add));
            }
        }

        void await(String sid) throws InterruptedException {
            ClusterIT.await(() -> heard.stream().allMatch(h -> h.contains(sid)),
                    "every follower, whatever its node, heard " + sid + " announced");
        }

        @Override
        public void close() throws Exception {
            for (AutoCloseable s : subscriptions) {
                s.close();
            }
            store.close();
        }
    }

    private static Browserless signedIn(RunningService s, String name) throws Exception {
        Browserless who = new Browserless(s.url());
        who.login(name, Deployment.PASSWORD);
        return who;
    }

    private static int take(Browserless agent, String sid, CountDownLatch go) {
        try {
            String csrf = agent.csrf();
            go.await();
            return agent.post("/api/calls/" + sid + "/take", Map.of("_csrf", csrf)).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> erase(Browserless admin, String sid) throws Exception {
        return admin.post("/supervisor/calls/" + sid + "/erase", Map.of("_csrf", admin.csrf(), "confirm", "yes"));
    }

    private static List<String> callerWords(JsonNode call) {
        List<String> words = new ArrayList<>();
        for (JsonNode turn : call.path("utterances")) {
            if (turn.path("speaker").asText().equals("caller")) {
                for (String w : turn.path("text").asText().toLowerCase().split("[^a-z]+")) {
                    if (w.length() >= 5) {
                        words.add(w);
                    }
                }
            }
        }
        return words;
    }

    private static List<String> found(RunningService s, String word) {
        try {
            JsonNode page = s.json("/api/supervisor/calls?q=" + word);
            return StreamSupport.stream(page.path("calls").spliterator(), false)
                    .map(r -> r.path("callSid").asText()).toList();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int status(RunningService s, String path) {
        try {
            return s.get(path).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int heldWrites(RunningService s) {
        try {
            return Json.parse(s.get("/ready").body()).path("heldWrites").asInt();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long dials(String id) {
        return deployment.twilio().requests(postRequestedFor(urlPathEqualTo(TwilioStandIn.callsPath()))).stream()
                .filter(r -> TwilioStandIn.form(r).get("Url").endsWith("id=" + id)).count();
    }

    private static List<String> utterances(String sid) {
        try (RedisClusterClient redis = cluster.client()) {
            return redis.lrange(Store.key(PREFIX, "call:" + sid + ":utterances"), 0, -1);
        }
    }

    /** Every key in the call's slot that belongs to it. */
    private static Set<String> callKeys(String sid) {
        try (RedisClusterClient redis = cluster.client()) {
            return Set.copyOf(redis.keys(PREFIX + "call:{" + sid + "}*"));
        }
    }

    private static void await(BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not in 90 s: " + what);
            Thread.sleep(200);
        }
    }
}
