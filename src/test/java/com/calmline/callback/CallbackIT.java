package com.calmline.callback;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.app.Browserless;
import com.calmline.app.CallEvents;
import com.calmline.app.Deployment;
import com.calmline.app.Fixture;
import com.calmline.app.RunningService;
import com.calmline.app.Simulator;
import com.calmline.app.TwilioStandIn;
import com.calmline.store.Store;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/**
 * Callbacks through the real service and Redis, Twilio's REST API in WireMock: rung once, from and to the
 * right numbers, retried with backoff, never rung twice across two instances, and every way in.
 */
class CallbackIT {
    private static final String PREFIX = "calmline:";
    /** A toll-free number rings in no one zone, so the configured zone decides its clock. */
    private static final String TOLL_FREE = "+18005550199";
    private static final String PLACED = TwilioStandIn.PLACED;
    private static final String CALLER_ID = Deployment.CALLER_ID;
    private static final ZoneId open = Deployment.middayZone();
    /** Two instances ringing callbacks from one Redis. */
    @RegisterExtension
    static final Deployment deployment = Deployment.live("callback-it-token").ringsCallbacks(open).instances(2)
            .user("cara", "agent").build();
    private static RunningService a;
    private static RunningService b;

    @BeforeAll
    static void instances() {
        a = deployment.instance(0);
        b = deployment.instance(1);
    }

    @BeforeEach
    void reset() {
        deployment.twilio().reset();
        deployment.twilio().places();
    }

    @Test
    void aDueCallbackIsRungOnceThenRetriedWithBackoffUntilItFails() throws Exception {
        JsonNode created = api("POST", "/api/callbacks", Map.of("phone", "(800) 555-0199", "reason", "a billing question"));
        String id = created.path("id").asText();
        assertEquals("scheduled", created.path("status").asText());
        assertEquals("agent", created.path("kind").asText());

        List<LoggedRequest> first = awaitDials(id, 1);
        Map<String, String> dial = TwilioStandIn.form(first.get(0));
        assertEquals(TOLL_FREE, dial.get("To"), "normalised to E.164");
        assertEquals(CALLER_ID, dial.get("From"));
        assertEquals(TwilioStandIn.PUBLIC_URL + "/twilio/callback/answer?id=" + id, dial.get("Url"));
        assertEquals(TwilioStandIn.PUBLIC_URL + "/twilio/callback/status?id=" + id + "&attempt=0",
                dial.get("StatusCallback"));
        assertEquals("Enable", dial.get("MachineDetection"));
        Thread.sleep(6000);
        assertEquals(1, dials(id).size(), "still once after the ringing lease (5 s here) ran out and it was taken over");

        Simulator twilioSide = a.simulator();
        HttpResponse<String> forged = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(a.url() + "/twilio/callback/status?id=" + id + "&attempt=0"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("X-Twilio-Signature", "forged")
                .POST(HttpRequest.BodyPublishers.ofString("CallSid=" + PLACED + "&CallStatus=completed")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, forged.statusCode());
        assertEquals("dialling", api("GET", "/api/callbacks/" + id, Map.of()).path("status").asText());

        Instant busy = Instant.now();
        assertEquals(204, twilioSide.post("/twilio/callback/status?id=" + id + "&attempt=0",
                Map.of("CallSid", PLACED, "CallStatus", "busy")).statusCode());
        JsonNode retried = api("GET", "/api/callbacks/" + id, Map.of());
        assertEquals(1, retried.path("attempts").asInt());
        List<LoggedRequest> second = awaitDials(id, 2);
        assertTrue(second.get(1).getLoggedDate().toInstant().isAfter(busy.plusMillis(1000)), "after the 1 s backoff");
        assertTrue(TwilioStandIn.form(second.get(1)).get("StatusCallback").endsWith("&attempt=1"));

        twilioSide.post("/twilio/callback/status?id=" + id + "&attempt=1", Map.of("CallSid", PLACED,
                "CallStatus", "completed", "AnsweredBy", "machine_start"));
        awaitDials(id, 3);
        twilioSide.post("/twilio/callback/status?id=" + id + "&attempt=2", Map.of("CallSid", PLACED,
                "CallStatus", "no-answer"));
        JsonNode failed = api("GET", "/api/callbacks/" + id, Map.of());
        assertEquals("failed", failed.path("status").asText(), failed.toString());
        assertEquals(3, failed.path("attempts").asInt());
        String history = failed.path("history").toString();
        assertTrue(history.contains("busy") && history.contains("answering machine") && history.contains("no-answer"),
                history);
        Thread.sleep(2000);
        assertEquals(3, dials(id).size(), "a failed callback is not rung again");
        assertKeptForTheRetentionPeriod(id);
    }

    @Test
    void twoInstancesRingEachOf500DueCallbacksExactlyOnce() throws Exception {
        Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < 500; i++) {
            ids.add(api("POST", "/api/callbacks", Map.of("phone", TOLL_FREE, "reason", "load " + i)).path("id").asText());
        }
        long started = System.nanoTime();
        long deadline = started + Duration.ofSeconds(90).toNanos();
        while (dialledIds().size() < 500 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        System.out.printf("500 callbacks claimed and dialled by two instances in %.1f s%n",
                (System.nanoTime() - started) / 1e9);
        Thread.sleep(5000);
        List<String> all = deployment.twilio().requests(postRequestedFor(urlPathEqualTo(TwilioStandIn.callsPath())))
                .stream()
                .map(r -> TwilioStandIn.form(r).get("Url").replaceAll(".*id=", "")).toList();
        // Earlier tests' callbacks, still followed by these instances, are not this test's to count.
        List<String> dialled = all.stream().filter(ids::contains).toList();
        System.out.printf("dials of callbacks from earlier tests meanwhile: %s%n",
                all.stream().filter(id -> !ids.contains(id)).toList());
        assertEquals(500, dialled.size(), "one POST .../Calls.json per callback, past several leases");
        assertEquals(ids, Set.copyOf(dialled));
    }

    @Test
    void pressingOneWhileListeningOrWhileQueuedIsACallbackConfirmedByVoice() throws Exception {
        Simulator twilioSide = a.simulator();
        String listening = Simulator.newSid("CA");
        HttpResponse<String> key = twilioSide.post("/twilio/listen", Map.of("CallSid", listening, "Digits", "1",
                "From", TOLL_FREE));
        assertTrue(key.body().matches("(?s).*<Say>Of course. We'll call you back today at [^<]+</Say><Hangup/>.*"),
                key.body());
        String queued = Simulator.newSid("CA");
        HttpResponse<String> waiting = twilioSide.post("/twilio/wait", Map.of("CallSid", queued, "QueueSid",
                "QU" + "a".repeat(32), "QueuePosition", "3", "AvgQueueTime", "240", "From", TOLL_FREE));
        assertTrue(waiting.body().contains("You are number 3 in line. The wait is about 4 minutes."), waiting.body());
        assertTrue(waiting.body().contains("press 1 and we will call you back"), waiting.body());
        HttpResponse<String> pressed = twilioSide.post("/twilio/wait/key", Map.of("CallSid", queued, "Digits", "1",
                "From", TOLL_FREE));
        assertTrue(pressed.body().contains("<Hangup/>"), pressed.body());

        JsonNode all = api("GET", "/api/callbacks", Map.of());
        for (String sid : List.of(listening, queued)) {
            JsonNode c = find(all, sid);
            assertEquals("requested", c.path("kind").asText(), c.toString());
            assertTrue(!OffsetDateTime.parse(c.path("due").asText()).toInstant().isAfter(Instant.now().plusSeconds(5)),
                    "at the earliest slot, which is now: " + c);
            assertEquals("…0199", c.path("phone").asText(), "numbers are masked in the API");
        }
    }

    @Test
    void aCallerWhoAsksInWordsToBeCalledBackHearsWhenAndTheCallEnds() throws Exception {
        RunningService.Listened call = a.listen("callback-calm", "+14155550142", deployment.twilio()::accepts, 4);
        List<JsonNode> asked = CallEvents.action(call.events(), "callback");
        assertEquals(1, asked.size(), call.events().toString());
        String say = asked.get(0).path("say").asText();
        assertTrue(say.startsWith("Of course. We'll call you back "), say);
        assertTrue(asked.get(0).path("twiml").asText().endsWith("<Hangup/></Response>"), asked.get(0).toString());
        assertTrue(CallEvents.action(call.events(), "route").isEmpty(), "no queue: the customer will be called");
        JsonNode event = CallEvents.only(call.events(), "callback");
        assertEquals("requested", event.path("kind").asText());
        JsonNode stored = api("GET", "/api/callbacks/" + event.path("id").asText(), Map.of());
        assertEquals("…0142", stored.path("phone").asText(), "numbers are masked in the API");
        assertEquals(call.callSid(), stored.path("callSid").asText());
    }

    @Test
    void anAngryCallGetsAFollowUpAt1000LocalTheNextBusinessDayOnTheCallersOwnClock() throws Exception {
        RunningService.Listened london = a.listen("refund-angry", "+442079460958", deployment.twilio()::accepts, 4);
        RunningService.Listened sf = a.listen("refund-angry", "+14155550142", deployment.twilio()::accepts, 4);
        Instant londonDue = followUp(london, ZoneId.of("Europe/London"));
        Instant sfDue = followUp(sf, ZoneId.of("America/Los_Angeles"));
        assertNotEquals(londonDue, sfDue, "10:00 in London and in San Francisco are different instants");
        RunningService.Listened calm = a.listen("billing-calm", "+14155550142", deployment.twilio()::accepts, 4);
        assertTrue(CallEvents.of(calm.events(), "callback").isEmpty(), "a calm call gets no follow-up");

        String id = CallEvents.only(london.events(), "callback").path("id").asText();
        Simulator twilioSide = a.simulator();
        String answered = twilioSide.post("/twilio/callback/answer?id=" + id, Map.of("CallSid", Simulator.newSid("CA"),
                "AnsweredBy", "human")).body();
        assertTrue(answered.contains("<Gather action=\"" + TwilioStandIn.PUBLIC_URL + "/twilio/callback/follow-up?id="
                + id + "\""), answered);
        assertTrue(answered.contains("If everything is sorted now, press 1"), answered);
        assertTrue(twilioSide.post("/twilio/callback/answer?id=" + id, Map.of("CallSid", Simulator.newSid("CA"),
                "AnsweredBy", "machine_start")).body().contains("<Hangup/>"), "an answering machine is not spoken to");
        String solved = twilioSide.post("/twilio/callback/follow-up?id=" + id, Map.of("CallSid", Simulator.newSid("CA"),
                "Digits", "1")).body();
        assertTrue(solved.contains("That's good to hear") && solved.contains("<Hangup/>"), solved);
        assertEquals("solved", a.json("/api/calls/" + london.callSid()).path("call").path("followUp").asText(),
                "the answer is recorded on the original call");
    }

    @Test
    void aCustomerWhoAnswersTheirCallbackReachesAnAgentAheadOfNewCallersWithTheOriginalScreenPop() throws Exception {
        RunningService.Listened original = a.listen("billing-calm", "+14155550142", deployment.twilio()::accepts, 4);
        Simulator twilioSide = a.simulator();
        twilioSide.post("/twilio/listen", Map.of("CallSid", original.callSid(), "Digits", "1", "From", "+14155550142"));
        String id = find(api("GET", "/api/callbacks", Map.of()), original.callSid()).path("id").asText();
        String issue = CallEvents.only(original.events(), "summary").path("issue").asText();

        String callback = Simulator.newSid("CA");
        String answered = twilioSide.post("/twilio/callback/answer?id=" + id, Map.of("CallSid", callback,
                "AnsweredBy", "human")).body();
        assertTrue(answered.contains("calling you back, as you asked, about " + issue), answered);
        assertTrue(answered.contains(">callbacks</Enqueue>"), answered);
        JsonNode waiting = api("GET", "/api/calls/waiting", Map.of());
        assertEquals(callback, waiting.get(0).path("callSid").asText(), "first on every desk: " + waiting);
        JsonNode pop = a.json("/api/calls/" + callback + "/screenpop");
        assertEquals(issue, pop.path("issue").asText(), "the agent sees what the caller told the line the first time");
        assertEquals("callbacks", pop.path("queue").asText());
        try (RedisClient redis = redis()) {
            assertEquals(Set.of("id", "phone", "zone", "reason", "kind", "callSid", "due", "attempts", "status",
                    "twilioSid"), redis.hkeys(Store.key(PREFIX, "callback:" + id)),
                    "only what ringing needs: the screen-pop is read through the call's sid, never copied");
        }
    }

    @Test
    void aCustomerWhoAnswersTheirCallbackThenHangsUpLeavesEveryDesk() throws Exception {
        RunningService.Listened original = a.listen("billing-calm", "+14155550142", deployment.twilio()::accepts, 4);
        Simulator twilioSide = a.simulator();
        twilioSide.post("/twilio/listen", Map.of("CallSid", original.callSid(), "Digits", "1", "From", "+14155550142"));
        String id = find(api("GET", "/api/callbacks", Map.of()), original.callSid()).path("id").asText();
        String callback = Simulator.newSid("CA");
        twilioSide.post("/twilio/callback/answer?id=" + id, Map.of("CallSid", callback, "AnsweredBy", "human"));
        assertEquals(callback, api("GET", "/api/calls/waiting", Map.of()).get(0).path("callSid").asText());

        assertEquals(204, twilioSide.post("/twilio/callback/status?id=" + id + "&attempt=0", Map.of("CallSid",
                callback, "CallStatus", "completed", "CallDuration", "40")).statusCode());
        assertFalse(api("GET", "/api/calls/waiting", Map.of()).toString().contains(callback),
                "a customer who hung up is no longer at the top of every desk");
        assertEquals("40000", a.json("/api/calls/" + callback).path("call").path("durationMs").asText(),
                "their call is over");
    }

    /** What an agent typed is said to the customer as typed: the TwiML reaches Twilio in the UTF-8 it declares. */
    @Test
    void aReasonTypedWithAccentsIsSaidAsTyped() throws Exception {
        String reason = "the caf\u00e9\u2019s refund for M\u00fcller";
        JsonNode c = api("POST", "/api/callbacks", Map.of("phone", TOLL_FREE, "reason", reason,
                "at", ZonedDateTime.now(open).plusDays(1).toOffsetDateTime().toString()));
        String answered = a.simulator().post("/twilio/callback/answer?id=" + c.path("id").asText(),
                Map.of("CallSid", Simulator.newSid("CA"), "AnsweredBy", "human")).body();
        assertTrue(answered.contains("as you asked, about " + reason + "."), answered);
        api("POST", "/api/callbacks/" + c.path("id").asText() + "/cancel", Map.of());
    }

    @Test
    void aRequestFor2230LocalIsScheduledAtTheNextOpeningNeverBefore0800() throws Exception {
        ZonedDateTime late = LocalDate.now(open).atTime(22, 30).atZone(open);
        JsonNode c = api("POST", "/api/callbacks", Map.of("phone", TOLL_FREE, "reason", "late request",
                "at", late.toOffsetDateTime().toString()));
        ZonedDateTime due = OffsetDateTime.parse(c.path("due").asText()).atZoneSameInstant(open);
        assertEquals(LocalTime.of(8, 0), due.toLocalTime());
        assertEquals(late.toLocalDate().plusDays(1), due.toLocalDate());
        assertEquals(404, apiStatus("POST", "/api/callbacks/" + "0".repeat(8) + "-0000-0000-0000-" + "0".repeat(12)
                + "/cancel"), "unknown ids are refused");
        assertEquals("cancelled", api("POST", "/api/callbacks/" + c.path("id").asText() + "/cancel", Map.of())
                .path("status").asText());
        HttpResponse<String> bad = a.post("/api/callbacks", Map.of("phone", "+1 555 555 0100", "reason", "x"));
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("That isn't a valid phone number") && !bad.body().contains("0100"),
                "what is wrong, without the number typed: " + bad.body());
        assertEquals(409, apiStatus("POST", "/api/callbacks/" + c.path("id").asText() + "/cancel"),
                "a cancelled callback cannot be cancelled again");
        assertKeptForTheRetentionPeriod(c.path("id").asText());
    }

    @Test
    void aScheduledCallbackNeverExpires() throws Exception {
        String id = api("POST", "/api/callbacks", Map.of("phone", TOLL_FREE, "reason", "kept until rung",
                "at", ZonedDateTime.now(open).plusDays(1).toOffsetDateTime().toString())).path("id").asText();
        try (RedisClient redis = redis()) {
            assertEquals(-1, redis.ttl(Store.key(PREFIX, "callback:" + id)), "a promise is kept until it is kept");
        }
        api("POST", "/api/callbacks/" + id + "/cancel", Map.of());
    }

    /**
     * A key pressed twice (or Twilio retrying the webhook), a key on the wait after one while listening, the
     * line saying its confirmation again: one callback, confirmed for the same time.
     */
    @Test
    void aCallGetsOneCallbackHoweverOftenItAsks() throws Exception {
        Simulator twilioSide = a.simulator();
        String sid = Simulator.newSid("CA");
        String first = twilioSide.post("/twilio/listen", Map.of("CallSid", sid, "Digits", "1", "From", TOLL_FREE)).body();
        String again = twilioSide.post("/twilio/listen", Map.of("CallSid", sid, "Digits", "1", "From", TOLL_FREE)).body();
        String queued = b.simulator().post("/twilio/wait/key", Map.of("CallSid", sid, "Digits", "1", "From", TOLL_FREE))
                .body();
        assertTrue(first.contains("We'll call you back"), first);
        assertEquals(first, again, "confirmed for the time already promised");
        assertTrue(queued.contains("We'll call you back") && queued.contains("<Hangup/>"), queued);
        List<JsonNode> booked = all(api("GET", "/api/callbacks", Map.of()), sid);
        assertEquals(1, booked.size(), booked.toString());
        assertEquals(1, CallEvents.of(a.simulator().events(sid), "callback").size(), "one callback event on the call");
    }

    /**
     * Twilio fails the update that says the confirmation and hangs up, so the line says it again at the next
     * real pause: the caller asked once, and is called back once.
     */
    @Test
    void aConfirmationTheLineSaysAgainAfterTwilioFailedItBooksOneCallback() throws Exception {
        Simulator.Call call = a.simulator().dial("+14155550142", "+15555550199");
        deployment.twilio().fails(call.callSid, 503, 20503, "Service Unavailable");
        byte[] asking = Fixture.load("callback-calm").mulaw();
        byte[] audio = Arrays.copyOf(asking, asking.length + 8 * 4000);
        Arrays.fill(audio, asking.length, audio.length, (byte) 0xFF);
        try (call) {
            call.connect().play(audio, 4);
            call.stop();
        }
        List<JsonNode> events = a.simulator().awaitEnd(call.callSid, Duration.ofSeconds(90));
        List<JsonNode> said = CallEvents.action(events, "callback");
        assertTrue(said.size() >= 2 && said.get(1).path("reason").asText().startsWith("trying again"),
                "the confirmation was tried again: " + said);
        assertEquals(said.get(0).path("say").asText(), said.get(1).path("say").asText(), "for the same time");
        List<JsonNode> booked = all(api("GET", "/api/callbacks", Map.of()), call.callSid);
        assertEquals(1, booked.size(), booked.toString());
        assertEquals(1, CallEvents.of(events, "callback").size(), "one callback event on the call");
    }

    /** Pressing 1 while listening is a callback: the angry call it belongs to gets no follow-up as well. */
    @Test
    void anAngryCallerWhoPressed1IsCalledBackOnceNotAlsoFollowedUp() throws Exception {
        RunningService.Listened call = a.listen("refund-angry", "+14155550142", sid -> {
            deployment.twilio().accepts(sid);
            try {
                assertEquals(200, a.simulator().post("/twilio/listen", Map.of("CallSid", sid, "Digits", "1",
                        "From", "+14155550142")).statusCode());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, 4);
        assertTrue(CallEvents.only(call.events(), "summary").path("angerPeak").asDouble() >= 0.6,
                "angry enough for a follow-up: " + call.events());
        List<JsonNode> booked = all(api("GET", "/api/callbacks", Map.of()), call.callSid());
        assertEquals(1, booked.size(), booked.toString());
        assertEquals("requested", booked.get(0).path("kind").asText());
    }

    @Test
    void agentsSeeScheduleAndCancelCallbacksOnTheirPage() throws Exception {
        Browserless cara = new Browserless(b.url());
        cara.login("cara", "correct horse battery");
        String local = LocalDate.now(open).plusDays(1).atTime(11, 15).toString();
        HttpResponse<String> made = cara.post("/agent/callbacks", Map.of("_csrf", cara.csrf(), "phone", "800 555 0199",
                "reason", "check the new router arrived", "at", local));
        assertEquals(303, made.statusCode(), made.body());
        String page = cara.get(made.headers().firstValue("Location").orElseThrow()).body();
        assertTrue(page.contains("Callback scheduled.") && page.contains("check the new router arrived"), page);
        assertTrue(page.contains("tomorrow at 11:15 AM"), "due on the customer's clock: " + page);
        assertTrue(page.contains("…0199") && !page.contains("8005550199"), "the number is masked");
        String id = find(api("GET", "/api/callbacks", Map.of()), "reason", "check the new router arrived")
                .path("id").asText();
        assertEquals(403, cara.post("/agent/callbacks/" + id + "/cancel", Map.of("_csrf", "forged")).statusCode());
        assertEquals(303, cara.post("/agent/callbacks/" + id + "/cancel", Map.of("_csrf", cara.csrf())).statusCode());
        assertEquals("cancelled", api("GET", "/api/callbacks/" + id, Map.of()).path("status").asText());
        HttpResponse<String> again = cara.post("/agent/callbacks/" + id + "/cancel", Map.of("_csrf", cara.csrf()));
        assertEquals(400, again.statusCode());
        assertTrue(again.body().contains("That callback is cancelled now"), again.body());
        HttpResponse<String> bad = cara.post("/agent/callbacks", Map.of("_csrf", cara.csrf(), "phone", "12",
                "reason", "x"));
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("That isn't a valid phone number"), bad.body());
    }

    /** Finished: it and its history expire once the retention period (90 days by default) has passed. */
    private static void assertKeptForTheRetentionPeriod(String id) {
        try (RedisClient redis = redis()) {
            for (String key : List.of(Store.key(PREFIX, "callback:" + id), Store.key(PREFIX, "callback:" + id + ":history"))) {
                long ttl = redis.ttl(key);
                assertTrue(ttl > Duration.ofDays(89).toSeconds() && ttl <= Duration.ofDays(90).toSeconds(),
                        key + " expires in " + ttl + " s");
            }
        }
    }

    private static RedisClient redis() {
        return a.redis();
    }

    private static List<JsonNode> all(JsonNode callbacks, String callSid) {
        List<JsonNode> found = new java.util.ArrayList<>();
        callbacks.forEach(c -> {
            if (c.path("callSid").asText().equals(callSid)) {
                found.add(c);
            }
        });
        return found;
    }

    private static Instant followUp(RunningService.Listened call, ZoneId zone) {
        List<JsonNode> events = CallEvents.of(call.events(), "callback");
        assertEquals(1, events.size(), call.events().toString());
        JsonNode e = events.get(0);
        assertEquals("follow-up", e.path("kind").asText());
        assertTrue(e.path("id").asText().matches("[0-9a-f-]{36}"));
        ZonedDateTime due = OffsetDateTime.parse(e.path("due").asText()).atZoneSameInstant(zone);
        assertEquals(LocalTime.of(10, 0), due.toLocalTime(), e.toString());
        assertEquals(LocalDate.now(zone).plusDays(1), due.toLocalDate(), e.toString());
        return due.toInstant();
    }

    private static JsonNode find(JsonNode all, String callSid) {
        return find(all, "callSid", callSid);
    }

    private static JsonNode find(JsonNode all, String field, String value) {
        for (JsonNode c : all) {
            if (c.path(field).asText().equals(value)) {
                return c;
            }
        }
        throw new AssertionError("no callback with " + field + " " + value + " in " + all);
    }

    private static List<LoggedRequest> awaitDials(String id, int n) throws Exception {
        await(() -> dials(id).size() >= n, "callback " + id + " rung " + n + " time(s)");
        List<LoggedRequest> d = dials(id);
        assertEquals(n, d.size());
        return d;
    }

    private static List<LoggedRequest> dials(String id) {
        return deployment.twilio().requests(postRequestedFor(urlPathEqualTo(TwilioStandIn.callsPath()))).stream()
                .filter(r -> TwilioStandIn.form(r).get("Url").endsWith("id=" + id))
                .sorted(java.util.Comparator.comparing(LoggedRequest::getLoggedDate)).toList();
    }

    private static Set<String> dialledIds() {
        return deployment.twilio().requests(postRequestedFor(urlPathEqualTo(TwilioStandIn.callsPath()))).stream()
                .map(r -> TwilioStandIn.form(r).get("Url").replaceAll(".*id=", "")).collect(Collectors.toSet());
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static JsonNode api(String method, String path, Map<String, String> form) throws Exception {
        return method.equals("POST") ? a.json(path, form) : a.json(path);
    }

    private static int apiStatus(String method, String path) throws Exception {
        return (method.equals("POST") ? a.post(path, Map.of()) : a.get(path)).statusCode();
    }
}
