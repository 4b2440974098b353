package com.calmline.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class SpokenTest {
    private static final ZoneId LA = ZoneId.of("America/Los_Angeles");
    private static final Instant NOW = Instant.parse("2026-11-25T20:00:00Z");

    @Test
    void aTimeIsSaidOnTheCustomersOwnClock() {
        assertEquals("today at 3:30 PM", Spoken.when(Instant.parse("2026-11-25T23:30:00Z"), LA, NOW));
        assertEquals("tomorrow at 9 AM", Spoken.when(Instant.parse("2026-11-26T17:00:00Z"), LA, NOW));
        assertEquals("on Monday at 9 AM", Spoken.when(Instant.parse("2026-11-30T17:00:00Z"), LA, NOW));
        assertEquals("on Monday 7 December at 9 AM", Spoken.when(Instant.parse("2026-12-07T17:00:00Z"), LA, NOW));
    }
}
