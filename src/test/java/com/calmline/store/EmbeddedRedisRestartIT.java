package com.calmline.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.app.CallEvents;
import com.calmline.app.CallScript;
import com.calmline.app.Deployment;
import com.calmline.app.Fixture;
import com.calmline.app.LogCapture;
import com.calmline.app.RunningService;
import com.calmline.app.Simulator;
import com.calmline.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/**
 * The embedded redis-server (a real process the service started) is killed in the middle of a call, a
 * callback already promised: the service starts it again with its data, is not ready meanwhile, and what
 * was written before and during the outage is all there afterwards.
 * <p>
 * So that "not ready meanwhile" is seen however fast a restart is, the server's binary is made unrunnable
 * before the kill (the library extracts it for this service alone) and runnable again once the service has
 * said it is not ready: its first attempts fail, and the one after succeeds.
 */
class EmbeddedRedisRestartIT {
    private static final Pattern PID = Pattern.compile("process_id:(\\d+)");

    @RegisterExtension
    final Deployment deployment = Deployment.demo().build();

    @Test
    void aKilledEmbeddedRedisIsStartedAgainWithItsDataAndTheWritesHeldMeanwhile() throws Exception {
        RunningService service = deployment.service();
        HttpResponse<String> promised = service.post("/api/callbacks", Map.of("phone", "+18005550199",
                "reason", "promised before the crash"));
        assertEquals(201, promised.statusCode(), promised.body());
        String callbackId = Json.parse(promised.body()).path("id").asText();

        Fixture fixture = Fixture.load("internet-down");
        byte[] audio = fixture.mulaw();
        List<CallScript.Sentence> sentences = fixture.sentences();
        CallScript.Sentence before = sentences.get(sentences.size() / 2 - 1);
        long splitMs = (before.endMs() + sentences.get(sentences.size() / 2).startMs()) / 2;
        int split = (int) (splitMs * 8) / Simulator.FRAME_BYTES * Simulator.FRAME_BYTES;
        long killedAtMs = split / 8;

        Simulator simulator = service.simulator();
        Simulator.Call call = simulator.dial("+15555550123", "+15555550199").connect();
        call.play(Arrays.copyOfRange(audio, 0, split), 4);

        long pid;
        try (RedisClient redis = service.redis()) {
            Matcher m = PID.matcher(redis.info("server"));
            assertTrue(m.find(), "INFO names the server's process");
            pid = Long.parseLong(m.group(1));
        }
        ProcessHandle server = ProcessHandle.of(pid).orElseThrow();
        assertEquals(ProcessHandle.current().pid(), server.parent().orElseThrow().pid(),
                "the embedded server is the service's own child");
        Path binary = Path.of("/proc", Long.toString(pid), "exe").toRealPath();
        Set<PosixFilePermission> runnable = Files.getPosixFilePermissions(binary);

        try (LogCapture log = new LogCapture()) {
            try {
                Files.setPosixFilePermissions(binary, Set.of(PosixFilePermission.OWNER_READ));
                assertTrue(server.destroyForcibly());
                server.onExit().get(10, TimeUnit.SECONDS);

                JsonNode notReady = await(() -> service.get("/ready"), r -> r.statusCode() == 503, "/ready 503");
                assertEquals("RESTARTING", notReady.path("redis").asText(), notReady.toString());
                call.play(Arrays.copyOfRange(audio, split, audio.length), 4);
                call.stop();
                call.close();
                await(() -> service.get("/health"), r -> Json.parse(r.body()).path("heldWrites").asInt() > 0,
                        "writes held while the server is down");
            } finally {
                Files.setPosixFilePermissions(binary, runnable);
            }
            JsonNode ready = await(() -> service.get("/ready"), r -> r.statusCode() == 200, "/ready 200 again");
            assertEquals("UP", ready.path("redis").asText(), ready.toString());

            List<JsonNode> events = simulator.awaitEnd(call.callSid, Duration.ofSeconds(60));
            assertTrue(CallEvents.utterances(events).stream().anyMatch(u -> u.path("startMs").asLong() < killedAtMs),
                    "what was said before the crash is kept: " + CallEvents.transcript(events));
            assertTrue(CallEvents.utterances(events).stream().anyMatch(u -> u.path("startMs").asLong() > killedAtMs),
                    "what was said while the server was down is stored once it is back: "
                            + CallEvents.transcript(events));
            HttpResponse<String> callback = service.get("/api/callbacks/" + callbackId);
            assertEquals(200, callback.statusCode(), callback.body());
            assertEquals("promised before the crash", Json.parse(callback.body()).path("reason").asText());

            List<JsonNode> lines = log.lines().stream()
                    .filter(l -> l.path("logger").asText().endsWith("EmbeddedRedis")).toList();
            assertEquals(1, lines.stream().filter(l -> l.path("level").asText().equals("WARN")
                    && l.path("message").asText().contains("pid " + pid + ") exited")).count(), lines.toString());
            assertEquals(1, lines.stream().filter(l -> l.path("level").asText().equals("INFO")
                    && l.path("message").asText().contains("back on")).count(), lines.toString());
        }
    }

    @FunctionalInterface
    private interface Request {
        HttpResponse<String> send() throws Exception;
    }

    @FunctionalInterface
    private interface Check {
        boolean holds(HttpResponse<String> r) throws Exception;
    }

    /** Asks until the answer passes {@code check}; its body as JSON. */
    private static JsonNode await(Request request, Check check, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        HttpResponse<String> last = request.send();
        while (!check.holds(last)) {
            assertTrue(System.nanoTime() < deadline, "never " + what + "; last: " + last.body());
            Thread.sleep(50);
            last = request.send();
        }
        return Json.parse(last.body());
    }
}
