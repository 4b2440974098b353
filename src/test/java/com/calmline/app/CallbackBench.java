package com.calmline.app;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.calmline.store.Store;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import redis.clients.jedis.UnifiedJedis;

/**
 * How fast two instances on one Redis (one server, then a cluster) claim and ring due callbacks (Twilio in WireMock, answering at once),
 * and whether any entry was rung twice. Prints figures; never fails on time.
 */
public final class CallbackBench {
    private static final int ENTRIES = 5000;

    /** On one server, then on a Redis Cluster (three masters, a replica each), in the same run. */
    public static void main(String[] args) throws Exception {
        for (String engine : RedisCluster.benchEngines()) {
            RedisCluster cluster = engine.equals("cluster") ? RedisCluster.start(3) : null;
            Deployment.Builder builder = Deployment.live("callback-bench-token")
                    .ringsCallbacks(Deployment.middayZone()).env("CALLBACK_LEASE_SECONDS", "30").instances(2);
            if (cluster != null) {
                builder.redisCluster(cluster);
            }
            try (Deployment deployment = builder.start()) {
                deployment.twilio().places();
                System.out.printf("%n== Redis: %s ==%n", cluster == null ? "one server" : "cluster of 3 masters, "
                        + "3 replicas (" + cluster.nodes() + ")");
                run(deployment.twilio(), deployment.service(), () -> cluster == null ? deployment.service().redis()
                        : cluster.client());
            }
        }
    }

    private static void run(TwilioStandIn twilio, RunningService a, Supplier<UnifiedJedis> client) throws Exception {
        // Scheduled an hour ahead, so nothing is claimed while they are created; then all fall due at once.
        String at = java.time.OffsetDateTime.now().plusHours(1).toString();
        HttpClient http = HttpClient.newHttpClient();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<String>> created = new java.util.ArrayList<>();
        for (int i = 0; i < ENTRIES; i++) {
            int n = i;
            created.add(pool.submit(() -> http.send(HttpRequest.newBuilder(URI.create(a.url() + "/api/callbacks"))
                    .header("Authorization", "Bearer " + RunningService.API_TOKEN)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("phone=%2B18005550199&reason=bench+" + n + "&at="
                            + java.net.URLEncoder.encode(at, java.nio.charset.StandardCharsets.UTF_8))).build(),
                    HttpResponse.BodyHandlers.ofString()).body()));
        }
        for (Future<String> f : created) {
            f.get();
        }
        pool.shutdown();
        System.out.printf("%d callbacks scheduled an hour ahead; moving them all to due now%n", ENTRIES);
        try (UnifiedJedis redis = client.get()) {
            String due = Store.key(a.config.redisPrefix(), "callbacks:due");
            long started = System.nanoTime();
            redis.zremrangeByScore(due, "-inf", "+inf");
            List<String> ids = redis.zrange(Store.key(a.config.redisPrefix(), "callbacks:all"), 0, -1);
            Map<String, Double> now = ids.stream().collect(Collectors.toMap(id -> id, id -> (double) System.currentTimeMillis()));
            redis.zadd(due, now);
            while (dialled(twilio).size() < ENTRIES && System.nanoTime() - started < 300_000_000_000L) {
                Thread.sleep(50);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            Thread.sleep(3000);
            List<String> all = twilio.requests(postRequestedFor(urlPathEqualTo(TwilioStandIn.callsPath()))).stream()
                    .map(r -> TwilioStandIn.form(r).get("Url")).toList();
            System.out.printf("two instances claimed and rang %d callbacks in %.2f s: %.0f callbacks/s; "
                    + "dial requests %d for %d distinct callbacks (each exactly once: %s)%n", dialled(twilio).size(),
                    seconds, dialled(twilio).size() / seconds, all.size(), Set.copyOf(all).size(),
                    all.size() == Set.copyOf(all).size() && all.size() == ENTRIES);
        }
    }

    private static Set<String> dialled(TwilioStandIn twilio) {
        return twilio.requests(postRequestedFor(urlPathEqualTo(TwilioStandIn.callsPath()))).stream()
                .map(r -> TwilioStandIn.form(r).get("Url")).collect(Collectors.toSet());
    }
}
