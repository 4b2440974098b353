package com.calmline.callback;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** A time as the line says it to the person it concerns, on their clock: "tomorrow at 9 AM". */
final class Spoken {
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("h a", Locale.ENGLISH);
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("h:mm a", Locale.ENGLISH);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEEE", Locale.ENGLISH);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEEE d MMMM", Locale.ENGLISH);

    private Spoken() {
    }

    static String when(Instant at, ZoneId zone, Instant now) {
        ZonedDateTime t = at.atZone(zone);
        String time = (t.getMinute() == 0 ? HOUR : MINUTE).format(t);
        LocalDate today = now.atZone(zone).toLocalDate();
        LocalDate day = t.toLocalDate();
        if (day.equals(today)) {
            return "today at " + time;
        }
        if (day.equals(today.plusDays(1))) {
            return "tomorrow at " + time;
        }
        return "on " + (day.isBefore(today.plusDays(7)) ? DAY : DATE).format(t) + " at " + time;
    }
}
