package com.calmline.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.calmline.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The console encoder on a real logback context: what a log collector receives, redacted. */
class LogEncoderTest {
    private static final String CARD = "4111 1111 1111 1111";
    private static final String CALL_SID = "CA" + "0123456789abcdef".repeat(2);

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private LoggerContext context;
    private LogEncoder encoder;
    private Logger log;

    @BeforeEach
    void logTo() {
        context = new LoggerContext();
        context.setMDCAdapter(MDC.getMDCAdapter());
        encoder = new LogEncoder();
        encoder.setContext(context);
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(out);
        appender.start();
        log = context.getLogger("com.calmline.telephony.MediaStream");
        log.addAppender(appender);
    }

    @AfterEach
    void clear() {
        MDC.clear();
        context.stop();
    }

    @Test
    void aLineIsOneJsonObjectWithTheCallSidAndNoCardNumber() throws Exception {
        MDC.put(LogSafe.CALL_SID, CALL_SID);
        Instant before = Instant.now();
        log.info("caller read out {}\nand more", CARD);

        List<JsonNode> lines = lines();
        assertEquals(1, lines.size(), "a message with a line break is still one line: " + out);
        JsonNode line = lines.get(0);
        assertEquals("caller read out [card]\nand more", line.path("message").asText());
        assertEquals(CALL_SID, line.path("callSid").asText());
        assertEquals("INFO", line.path("level").asText());
        assertEquals("com.calmline.telephony.MediaStream", line.path("logger").asText());
        assertEquals(Thread.currentThread().getName(), line.path("thread").asText());
        assertTrue(line.path("timestamp").asText().endsWith("Z"), "UTC: " + line);
        Instant at = Instant.parse(line.path("timestamp").asText());
        assertTrue(Duration.between(before, at).abs().toSeconds() < 60, "the time of the event: " + at);
        assertFalse(line.has("exception"));
        assertFalse(out.toString(StandardCharsets.UTF_8).contains("4111"), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anExceptionComesWithItsClassAndTraceItsMessagesAndItsCausesRedacted() throws Exception {
        IllegalStateException cause = new IllegalStateException("mail to john.smith@example.com failed");
        log.error("call failed", new IllegalArgumentException("cannot parse '" + CARD + "'", cause));

        JsonNode line = lines().get(0);
        assertFalse(line.has("callSid"), "no call, no callSid");
        JsonNode e = line.path("exception");
        assertEquals("java.lang.IllegalArgumentException", e.path("class").asText());
        assertEquals("cannot parse '[card]'", e.path("message").asText());
        String trace = e.path("stackTrace").asText();
        assertTrue(trace.contains("LogEncoderTest.anExceptionComesWithItsClassAndTraceItsMessagesAndItsCausesRedacted"),
                trace);
        assertTrue(trace.contains("Caused by: java.lang.IllegalStateException: mail to [email] failed"), trace);
        String raw = out.toString(StandardCharsets.UTF_8);
        assertFalse(raw.contains("4111") || raw.contains("john.smith"), raw);
    }

    @Test
    void anMdcKeyNamedLikeAFieldDoesNotReplaceIt() throws Exception {
        MDC.put("message", "from the MDC");
        log.warn("the message");

        JsonNode line = lines().get(0);
        assertEquals("the message", line.path("message").asText());
        assertEquals("from the MDC", line.path("mdc.message").asText());
    }

    @Test
    void theTextFormatIsTheReadableLineRedactedExceptionsIncluded() {
        encoder.format(LogEncoder.Format.TEXT);
        log.warn("caller read out {}", CARD, new IllegalArgumentException("cannot parse '" + CARD + "'"));

        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.matches("(?s)\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  \\[[^]]+] c\\.c\\.t\\.MediaStream - caller read out"
                + " \\[card]\\R" + "java\\.lang\\.IllegalArgumentException: cannot parse '\\[card]'\\R\\tat .*"), text);
        assertFalse(text.contains("4111"), text);
    }

    private List<JsonNode> lines() throws Exception {
        String raw = out.toString(StandardCharsets.UTF_8);
        assertTrue(raw.endsWith("\n"), raw);
        List<JsonNode> lines = new java.util.ArrayList<>();
        for (String l : raw.split("\n")) {
            lines.add(Json.parse(l));
        }
        return lines;
    }
}
