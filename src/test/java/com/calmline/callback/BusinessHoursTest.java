package com.calmline.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class BusinessHoursTest {
    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final ZoneId LOS_ANGELES = ZoneId.of("America/Los_Angeles");
    private static final BusinessHours HOURS = BusinessHours.parse("""
            mon 09:00 19:00
            tue 09:00 19:00
            wed 09:00 19:00
            thu 09:00 19:00
            fri 09:00 19:00
            sat 10:00 14:00
            holiday 2026-12-25
            """, "test");

    private static Instant at(String local, ZoneId zone) {
        return java.time.LocalDateTime.parse(local).atZone(zone).toInstant();
    }

    @Test
    void aRequestAt2230LocalIsRungAtTheNextOpeningNeverBefore0800() {
        Instant due = HOURS.earliest(at("2026-11-25T22:30", LOS_ANGELES), LOS_ANGELES);
        assertEquals(at("2026-11-26T09:00", LOS_ANGELES), due);
    }

    @Test
    void insideOpeningHoursItIsNow() {
        assertEquals(at("2026-11-25T14:30:10", LONDON), HOURS.earliest(at("2026-11-25T14:30:10", LONDON), LONDON));
        assertEquals(at("2026-11-25T14:30", LONDON), HOURS.earliest(at("2026-11-25T14:30", LONDON), LONDON));
    }

    @Test
    void closedDaysAndHolidaysAreSkipped() {
        assertEquals(at("2026-11-30T09:00", LONDON), HOURS.earliest(at("2026-11-28T15:00", LONDON), LONDON),
                "Saturday after closing, Sunday closed: Monday");
        assertEquals(at("2026-12-26T10:00", LONDON), HOURS.earliest(at("2026-12-24T20:00", LONDON), LONDON),
                "Christmas Day is a holiday; Boxing Day is a Saturday here");
    }

    @Test
    void hoursOutside0800To2100AreCutWhateverTheFileSays() {
        BusinessHours allDay = BusinessHours.parse("mon 00:00 23:59\n", "test");
        Instant due = allDay.earliest(at("2026-11-30T06:00", LONDON), LONDON);
        assertEquals(at("2026-11-30T08:00", LONDON), due);
        assertEquals(at("2026-12-07T08:00", LONDON), allDay.earliest(at("2026-11-30T21:00", LONDON), LONDON));
    }

    @Test
    void aFollowUpIsAt1000LocalOnTheNextBusinessDaySoTwoCountriesDiffer() {
        Instant callEnded = Instant.parse("2026-11-25T18:00:00Z");
        Instant london = HOURS.nextBusinessDay(callEnded, LONDON, LocalTime.of(10, 0));
        Instant sanFrancisco = HOURS.nextBusinessDay(callEnded, LOS_ANGELES, LocalTime.of(10, 0));
        assertEquals(ZonedDateTime.of(2026, 11, 26, 10, 0, 0, 0, LONDON).toInstant(), london);
        assertEquals(ZonedDateTime.of(2026, 11, 26, 10, 0, 0, 0, LOS_ANGELES).toInstant(), sanFrancisco);
        assertNotEquals(london, sanFrancisco);
        assertEquals(at("2026-11-28T10:00", LONDON), HOURS.nextBusinessDay(at("2026-11-27T12:00", LONDON), LONDON,
                LocalTime.of(10, 0)), "Friday's follow-up: Saturday, open from 10:00");
        assertEquals(at("2026-11-30T10:00", LONDON), HOURS.nextBusinessDay(at("2026-11-28T12:00", LONDON), LONDON,
                LocalTime.of(10, 0)), "Saturday's: Sunday is closed, so Monday");
    }

    @Test
    void aBadHoursFileSaysWhichLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BusinessHours.parse("mon 09:00 18:00\nfunday 09:00 10:00\n", "hours.txt"));
        assertTrue(e.getMessage().contains("hours.txt line 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BusinessHours.parse("mon 18:00 09:00\n", "hours.txt"));
        assertThrows(IllegalArgumentException.class, () -> BusinessHours.parse("# nothing\n", "hours.txt"));
    }
}
