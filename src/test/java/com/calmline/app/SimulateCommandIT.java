package com.calmline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The packaged jar's {@code simulate} command, as a user runs it, against the running deployment.service(). */
class SimulateCommandIT {
    /**
     * As the README's first command runs it: demo mode, no API_TOKEN; the command finds the service's own token in
     * the shared data directory.
     */
    @RegisterExtension
    static final Deployment deployment = Deployment.demo().env("API_TOKEN", "").user("dana", "agent").build();

    @Test
    void jsonOutputIsOneEventPerLineEndingWithEnd() throws Exception {
        // Not delivery-late: its flite voice (kal16) costs ~25 % WER even fed to Vosk straight from the
        // 16 kHz source, so it measures the voice, not this path. The benchmark reports every fixture.
        Fixture fixture = Fixture.load("internet-down");
        List<String> lines = run("simulate", Fixture.path("internet-down.wav").toString(),
                "--url", deployment.service().url().toString(), "--speed", "8", "--json");

        List<JsonNode> events = new ArrayList<>();
        for (String line : lines) {
            events.add(Json.parse(line));
        }
        for (JsonNode e : events) {
            assertTrue(e.hasNonNull("type") && e.path("atMs").isIntegralNumber(), "type and atMs on " + e);
        }
        JsonNode end = events.get(events.size() - 1);
        assertEquals("end", end.path("type").asText());
        assertTrue(end.path("callSid").asText().startsWith("CA"));
        List<JsonNode> utterances = CallEvents.utterances(events);
        for (JsonNode u : utterances) {
            assertTrue(u.has("track") && u.has("text") && u.has("startMs") && u.has("endMs"), u.toString());
        }
        // A caller who talks into the route message hears it again at their next pause: one event per route sent.
        List<JsonNode> routes = CallEvents.of(events, "route");
        assertFalse(routes.isEmpty(), events.toString());
        JsonNode route = routes.get(routes.size() - 1);
        for (String field : List.of("queue", "topic", "confidence", "reason")) {
            assertTrue(route.hasNonNull(field), field + " in " + route);
        }
        assertEquals("technical", route.path("topic").asText(), route.toString());
        List<JsonNode> pops = CallEvents.of(events, "screenpop");
        assertEquals(routes.size(), pops.size(), "a screen-pop with every route");
        JsonNode pop = pops.get(pops.size() - 1);
        for (String field : List.of("topic", "issue", "angerNow", "angerPeak", "angerTrend", "ventingSeconds",
                "suggestedOpening")) {
            assertTrue(pop.hasNonNull(field), field + " in " + pop);
        }
        for (String list : List.of("alreadySaid", "suggestedResolutions", "transcript")) {
            assertTrue(pop.path(list).isArray() && pop.path(list).size() > 0, list + " in " + pop);
        }
        double wer = WordErrorRate.of(fixture.words(), CallEvents.transcript(events));
        System.out.printf("WER %s via simulate (16 kHz WAV input): %.1f%%%n", fixture.name(), wer * 100);
        assertTrue(wer <= 0.25, CallEvents.transcript(events));
    }

    @Test
    void readableOutputNamesTheTrackAndEndsTheCall() throws Exception {
        List<String> lines = run("simulate", Fixture.path("billing-calm.ulaw").toString(),
                "--url", deployment.service().url().toString(), "--speed", "8");
        String out = String.join("\n", lines);
        assertTrue(lines.stream().anyMatch(l -> l.contains("caller") && l.contains("bill")), out);
        assertTrue(lines.stream().anyMatch(l -> l.contains("line") && l.contains("route after")), out);
        assertTrue(lines.stream().anyMatch(l -> l.contains("says: Of course. What's happening with your")), out);
        assertTrue(lines.stream().anyMatch(l -> l.contains("summary  anger peak") && l.contains("talk-overs 0")), out);
        assertTrue(lines.stream().anyMatch(l -> l.trim().startsWith("issue: ")), out);
        assertTrue(lines.stream().anyMatch(l -> l.contains("route    to queue billing: topic billing")), out);
        assertTrue(lines.stream().anyMatch(l -> l.trim().startsWith("say first: Thanks for holding.")), out);
        assertTrue(lines.get(lines.size() - 1).contains("end of call CA"), String.join("\n", lines));
    }

    /**
     * With {@code --hold}, the caller stays in the queue once their audio has ended, so an agent can take the call
     * on the desk (the README's try-it section), and the call ends only when the hold is over.
     */
    @Test
    void aHeldCallerWaitsInTheQueueUntilAnAgentTakesTheCall() throws Exception {
        int holdSeconds = 20;
        Process p = start(ProcessBuilder.Redirect.PIPE, "simulate", Fixture.path("billing-calm.wav").toString(), "--url",
                deployment.service().url().toString(), "--speed", "8", "--hold", Integer.toString(holdSeconds),
                "--json");
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        String holding;
        do {
            holding = err.readLine();
            assertNotNull(holding, "simulate ended without holding the caller");
        } while (!holding.contains("the caller's audio has ended"));
        Matcher sid = Pattern.compile("call (CA[0-9a-f]{32}): .* wait " + holdSeconds + " s more for an agent: take "
                + "the call at " + Pattern.quote(deployment.service().url() + "/agent")).matcher(holding);
        assertTrue(sid.find(), holding);
        String callSid = sid.group(1);

        Browserless dana = new Browserless(deployment.service().url());
        dana.login("dana", Deployment.PASSWORD);
        String waiting = dana.get("/api/calls/waiting").body();
        assertTrue(waiting.contains(callSid), "the held caller is on the desk: " + waiting);
        HttpResponse<String> take = dana.post("/agent/calls/" + callSid + "/take", Map.of("_csrf", dana.csrf()));
        assertEquals(303, take.statusCode(), take.body());
        assertEquals("/agent?call=" + callSid, take.headers().firstValue("Location").orElseThrow(),
                "taken by dana, not by someone else nor left in the queue");

        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        List<JsonNode> events = new ArrayList<>();
        for (String line : out.lines().filter(l -> !l.isBlank()).toList()) {
            events.add(Json.parse(line));
        }
        JsonNode end = events.get(events.size() - 1);
        assertEquals(callSid, end.path("callSid").asText());
        long spokeUntil = CallEvents.utterances(events).stream().mapToLong(u -> u.path("endMs").asLong()).max()
                .orElseThrow();
        assertTrue(end.path("atMs").asLong() >= spokeUntil + holdSeconds * 1000L,
                "the call ended " + holdSeconds + " s of stream after the caller's audio, not with it: " + end
                        + " after speech ending at " + spokeUntil + " ms");
        assertEquals("dana", Json.parse(dana.get("/api/calls/" + callSid).body()).path("call").path("agent").asText());
    }

    private static List<String> run(String... args) throws Exception {
        Process p = start(ProcessBuilder.Redirect.INHERIT, args);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    /** The jar's command beside the deployment's service, sharing its data directory as the README says. */
    private static Process start(ProcessBuilder.Redirect err, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", "target/calmline.jar"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(err);
        builder.environment().put("DATA_DIR", deployment.service().dataDir().toString());
        return builder.start();
    }
}
