package com.calmline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.calmline.store.Store;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;

/**
 * Stopping the service while agents' pages are connected: it stops, promptly and quietly. (Once it did
 * not: stopping Jetty under open live feeds logged the same exception in a loop until the disk was full.)
 * Stopping it in the middle of a call: the caller is put through to a person, and what they said is kept.
 */
class ShutdownIT {
    @Test
    void aCallerMidCallAtShutdownIsPutThroughToAPersonAndWhatTheySaidIsKept() throws Exception {
        try (Deployment deployment = Deployment.live("shutdown-token").ownRedis().start();
             RedisClient store = deployment.redis().client()) {
            TwilioStandIn twilio = deployment.twilio();
            RunningService service = deployment.service();
            // An angry caller venting is still with the line halfway through; a calm one may be routed by then.
            Fixture fixture = Fixture.load("refund-angry");
            byte[] audio = fixture.mulaw();
            Simulator.Call call = service.simulator().dial("+15555550100", "+15555550199");
            twilio.accepts(call.callSid);
            call.connect().play(java.util.Arrays.copyOfRange(audio, 0, audio.length / 2 / Simulator.FRAME_BYTES
                    * Simulator.FRAME_BYTES), 4);
            assertEquals(200, HttpClient.newHttpClient().send(HttpRequest.newBuilder(service.url().resolve("/ready"))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode());

            String queueBefore = store.hget(Store.key("calmline:", "call:" + call.callSid), "queue");
            service.close();
            call.close();

            java.util.List<String> updates = twilio.updates(call.callSid).stream().map(r -> java.net.URLDecoder.decode(
                    r.getBodyAsString(), java.nio.charset.StandardCharsets.UTF_8)).toList();
            assertTrue(updates.stream().anyMatch(b -> b.contains("<Enqueue")), "with a person either way: " + updates);
            if (queueBefore == null || queueBefore.isEmpty()) {
                assertEquals("true", store.hget(Store.key("calmline:", "call:" + call.callSid), "lost"), "not routed yet, so put through");
                assertTrue(updates.stream().anyMatch(b -> b.contains("<Enqueue") && b.contains("trouble hearing you")),
                        "put through at shutdown, with an apology: " + updates);
            }
            java.util.List<String> events = store.lrange(Store.key("calmline:", "call:" + call.callSid + ":events"), 0, -1);
            assertTrue(events.stream().anyMatch(e -> e.contains("\"type\":\"summary\"")), "its summary: " + events);
            java.util.List<String> utterances = store.lrange(Store.key("calmline:", "call:" + call.callSid + ":utterances"), 0, -1);
            long heard = utterances.stream().filter(u -> u.contains("\"speaker\":\"caller\"")).count();
            assertTrue(heard > 0, "what the caller said before the shutdown is stored: " + utterances);
        }
    }

    /**
     * A shutdown stops hearing calls, it does not end them: a caller waiting in a queue, and one the drain puts
     * through, stay on the desk with no follow-up and no duration until Twilio, asked by the instance that is
     * still up, says each call is over; then each is completed once.
     */
    @Test
    void callsGoingOnAfterAShutdownStayOnTheDeskUntilTwilioSaysTheyAreOver() throws Exception {
        try (Deployment deployment = Deployment.live("shutdown-token").ownRedis().instances(2).start();
             RedisClient store = deployment.redis().client()) {
            TwilioStandIn twilio = deployment.twilio();
            RunningService stops = deployment.instance(0);
            RunningService stays = deployment.instance(1);
            Simulator.Call queued = stops.waiting("billing-calm", twilio::accepts, 4);
            await(() -> store.zscore(Store.key("calmline:", "calls:waiting"), queued.callSid) != null);
            byte[] audio = Fixture.load("refund-angry").mulaw();
            // A number that can be called back, so the follow-up can be booked.
            Simulator.Call venting = stops.simulator().dial("+14155550142", "+15555550199");
            twilio.accepts(venting.callSid);
            venting.connect().play(java.util.Arrays.copyOfRange(audio, 0, audio.length / 2 / Simulator.FRAME_BYTES
                    * Simulator.FRAME_BYTES), 4);
            List<String> calls = List.of(queued.callSid, venting.callSid);
            calls.forEach(sid -> twilio.stands(sid, "in-progress", -1));
            // Promised a callback, and being told so before the line hangs up: not one for a queue.
            Fixture asks = Fixture.load("callback-calm");
            Simulator.Call promised = stops.simulator().dial("+14155550143", "+15555550199");
            twilio.accepts(promised.callSid);
            twilio.stands(promised.callSid, "in-progress", -1);
            promised.connect().playListening(asks.mulaw(), asks.script(), 4);
            await(() -> events(store, promised.callSid).stream().anyMatch(e -> e.contains("\"action\":\"callback\"")));

            stops.close();
            queued.close();
            venting.close();
            promised.close();

            assertEquals("shutdown", store.hget(Store.key("calmline:", "call:" + venting.callSid), "putThrough"),
                    "put through by the drain");
            double peak = Double.parseDouble(store.hget(Store.key("calmline:", "call:" + venting.callSid), "angerPeak"));
            assertTrue(peak >= 0.6, "angry enough for a follow-up once the call is over: " + peak);
            assertTrue(events(store, venting.callSid).stream().anyMatch(e -> e.contains("\"type\":\"summary\"")),
                    "what the line heard is summed up");
            for (String sid : calls) {
                goingOn(store, stays, sid);
            }
            assertTrue(twilio.updates(promised.callSid).stream().noneMatch(r -> TwilioStandIn.twimlOf(r)
                    .contains("<Enqueue")), "the caller promised a callback is left to hear it and hang up");
            await(() -> calls.stream().allMatch(sid -> twilio.asked(sid) > 0));
            for (String sid : calls) {
                goingOn(store, stays, sid);
            }

            twilio.stands(venting.callSid, "completed", 95);
            twilio.stands(queued.callSid, "completed", 80);
            await(() -> calls.stream().allMatch(sid -> store.zscore(Store.key("calmline:", "calls:waiting"), sid) == null));
            await(() -> calls.stream().allMatch(sid -> "ENDED".equals(store.hget(Store.key("calmline:", "call:" + sid), "state"))));
            assertEquals("95000", store.hget(Store.key("calmline:", "call:" + venting.callSid), "durationMs"));
            assertEquals("80000", store.hget(Store.key("calmline:", "call:" + queued.callSid), "durationMs"));
            List<String> ended = events(store, venting.callSid);
            assertEquals(1, ended.stream().filter(e -> e.contains("\"type\":\"callback\"")
                    && e.contains("\"kind\":\"follow-up\"")).count(), "one follow-up, once it is over: " + ended);
            assertEquals(1, ended.stream().filter(e -> e.contains("\"type\":\"end\"")).count());
            List<String> calm = events(store, queued.callSid);
            assertTrue(calm.stream().noneMatch(e -> e.contains("\"type\":\"callback\"")), "a calm call gets none");
            assertEquals(1, calm.stream().filter(e -> e.contains("\"type\":\"end\"")).count());
            twilio.stands(promised.callSid, "completed", 30);
            await(() -> "ENDED".equals(store.hget(Store.key("calmline:", "call:" + promised.callSid), "state")));
        }
    }

    /** The call has not ended as far as anyone can see: still waiting on the desk, no duration, no end, no follow-up. */
    private static void goingOn(RedisClient store, RunningService service, String sid) throws Exception {
        String waiting = service.json("/api/calls/waiting").toString();
        assertTrue(waiting.contains(sid), sid + " still waiting on the desk: " + waiting);
        assertEquals(null, store.hget(Store.key("calmline:", "call:" + sid), "durationMs"), sid + ": no duration yet");
        List<String> events = events(store, sid);
        assertTrue(events.stream().noneMatch(e -> e.contains("\"type\":\"end\"")), sid + " has not ended");
        assertTrue(events.stream().noneMatch(e -> e.contains("\"type\":\"callback\"")),
                sid + ": no follow-up while the call goes on: " + events);
    }

    private static List<String> events(RedisClient store, String sid) {
        return store.lrange(Store.key("calmline:", "call:" + sid + ":events"), 0, -1);
    }

    private static void await(java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s");
            }
            Thread.sleep(200);
        }
    }

    @Test
    void theServiceStopsQuietlyWithAnAgentPageStillConnected() throws Exception {
        try (Deployment deployment = Deployment.demo().user("sam", "agent").start()) {
            RunningService service = deployment.service();
            Browserless sam = new Browserless(service.url());
            sam.login("sam", Deployment.PASSWORD);
            String cookie = "calmline_session=" + sam.cookie("calmline_session").orElseThrow();
            CompletableFuture<HttpResponse<InputStream>> feed = HttpClient.newHttpClient().sendAsync(HttpRequest
                    .newBuilder(service.url().resolve("/agent/events")).header("Accept", "text/event-stream")
                    .header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofInputStream());
            HttpResponse<InputStream> open = feed.get(10, TimeUnit.SECONDS);
            assertEquals(200, open.statusCode());
            assertTrue(new String(open.body().readNBytes(11)).startsWith("event: "), "the page got its first state");

            Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            ListAppender<ILoggingEvent> logged = new ListAppender<>();
            logged.start();
            root.addAppender(logged);
            ExecutorService stopper = Executors.newSingleThreadExecutor();
            try {
                Future<?> stopped = stopper.submit(() -> {
                    service.close();
                    return null;
                });
                stopped.get(20, TimeUnit.SECONDS);
            } finally {
                root.detachAppender(logged);
                stopper.shutdownNow();
            }
            long warnings = logged.list.stream()
                    .filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN)).count();
            assertTrue(warnings <= 2, "stopping logged " + warnings + " warnings: " + logged.list.stream().limit(5)
                    .map(ILoggingEvent::getFormattedMessage).toList());
        }
    }
}
