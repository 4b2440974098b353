package com.calmline.speech;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.app.CallEvents;
import com.calmline.app.Deployment;
import com.calmline.app.Fixture;
import com.calmline.app.RedisContents;
import com.calmline.app.LogCapture;
import com.calmline.app.RunningService;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vosk.Model;
import redis.clients.jedis.RedisClient;

/**
 * A caller reads out a phone number and an e-mail address that Vosk mishears (pii-misheard: "four one five to
 * four to …", "time dot baker at me or dot com"), through the real service, real Vosk and a real Redis: neither
 * is left anywhere in Redis (transcript, search index, events, every key) nor in the log.
 */
class MisheardPrivateDataIT {
    private static final Set<String> DIGIT_SOUNDS = Set.of("to", "too", "for", "fore", "won", "ate");
    private static final String DIGITS = "zero|oh|one|two|three|four|five|six|seven|eight|nine|double";
    /** Three digits in a row, homophones included: any fragment of the number as the recogniser writes it. */
    private static final Pattern RAW_PHONE = Pattern.compile(
            "(?:\\b(?:" + DIGITS + "|to|too|for|won)\\b[\\s,.-]*){3,}");
    private static final Pattern RAW_EMAIL = Pattern.compile("baker|gmail|\\bdot com\\b|\\btom dot|\\btime dot");

    @RegisterExtension
    static final Deployment deployment = Deployment.demo().build();

    @Test
    void aMisheardPhoneNumberAndEmailLeaveNoTraceInRedisOrTheLog() throws Exception {
        Fixture fixture = Fixture.load("pii-misheard");
        assertTheRecogniserMishearsThem(fixture);

        RunningService service = deployment.service();
        List<JsonNode> events;
        try (LogCapture log = new LogCapture()) {
            events = service.listen("pii-misheard", sid -> {
            }, 4).events();
            String transcript = CallEvents.transcript(events);
            assertTrue(transcript.contains("[phone]") && transcript.contains("[email]"),
                    "both were heard and tagged: " + transcript);
            String raw = log.raw();
            assertTrue(raw.contains("answered"), "the log was captured: " + raw);
            assertFalse(RAW_PHONE.matcher(raw).find(), "the phone number is in the log: " + raw);
            assertFalse(RAW_EMAIL.matcher(raw).find(), "the e-mail address is in the log: " + raw);
        }
        int scanned = 0;
        try (RedisClient redis = service.redis()) {
            for (Map.Entry<String, String> kept : RedisContents.of(redis).entrySet()) {
                String key = kept.getKey();
                String content = kept.getValue();
                String all = key + "\n" + content;
                assertFalse(RAW_PHONE.matcher(all).find(), "the phone number in " + key + ": " + content);
                assertFalse(RAW_EMAIL.matcher(all).find(), "the e-mail address in " + key + ": " + content);
                scanned++;
            }
        }
        assertTrue(scanned > 5, "scanned " + scanned + " keys");
    }

    /**
     * The test proves something only if Vosk really mishears: the number's digits come back with a homophone
     * among them, and the address without the "at gmail dot com" a clean rule reads.
     */
    private static void assertTheRecogniserMishearsThem(Fixture fixture) throws Exception {
        short[] pcm = MuLaw.decode(fixture.mulaw());
        List<String> heard = new ArrayList<>();
        try (Model model = new Model(Path.of("models/model-en-us").toString())) {
            for (var sentence : fixture.sentences()) {
                heard.add(String.join(" ", RedactionBench.recognise(model, pcm, sentence.startMs(), sentence.endMs())
                        .stream().map(RedactionBench.Heard::word).toList()));
            }
        }
        System.out.println("pii-misheard, raw: " + heard);
        List<String> phone = List.of(heard.get(0).split(" "));
        assertTrue(phone.stream().filter(w -> w.matches(DIGITS)).count() >= 6, "the digits were heard: " + phone);
        assertTrue(phone.stream().anyMatch(DIGIT_SOUNDS::contains), "a digit was heard as another word: " + phone);
        String email = heard.get(1);
        assertTrue(email.contains("baker") && email.contains("dot"), "the address was heard: " + email);
        assertFalse(email.contains("at gmail dot com"), "the address was misheard: " + email);
    }
}
