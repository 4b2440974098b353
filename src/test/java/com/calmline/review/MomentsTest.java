package com.calmline.review;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class MomentsTest {
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private final Moments moments = new Moments(NEW_YORK);

    private static long at(String local, ZoneId zone) {
        return ZonedDateTime.of(java.time.LocalDateTime.parse(local), zone).toInstant().toEpochMilli();
    }

    @Test
    void aMomentIsOnTheOperatorsClockWithTheAbbreviationOfItsSeason() {
        assertEquals("4 Dec 2026 15:57 EST", moments.at(at("2026-12-04T15:57:40", NEW_YORK)));
        assertEquals("4 Jul 2026 09:05 EDT", moments.at(at("2026-07-04T09:05", NEW_YORK)));
    }

    @Test
    void aStoredUtcTimestampIsShownOnTheSameClockNotAsZ() {
        assertEquals("4 Dec 2026 15:57 EST", moments.at("2026-12-04T20:57:03.123456Z"));
        assertEquals("1 Jan 2026 00:30 UTC", new Moments(ZoneId.of("UTC")).at("2026-01-01T00:30:00Z"));
    }

    @Test
    void nothingOrSomethingUnreadableShowsNothing() {
        assertEquals("", moments.at((String) null));
        assertEquals("", moments.at(""));
        assertEquals("", moments.at("yesterday"));
    }

    @Test
    void aCustomersOwnClockIsAddedOnlyWhenItReadsDifferently() {
        long nineInLa = at("2026-12-05T09:00", ZoneId.of("America/Los_Angeles"));
        assertEquals("5 Dec 2026 12:00 EST (09:00 PST their time)", moments.at(nineInLa, ZoneId.of("America/Los_Angeles")));
        assertEquals("5 Dec 2026 12:00 EST", moments.at(nineInLa, ZoneId.of("America/Toronto")));
        assertEquals("5 Dec 2026 12:00 EST", moments.at(nineInLa, NEW_YORK));
    }
}
