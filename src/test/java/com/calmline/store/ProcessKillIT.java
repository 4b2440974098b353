package com.calmline.store;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.app.Deployment;
import com.calmline.app.Fixture;
import com.calmline.app.RunningService;
import com.calmline.app.ServiceProcess;
import com.calmline.app.Simulator;
import com.calmline.app.TwilioStandIn;
import com.calmline.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/**
 * The service process is killed (SIGKILL) in the middle of calls while Redis is down, so what it had
 * acknowledged exists only in its outbox journal; it is started again once Redis is back. Every utterance
 * the journal held is stored, in order, and the callback the line had confirmed to a caller is rung.
 */
class ProcessKillIT {
    private static final double SPEED = 4;
    /** Toll-free: on the configured (midday) clock, so the callback is due at once. */
    private static final String CALLER = "+18005550199";
    /** A real redis-server, Twilio in WireMock, callbacks rung; the service is started (and killed) by the test. */
    @RegisterExtension
    final Deployment deployment = Deployment.live("process-kill-it-token").ringsCallbacks(Deployment.middayZone())
            .ownRedis().noInstances().build();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void whatTheJournalHeldWhenTheProcessWasKilledIsStoredAndTheConfirmedCallbackIsRung() throws Exception {
        TwilioStandIn twilio = deployment.twilio();
        twilio.places();
        ServiceProcess doomed = deployment.startProcess("process-kill-doomed", Map.of());
        Path data = doomed.dataDir;
        Simulator simulator = doomed.simulator();

        Simulator.Call venting = simulator.dial("+15555550100", "+15555550199");
        Simulator.Call callMeBack = simulator.dial(CALLER, "+15555550199");
        twilio.accepts(venting.callSid);
        twilio.accepts(callMeBack.callSid);
        byte[] ventingAudio = afterTheGreeting(simulator, venting.connect(), Fixture.load("refund-angry").mulaw());
        byte[] askingAudio = afterTheGreeting(simulator, callMeBack.connect(), Fixture.load("callback-calm").mulaw());
        deployment.redis().stop();

        // Neither caller hangs up: Twilio would still be saying the callback's confirmation, and the angry
        // caller is mid-rant, when the process dies.
        CompletableFuture<Void> asking = CompletableFuture.runAsync(() -> play(callMeBack, askingAudio), threads);
        CompletableFuture<Void> ranting = CompletableFuture.runAsync(() -> play(venting, ventingAudio), threads);
        await(() -> twilio.updates(callMeBack.callSid).stream().anyMatch(r -> TwilioStandIn.twimlOf(r)
                .contains("<Hangup/>")), "the line confirming the callback to the caller");
        Path journal = data.resolve("outbox.journal");
        String prefix = "calmline:";
        await(() -> !appended(journal, Store.key(prefix, "call:" + venting.callSid + ":utterances")).isEmpty(),
                "an utterance of the venting caller journalled");
        List<List<JsonNode>> held = journal(journal);
        doomed.kill();
        asking.exceptionally(e -> null).join();
        ranting.exceptionally(e -> null).join();

        deployment.redis().start();
        RunningService restarted = deployment.startInstance(Map.of("DATA_DIR", data.toString()));

        for (Simulator.Call call : List.of(venting, callMeBack)) {
            String key = Store.key(prefix, "call:" + call.callSid + ":utterances");
            List<String> acknowledged = appended(held, key);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            List<String> stored = lrange(key);
            while (Collections.indexOfSubList(stored, acknowledged) < 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
                stored = lrange(key);
            }
            System.out.printf("PROCESS-KILL %s: %d utterances journalled before the kill, %d stored after the restart%n",
                    call.callSid, acknowledged.size(), stored.size());
            assertTrue(Collections.indexOfSubList(stored, acknowledged) >= 0,
                    "every utterance the journal acknowledged is stored, in order: " + acknowledged + " in " + stored);
            assertEquals(stored.size(), new HashSet<>(stored).size(), "none twice: " + stored);
        }

        String id = held.stream().flatMap(List::stream).filter(w -> w.path("w").asText().equals("hash")
                        && w.path("key").asText().matches(java.util.regex.Pattern.quote(Store.key(prefix, "callback:")) + "[0-9a-f-]{36}")
                        && w.path("fields").path("callSid").asText().equals(callMeBack.callSid))
                .map(w -> w.path("key").asText().substring(Store.key(prefix, "callback:").length())).findFirst()
                .orElseThrow(() -> new AssertionError("the confirmed callback was journalled before it was confirmed"));
        await(() -> !dials(id).isEmpty(), "the confirmed callback rung");
        Thread.sleep(3000);
        assertEquals(1, dials(id).size(), "rung once");
        JsonNode callback = restarted.json("/api/callbacks/" + id);
        assertEquals(callMeBack.callSid, callback.path("callSid").asText(), callback.toString());
        assertEquals("requested", callback.path("kind").asText(), callback.toString());

        // The venting caller's instance died mid-call: the listening loop on the new one puts them through.
        Simulator survivor = restarted.simulator();
        Map<String, String> gather = Map.of("CallSid", venting.callSid, "AccountSid", Simulator.newSid("AC"));
        String listen = survivor.post("/twilio/listen", gather).body();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!listen.contains("<Enqueue") && System.nanoTime() < deadline) {
            Thread.sleep(200);
            listen = survivor.post("/twilio/listen", gather).body();
        }
        assertTrue(listen.contains("trouble hearing you") && listen.contains("<Enqueue"), listen);
    }

    /** The caller's audio after a silence as long as the greeting the stream starts with, as a listening caller waits. */
    private static byte[] afterTheGreeting(Simulator simulator, Simulator.Call call, byte[] audio) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long greeting = simulator.lineUntilMs(call.callSid);
        while (greeting == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            greeting = simulator.lineUntilMs(call.callSid);
        }
        assertTrue(greeting > 0, "the stream's start was greeted");
        int silentMs = (int) (greeting + Simulator.REACTION_MS);
        byte[] played = new byte[silentMs * 8 + audio.length];
        Arrays.fill(played, 0, silentMs * 8, (byte) 0xFF);
        System.arraycopy(audio, 0, played, silentMs * 8, audio.length);
        return played;
    }

    private static void play(Simulator.Call call, byte[] audio) {
        try {
            call.play(audio, SPEED);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The outbox journal's batches: a line is a batch's number then the JSON array of its writes ({@code +N}
     * marks batch N delivered); a line torn by the kill is not acknowledged.
     */
    private static List<List<JsonNode>> journal(Path file) throws IOException {
        List<List<JsonNode>> batches = new ArrayList<>();
        if (!Files.exists(file)) {
            return batches;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int space = line.indexOf(' ');
            if (line.startsWith("+") || space < 0) {
                continue;
            }
            try {
                List<JsonNode> batch = new ArrayList<>();
                Json.parse(line.substring(space + 1)).forEach(batch::add);
                batches.add(batch);
            } catch (IOException e) {
                // torn
            }
        }
        return batches;
    }

    private static List<String> appended(Path journal, String key) {
        try {
            return appended(journal(journal), key);
        } catch (IOException e) {
            return List.of();
        }
    }

    private static List<String> appended(List<List<JsonNode>> batches, String key) {
        return batches.stream().flatMap(List::stream).filter(w -> w.path("w").asText().equals("append")
                && w.path("key").asText().equals(key)).map(w -> w.path("value").asText()).toList();
    }

    private List<String> lrange(String key) throws IOException {
        try (RedisClient redis = deployment.redis().client()) {
            return redis.lrange(key, 0, -1);
        }
    }

    private List<LoggedRequest> dials(String id) {
        return deployment.twilio().requests(postRequestedFor(urlPathEqualTo(TwilioStandIn.callsPath()))).stream()
                .filter(r -> TwilioStandIn.form(r).get("Url").endsWith("id=" + id)).toList();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(50);
        }
    }
}
