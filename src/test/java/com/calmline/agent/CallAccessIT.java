package com.calmline.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.app.Browserless;
import com.calmline.app.Deployment;
import com.calmline.app.LiveEvents;
import com.calmline.app.Simulator;
import com.calmline.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who may read which call, on the real service and Redis with calls streamed through Vosk and the Twilio SDK
 * talking to WireMock: an agent reads the callers waiting on the desk and the calls they took; supervisors
 * and the API token (the machine credential {@code simulate} uses) read every call. Every call opened is in
 * the audit, and callbacks name a call only to someone who may read it.
 */
class CallAccessIT {
    private static final String PASSWORD = Deployment.PASSWORD;
    @RegisterExtension
    static final Deployment deployment = Deployment.live("access-it-token").user("ann", "agent").user("bob", "agent")
            .user("sue", "supervisor").user("ada", "admin").build();
    /** A call that was routed and ended without an agent: nobody's call, no longer waiting. */
    private static String ended;

    @BeforeAll
    static void endACall() throws Exception {
        ended = deployment.service().listen("billing-calm", deployment.twilio()::accepts, 4).callSid();
    }

    @Test
    void anAgentReadsTheCallersWaitingAndTheCallsTheyTookAndNothingElse() throws Exception {
        Browserless ann = signedIn("ann");
        Browserless bob = signedIn("bob");
        Browserless sue = signedIn("sue");
        try (Simulator.Call caller = routedAndWaiting("delivery-late")) {
            String sid = caller.callSid;
            String issue = machine("/api/calls/" + sid + "/screenpop").path("issue").asText();
            assertFalse(issue.isBlank(), "the screen-pop names the problem, so its absence below means something");
            for (String path : readsOf(sid)) {
                assertEquals(200, ann.get(path).statusCode(), "waiting, so any agent reads " + path);
            }
            HttpResponse<String> took = ann.post("/api/calls/" + sid + "/take", Map.of("_csrf", ann.csrf()));
            assertEquals(200, took.statusCode(), took.body());

            for (String path : readsOf(sid)) {
                assertEquals(200, ann.get(path).statusCode(), "ann took it: " + path);
                assertEquals(200, sue.get(path).statusCode(), "a supervisor reads every call: " + path);
                HttpResponse<String> refused = bob.get(path);
                assertEquals(403, refused.statusCode(), "not waiting, not bob's: " + path);
                assertTrue(refused.body().contains("needs the supervisor role"), refused.body());
                assertFalse(refused.body().contains(issue), refused.body());
            }
            HttpResponse<String> desk = bob.get("/agent?call=" + sid);
            assertEquals(200, desk.statusCode());
            assertTrue(desk.body().contains("Taken by ann: only they and supervisors can open it now."), desk.body());
            assertFalse(desk.body().contains(issue), "bob's desk shows who has the call, not the call");
            try (LiveEvents feed = bob.events("/agent/events?call=" + sid)) {
                Map<String, String> parts = firstParts(feed);
                assertTrue(parts.get("call").contains("Taken by ann"), parts.get("call"));
                assertFalse(parts.toString().contains(issue), "nor does bob's live feed: " + parts);
            }
            caller.stop();
        }
        for (String path : readsOf(ended)) {
            assertEquals(403, ann.get(path).statusCode(), "ended untaken: nobody's call, " + path);
            assertEquals(200, sue.get(path).statusCode(), path);
        }
        assertEquals(403, ann.get("/api/calls/" + ended + "/events").statusCode());
        assertTrue(machine("/api/calls/" + ended + "/events").size() > 0, "tools such as simulate read any call");
    }

    @Test
    void everyCallOpenedOnTheDeskOrAsAScreenPopIsInTheAudit() throws Exception {
        Browserless ann = signedIn("ann");
        Browserless ada = signedIn("ada");
        try (Simulator.Call caller = routedAndWaiting("account-locked")) {
            String sid = caller.callSid;
            assertEquals(200, ann.get("/agent?call=" + sid).statusCode());
            assertEquals(200, ann.get("/api/calls/" + sid + "/screenpop").statusCode());
            String audit = ada.get("/supervisor/audit").body();
            for (String what : List.of("opened it on the desk", "read its screen-pop")) {
                assertTrue(Pattern.compile("<td>ann \\(agent\\)</td><td>" + what + "</td>\\s*<td><a href=\"/supervisor/"
                        + "calls/" + sid + "\">").matcher(audit).find(), "ann's " + what + " view of " + sid + " in " + audit);
            }
            caller.stop();
        }
        try (LiveEvents feed = signedIn("sue").events("/supervisor/events?call=" + ended)) {
            feed.next(Duration.ofSeconds(30));
        }
        assertTrue(Pattern.compile("<td>sue \\(supervisor\\)</td><td>opened its page</td>\\s*<td><a href=\"/supervisor/calls/"
                + ended + "\">").matcher(ada.get("/supervisor/audit").body()).find(),
                "a call's live transcript opened without its page is a view too");
    }

    @Test
    void aMalformedSidIs400AndAnUnknownOne404() throws Exception {
        Browserless sue = signedIn("sue");
        for (String path : List.of("/api/calls/not-a-sid", "/api/calls/not-a-sid/events", "/api/calls/not-a-sid/screenpop",
                "/agent?call=not-a-sid")) {
            HttpResponse<String> bad = sue.get(path);
            assertEquals(400, bad.statusCode(), path + ": " + bad.body());
            assertTrue(bad.body().contains("a call sid is CA followed by 32 hex digits"), bad.body());
        }
        String unknown = "CA" + "0".repeat(32);
        for (String path : readsOf(unknown)) {
            assertEquals(404, sue.get(path).statusCode(), path);
        }
    }

    @Test
    void callbacksNameTheirCallOnlyToThoseWhoMayReadIt() throws Exception {
        HttpResponse<String> created = machinePost("/api/callbacks", Map.of("phone", "+1 212 555 0142", "reason",
                "check the refund arrived", "callSid", ended));
        assertEquals(201, created.statusCode(), created.body());
        String id = Json.parse(created.body()).path("id").asText();
        assertEquals(ended, Json.parse(created.body()).path("callSid").asText(), "the API token reads every call");

        Browserless ann = signedIn("ann");
        JsonNode asAgent = Json.parse(ann.get("/api/callbacks").body());
        JsonNode entry = find(asAgent, id);
        assertFalse(entry.has("callSid"), "an agent cannot read that call, so is not told its sid: " + entry);
        assertFalse(asAgent.toString().contains(ended), asAgent.toString());
        assertFalse(Json.parse(ann.get("/api/callbacks/" + id).body()).has("callSid"));
        assertEquals(ended, find(Json.parse(signedIn("sue").get("/api/callbacks").body()), id).path("callSid")
                .asText());

        HttpResponse<String> onSomeoneElsesCall = ann.post("/api/callbacks", Map.of("_csrf", ann.csrf(), "phone",
                "+1 212 555 0142", "reason", "a look at that call", "callSid", ended));
        assertEquals(403, onSomeoneElsesCall.statusCode(), "nor can an agent attach a callback to it");
        HttpResponse<String> malformed = ann.post("/api/callbacks", Map.of("_csrf", ann.csrf(), "phone",
                "+1 212 555 0142", "reason", "x", "callSid", "CA-not-a-sid"));
        assertEquals(400, malformed.statusCode(), malformed.body());
    }

    private static List<String> readsOf(String sid) {
        return List.of("/api/calls/" + sid, "/api/calls/" + sid + "/events", "/api/calls/" + sid + "/screenpop");
    }

    /** A fixture caller, routed and now waiting in the queue with their stream open, on the desk. */
    private static Simulator.Call routedAndWaiting(String fixture) throws Exception {
        Simulator.Call caller = deployment.service().waiting(fixture, deployment.twilio()::accepts, 4);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (machineStatus("/api/calls/" + caller.callSid + "/screenpop") != 200) {
            if (System.nanoTime() > deadline) {
                caller.close();
                throw new AssertionError(fixture + " was never routed");
            }
            Thread.sleep(100);
        }
        return caller;
    }

    /** The first render of the desk's lists and open call, as the feed sends them on connecting. */
    private static Map<String, String> firstParts(LiveEvents feed) throws InterruptedException {
        Map<String, String> parts = new HashMap<>();
        while (!parts.keySet().containsAll(List.of("waiting", "call"))) {
            LiveEvents.Event e = feed.next(Duration.ofSeconds(30));
            parts.putIfAbsent(e.name(), e.data());
        }
        return parts;
    }

    private static JsonNode find(JsonNode callbacks, String id) {
        for (JsonNode c : callbacks) {
            if (c.path("id").asText().equals(id)) {
                return c;
            }
        }
        throw new AssertionError("no callback " + id + " in " + callbacks);
    }

    private static Browserless signedIn(String name) throws Exception {
        Browserless b = new Browserless(deployment.service().url());
        assertEquals(303, b.login(name, PASSWORD).statusCode());
        return b;
    }

    private static JsonNode machine(String path) throws Exception {
        return deployment.service().json(path);
    }

    private static int machineStatus(String path) throws Exception {
        return deployment.service().get(path).statusCode();
    }

    private static HttpResponse<String> machinePost(String path, Map<String, String> form) throws Exception {
        return deployment.service().post(path, form);
    }
}
