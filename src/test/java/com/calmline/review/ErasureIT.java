package com.calmline.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.app.Browserless;
import com.calmline.app.CallEvents;
import com.calmline.app.Deployment;
import com.calmline.app.RunningService;
import com.calmline.app.Simulator;
import com.calmline.store.Store;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * An admin erases a call through the real service and Redis: every copy goes (transcript, search index, the
 * hot-call alert with the caller's words, the audit's reads of it, callbacks' reasons and links), the audit
 * keeps only the erasure, and nothing written about the call afterwards brings it back. A call in progress
 * is refused, clearly, until it has ended.
 */
class ErasureIT {
    private static final String PREFIX = "calmline:";
    private static final ZoneId open = Deployment.middayZone();
    @RegisterExtension
    static final Deployment deployment = Deployment.live("erasure-it-token").ringsCallbacks(open)
            .user("adam", "admin").build();
    private static RunningService a;
    private static Browserless adam;

    @BeforeAll
    static void signIn() throws Exception {
        a = deployment.service();
        adam = new Browserless(a.url());
        adam.login("adam", Deployment.PASSWORD);
    }

    @Test
    void everyCopyOfAnErasedCallGoesAndALaterWriteDoesNotBringItBack() throws Exception {
        Simulator.Call hot = a.waiting("card-angry", "+14155550142", deployment.twilio()::accepts, 4);
        String sid = hot.callSid;
        a.simulator().post("/twilio/listen", Map.of("CallSid", sid, "Digits", "0"));
        long routed = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (send("GET", "/api/calls/" + sid + "/screenpop", Map.of()).statusCode() != 200) {
            assertTrue(System.nanoTime() < routed, "put through to an agent, with a screen-pop");
            Thread.sleep(200);
        }
        hot.stop();
        hot.close();
        JsonNode followUp = CallEvents.only(a.simulator().awaitEnd(sid, Duration.ofSeconds(60)), "callback");
        assertEquals("follow-up", followUp.path("kind").asText(), "an angry call gets a follow-up");
        String agents = api("POST", "/api/callbacks", Map.of("phone", "(800) 555-0199", "reason", "check the refund",
                "callSid", sid, "at", ZonedDateTime.now(open).plusDays(1).toOffsetDateTime().toString()))
                .path("id").asText();
        api("POST", "/api/callbacks/" + agents + "/cancel", Map.of());
        a.json("/api/calls/" + sid);
        String customer = Simulator.newSid("CA");
        a.simulator().post("/twilio/callback/follow-up?id=" + followUp.path("id").asText(),
                Map.of("CallSid", customer, "Digits", "2"));
        String issue = a.json("/api/calls/" + customer + "/screenpop").path("issue").asText();
        assertEquals(a.json("/api/calls/" + sid + "/screenpop").path("issue").asText(), issue,
                "a customer who answers a callback is put through with the call's screen-pop");

        String before = String.join("\n", dump());
        assertTrue(before.contains("furious"), "the caller's words are stored: " + sid);
        assertTrue(dump().stream().anyMatch(line -> line.startsWith(Store.key(PREFIX, "alerts") + " ") && line.contains(sid)),
                "the call raised an alert, which names it and quotes the caller");
        assertTrue(dump().stream().anyMatch(line -> line.startsWith(Store.key(PREFIX, "audit:views") + " ") && line.contains(sid)),
                "the read is in the audit");
        assertTrue(dump().stream().anyMatch(line -> line.startsWith(Store.key(PREFIX, "callback:")) && line.contains(sid)),
                "the callbacks link to the call");

        HttpResponse<String> unconfirmed = adam.post("/supervisor/calls/" + sid + "/erase", Map.of("_csrf", adam.csrf()));
        assertEquals(400, unconfirmed.statusCode(), "one stray click erases nothing");
        assertTrue(unconfirmed.body().contains("Tick the box"), unconfirmed.body());
        assertTrue(String.join("\n", dump()).contains("furious"), "nothing was erased without the confirmation");

        HttpResponse<String> erased = erase(sid);
        assertEquals(303, erased.statusCode(), erased.body());

        List<String> left = traces(sid);
        assertEquals(3, left.size(), "only that it was erased: " + left);
        assertTrue(left.stream().anyMatch(l -> l.startsWith(Store.key(PREFIX, "calls:erased") + " ")), left.toString());
        assertTrue(left.contains(Store.key(PREFIX, "call:" + sid + ":erased") + " 1"), "and its marker: " + left);
        assertTrue(left.stream().anyMatch(l -> l.startsWith(Store.key(PREFIX, "audit:views") + " ") && l.contains("\"what\":\"erase\"")
                && l.contains("\"who\":\"adam\"")), left.toString());
        String after = String.join("\n", dump());
        assertFalse(after.contains("furious") || after.contains("charged"), "no word the caller said is left");

        JsonNode promised = api("GET", "/api/callbacks/" + followUp.path("id").asText(), Map.of());
        assertEquals("scheduled", promised.path("status").asText(), "the promise to the customer is kept");
        assertEquals("your recent call", promised.path("reason").asText(), "without the caller's words");
        assertEquals("", promised.path("callSid").asText(), "or a link to the erased call");
        assertEquals(404, send("GET", "/api/callbacks/" + agents, Map.of()).statusCode(),
                "a finished callback about it goes");
        assertEquals(404, send("GET", "/api/calls/" + customer + "/screenpop", Map.of()).statusCode(),
                "the screen-pop was never copied to the customer's new call");

        send("POST", "/api/calls/" + sid + "/wrapup", Map.of("outcome", "resolved", "note", "sorted"));
        a.simulator().post("/twilio/wait", Map.of("CallSid", sid, "QueueSid", "QU" + "a".repeat(32)));
        Thread.sleep(1000);
        assertEquals(left, traces(sid), "writes about the call after its erasure are not stored");
    }

    @Test
    void aCallInProgressIsNotErasedUntilItHasEnded() throws Exception {
        Simulator.Call live = a.waiting("billing-calm", deployment.twilio()::accepts, 4);
        HttpResponse<String> refused = erase(live.callSid);
        assertEquals(409, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("still in progress"), refused.body());
        assertFalse(a.simulator().events(live.callSid).isEmpty(), "nothing was erased");

        live.stop();
        live.close();
        a.simulator().awaitEnd(live.callSid, Duration.ofSeconds(60));
        HttpResponse<String> erased = erase(live.callSid);
        // The end's last writes (the call's duration, leaving the waiting list) may land just after its end event.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (erased.statusCode() == 409 && System.nanoTime() < deadline) {
            Thread.sleep(500);
            erased = erase(live.callSid);
        }
        assertEquals(303, erased.statusCode(), "once the line no longer hears it: " + erased.body());
    }

    /** Every line of {@link #dump} that names the call. */
    private static List<String> traces(String sid) {
        return dump().stream().filter(l -> l.contains(sid)).toList();
    }

    /** All of Redis as lines of key, then one member, field and value, or value (a key alone if it holds none). */
    private static List<String> dump() {
        List<String> lines = new ArrayList<>();
        try (RedisClient redis = a.redis()) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = redis.scan(cursor, new ScanParams().match(PREFIX + "*").count(1000));
                for (String key : page.getResult()) {
                    List<String> values = switch (redis.type(key)) {
                        case "string" -> List.of(String.valueOf(redis.get(key)));
                        case "hash" -> redis.hgetAll(key).entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                                .toList();
                        case "list" -> redis.lrange(key, 0, -1);
                        case "set" -> List.copyOf(redis.smembers(key));
                        case "zset" -> redis.zrange(key, 0, -1);
                        default -> List.of();
                    };
                    if (values.isEmpty()) {
                        lines.add(key);
                    }
                    values.forEach(v -> lines.add(key + " " + v));
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
        return lines;
    }

    /** An admin presses Erase this call on the call's page, and confirms. */
    private static HttpResponse<String> erase(String sid) throws Exception {
        return adam.post("/supervisor/calls/" + sid + "/erase", Map.of("_csrf", adam.csrf(), "confirm", "yes"));
    }

    private static JsonNode api(String method, String path, Map<String, String> form) throws Exception {
        return method.equals("POST") ? a.json(path, form) : a.json(path);
    }

    private static HttpResponse<String> send(String method, String path, Map<String, String> form) throws Exception {
        return method.equals("POST") ? a.post(path, form) : a.get(path);
    }
}
