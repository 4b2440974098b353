package com.calmline.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.app.CallEvents;
import com.calmline.app.CallScript;
import com.calmline.app.Deployment;
import com.calmline.app.Fixture;
import com.calmline.app.RunningService;
import com.calmline.emotion.AngerMeter;
import com.calmline.speech.Transcriber;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the line says, and when, on every fixture call: played through the real service (real Vosk, Redis,
 * the Twilio SDK against WireMock) by a caller who waits for the line to finish before going on, except where
 * the script has them cut in.
 */
class ListeningIT {
    private static final double SPEED = 4;
    private static final Pattern APOLOGY = Pattern.compile("\\b(sorry|apologise|frustrating|upsetting|upset)\\b");
    private static final Map<String, Played> PLAYED = new ConcurrentHashMap<>();
    @RegisterExtension
    static final Deployment deployment = Deployment.live("listening-it-token").build();
    private static Set<String> promptWords;

    /** A fixture call as it was played, its events, and the words the recogniser was unsure of. */
    record Played(String callSid, Fixture recorded, Fixture played, List<JsonNode> events, Set<String> unsureWords) {
        List<JsonNode> prompts() {
            return CallEvents.prompts(events);
        }

        JsonNode summary() {
            return CallEvents.only(events, "summary");
        }

        List<String> actions() {
            return prompts().stream().map(d -> d.path("action").asText()).toList();
        }
    }

    @BeforeAll
    static void readPrompts() throws Exception {
        promptWords = new HashSet<>();
        try (Stream<Path> files = Files.list(Path.of("prompts"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".txt")).toList()) {
                promptWords.addAll(words(Files.readString(f)));
            }
        }
    }

    static Stream<String> fixtures() throws IOException {
        try (Stream<Path> files = Files.list(Fixture.path(""))) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".json"))
                    .map(f -> f.substring(0, f.length() - 5)).sorted().toList().stream();
        }
    }

    private static Played play(String name) {
        return PLAYED.computeIfAbsent(name, n -> {
            try {
                RunningService.Listened call = deployment.service().listen(n, deployment.twilio()::accepts, SPEED);
                return new Played(call.callSid(), call.recorded(), call.played(), call.events(),
                        unsureWords(call.callSid()));
            } catch (Exception e) {
                throw new IllegalStateException("playing " + n, e);
            }
        });
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void theLineNeverTalksOverTheCallerAndStopsAtOnceWhenTheyCutIn(String name) {
        Played call = play(name);
        assertEquals(0, call.summary().path("talkOvers").asInt(), call.events().toString());
        for (JsonNode overlap : CallEvents.of(call.events(), "overlap")) {
            assertEquals("barge-in", overlap.path("kind").asText(), overlap.toString());
            assertTrue(overlap.path("stoppedAfterMs").asLong() <= 500, "stopped within 500 ms: " + overlap);
        }
        for (JsonNode prompt : call.prompts()) {
            long at = prompt.path("atMs").asLong();
            assertTrue(CallEvents.inGap(call.played(), at), "a prompt only in the caller's silence: " + prompt);
            assertTrue(CallEvents.recordedPause(call.played(), call.recorded(), at) >= 1000,
                    "never in a mid-rant gap: " + prompt);
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void everythingTheLineSaysReadsAsNaturalEnglish(String name) {
        Played call = play(name);
        AngerMeter anger = AngerMeter.load();
        for (JsonNode prompt : call.prompts()) {
            String say = prompt.path("say").asText();
            assertTrue(Character.isUpperCase(say.charAt(0)) && say.matches(".*[.?]$"), say);
            assertFalse(say.contains("{") || say.contains("  ") || say.matches(".*\\s[.,?].*"), say);
            List<String> words = words(say);
            for (int i = 1; i < words.size(); i++) {
                assertFalse(words.get(i).equals(words.get(i - 1)), "'" + words.get(i) + "' twice in: " + say);
            }
            for (String w : words) {
                assertFalse(anger.offensive(w), "'" + w + "' said back: " + say);
                assertFalse(call.unsureWords().contains(w) && !promptWords.contains(w),
                        "'" + w + "', which the recogniser was unsure of, said back: " + say);
            }
            assertFalse(say.matches("(?i).*\\b(you \\w+ed you|we \\w+ed (we|us))\\b.*"),
                    "pronouns flipped both ways, not one: " + say);
        }
        String issue = call.summary().path("issue").asText();
        assertFalse(words(issue).stream().anyMatch(Set.of("i", "me", "my", "mine", "myself", "i'm", "i've")::contains),
                "the issue is told back in the second person: " + issue);
        for (String feeling : call.summary().path("feeling").asText().split("; |, ")) {
            if (!feeling.isBlank()) {
                assertFalse(issue.contains(feeling), "the outburst '" + feeling + "' is not the issue: " + issue);
                call.prompts().forEach(p -> assertFalse(p.path("say").asText().toLowerCase(Locale.ROOT)
                        .contains(feeling), "the outburst is not repeated back: " + p));
            }
        }
    }

    @Test
    void anOutburstIsAcknowledgedAsAFeelingAndTheComplaintIsRepeatedBack() {
        Played call = play("outburst-broadband");
        JsonNode ack = CallEvents.action(call.events(), "acknowledge").get(0);
        String say = ack.path("say").asText();
        assertTrue(say.contains("broadband"), "the complaint in the caller's key words: " + say);
        assertTrue(say.contains("I can hear how frustrating this has been."), "the feeling, on its own: " + say);
        assertFalse(say.toLowerCase(Locale.ROOT).contains("ridiculous"), say);
        assertTrue(call.summary().path("feeling").asText().contains("ridiculous"), call.summary().toString());
        assertTrue(call.summary().path("issue").asText().contains("broadband"), call.summary().toString());
        assertEquals(List.of("acknowledge", "route"), call.actions());
    }

    @Test
    void angerWithoutSwearWordsIsHeardOut() throws Exception {
        Played call = play("contempt-angry");
        assertTrue(call.summary().path("angerPeak").asDouble() >= 0.5, call.summary().toString());
        assertEquals("acknowledge", call.actions().get(0), call.prompts().toString());
        String issue = call.summary().path("issue").asText();
        assertTrue(issue.isEmpty() || issue.contains("engineers"),
                "said back, the issue is the engineers who never came (the recogniser is not always sure of it): "
                        + call.summary());
        String lines = keyLines(call);
        assertTrue(lines.contains("engineers"), "the agent reads it in the caller's words: " + lines);
    }

    @Test
    void aTopicOnlyFirstTurnGetsOneOpenQuestionAndTheProblemReachesTheAgent() throws Exception {
        for (String name : List.of("billing-calm", "topic-order")) {
            Played call = play(name);
            assertEquals(List.of("ask", "route"), call.actions(), name + ": " + call.prompts());
            String ask = call.prompts().get(0).path("say").asText();
            assertTrue(ask.startsWith("Of course. ") && ask.endsWith("?"), ask);
            String topic = call.prompts().get(0).path("saidBack").asText();
            assertTrue(topic.isEmpty() ? !ask.contains("your ") : ask.contains(topic),
                    "names the topic only when the recogniser heard it surely: " + call.prompts().get(0));
            assertFalse(APOLOGY.matcher(ask.toLowerCase(Locale.ROOT)).find(), ask);
            assertEquals(1, call.summary().path("questions").asInt());
            assertEquals(0, call.summary().path("acknowledgements").asInt());
        }
        Played billing = play("billing-calm");
        String issue = billing.summary().path("issue").asText();
        assertTrue(issue.matches(".*\\b(charged|twice|bill)\\b.*"),
                "the issue is the double charge, or (its words heard unsurely) the bill it is about: " + issue);
        String billingLines = keyLines(billing);
        assertTrue(billingLines.matches(".*\\b(charged?|twice)\\b.*"),
                "the agent reads the double charge in the caller's own words: " + billingLines);
        Played order = play("topic-order");
        String orderIssue = order.summary().path("issue").asText();
        assertTrue(orderIssue.isEmpty() || orderIssue.matches(".*\\b(nothing|empty)\\b.*"),
                "what the line took as the issue is the empty parcel, or nothing it was unsure of: " + orderIssue);
        String orderLines = keyLines(order);
        assertTrue(orderLines.matches(".*\\b(nothing|empty)\\b.*"),
                "the agent reads the empty parcel in the caller's own words: " + orderLines);
    }

    @Test
    void aCalmRequestIsConfirmedWithoutAnApology() {
        Played cancel = play("cancel-calm");
        assertEquals(List.of("route"), cancel.actions());
        String say = cancel.prompts().get(0).path("say").asText();
        assertTrue(say.contains("cancel your membership"),
                "what it is about, without 'gym', a word outside the vocabulary the line says back: " + say);
        assertFalse(APOLOGY.matcher(say.toLowerCase(Locale.ROOT)).find(), say);
        assertEquals("cancel", cancel.summary().path("request").asText());

        Played callback = play("callback-calm");
        assertEquals(List.of("route"), callback.actions());
        assertFalse(APOLOGY.matcher(callback.prompts().get(0).path("say").asText().toLowerCase(Locale.ROOT)).find());
        assertEquals("callback", callback.summary().path("request").asText());
    }

    @Test
    void aCallerWhoTalksIntoTheRouteMessageStopsItAndIsRoutedAtTheirNextPause() {
        Played call = play("keeps-talking");
        List<JsonNode> decisions = CallEvents.decisions(call.events());
        List<String> actions = decisions.stream().map(d -> d.path("action").asText()).toList();
        assertEquals(List.of("greet", "route", "stop", "route"), actions, decisions.toString());
        JsonNode overlap = CallEvents.only(call.events(), "overlap");
        assertEquals("barge-in", overlap.path("kind").asText());
        assertEquals("route", overlap.path("prompt").asText());
        CallScript.Sentence cutIn = call.played().sentences().get(1);
        assertTrue(Math.abs(overlap.path("cutInMs").asLong() - cutIn.startMs()) <= 200, "cut in where the caller spoke: "
                + overlap + " vs " + cutIn);
        JsonNode again = decisions.get(3);
        assertTrue(again.path("reason").asText().startsWith("routing as decided before the caller cut in"), again.toString());
        assertTrue(again.path("atMs").asLong() > call.played().sentences().get(2).endMs(), "at the next real pause");
        assertEquals("sent", decisions.get(2).path("delivery").asText(), "the stop reached Twilio");
    }

    /** Words of the caller's turns that Vosk was unsure of (and not sure of elsewhere in the call). */
    /** The caller's key lines on the call's screen-pop, as the agent reads them. */
    private static String keyLines(Played call) throws Exception {
        return deployment.service().json("/api/calls/" + call.callSid() + "/screenpop").path("keyLines").toString();
    }

    private static Set<String> unsureWords(String callSid) throws Exception {
        Set<String> unsure = new HashSet<>();
        Set<String> sure = new HashSet<>();
        for (JsonNode u : deployment.service().json("/api/calls/" + callSid).path("utterances")) {
            for (JsonNode w : u.path("words")) {
                (w.path("confidence").asDouble() >= Transcriber.Word.SURE ? sure : unsure).add(w.path("word").asText());
            }
        }
        unsure.removeAll(sure);
        unsure.removeIf(w -> w.length() < 4);
        return unsure;
    }

    private static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^a-z']+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }
}
