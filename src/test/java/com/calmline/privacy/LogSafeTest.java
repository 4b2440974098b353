package com.calmline.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/** Request-supplied text on its way into a log line, and the limit on lines anyone can trigger. */
class LogSafeTest {
    @Test
    void aForgedValueCannotStartALineOfItsOwn() {
        String forged = "/x\n12:00:00.000 INFO  [main] App - admin in\r\u2028\u202e\u0000";
        String safe = LogSafe.text(forged);
        assertFalse(safe.chars().anyMatch(c -> Character.getType(c) == Character.CONTROL
                || Character.getType(c) == Character.LINE_SEPARATOR || Character.getType(c) == Character.FORMAT), safe);
        assertEquals("/x\\n12:00:00.000 INFO  [main] App - admin in\\r\\u2028\\u202e\\u0000", safe);
        assertEquals("a\\\\nb", LogSafe.text("a\\nb"), "a literal backslash-n is not read as an escaped newline");
    }

    @Test
    void aLongValueIsCutWithAMarkerOfHowMuchWasCut() {
        String safe = LogSafe.text("x".repeat(10_000));
        assertEquals("x".repeat(LogSafe.MAX_CHARS) + "…[+" + (10_000 - LogSafe.MAX_CHARS) + " chars]", safe);
        assertEquals("short", LogSafe.text("short"));
        assertEquals("x".repeat(LogSafe.MAX_CHARS), LogSafe.text("x".repeat(LogSafe.MAX_CHARS)));
        assertEquals("null", LogSafe.text(null));
    }

    @Test
    void aCutNeverSplitsACharacterInTwo() {
        String emoji = "\uD83D\uDE00";
        String safe = LogSafe.text("x".repeat(LogSafe.MAX_CHARS - 1) + emoji + "tail");
        assertEquals("x".repeat(LogSafe.MAX_CHARS - 1) + "…[+6 chars]", safe);
    }

    @Test
    void beyondTheLimitLinesAreCountedAndTheCountIsLoggedTheNextMinute() {
        LoggerContext context = new LoggerContext();
        Logger log = context.getLogger("test");
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.setContext(context);
        seen.start();
        log.addAppender(seen);
        AtomicLong now = new AtomicLong(5);
        LogSafe.Limit limit = new LogSafe.Limit("rejected-signature", Level.WARN, 3, now::get);

        for (int i = 0; i < 50; i++) {
            limit.log(log, "rejected {}", i);
        }
        assertEquals(List.of("rejected 0", "rejected 1", "rejected 2",
                "more than 3 rejected-signature lines this minute: the rest are suppressed and counted"), messages(seen));
        assertTrue(seen.list.stream().allMatch(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN));

        seen.list.clear();
        now.addAndGet(Duration.ofSeconds(59).toNanos());
        limit.log(log, "rejected {}", 50);
        assertEquals(List.of(), messages(seen), "still the same minute");

        now.addAndGet(Duration.ofSeconds(1).toNanos());
        limit.log(log, "rejected {}", 51);
        assertEquals(List.of("suppressed 48 similar rejected-signature lines", "rejected 51"), messages(seen));

        seen.list.clear();
        now.addAndGet(Duration.ofMinutes(5).toNanos());
        limit.log(log, "rejected {}", 52);
        assertEquals(List.of("rejected 52"), messages(seen), "nothing held back, nothing to report");
    }

    private static List<String> messages(ListAppender<ILoggingEvent> appender) {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
}
