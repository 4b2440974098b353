package com.calmline.callback;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * When we may ring someone, on their own clock: the opening hours and holidays of {@code hours.txt}, and
 * never before 08:00 or after 21:00 where they are, whatever the file says.
 */
final class BusinessHours {
    static final LocalTime EARLIEST = LocalTime.of(8, 0);
    static final LocalTime LATEST = LocalTime.of(21, 0);
    private static final int DAYS_AHEAD = 30;

    private record Window(LocalTime open, LocalTime close) {
    }

    private final Map<DayOfWeek, Window> week;
    private final Set<LocalDate> holidays;

    private BusinessHours(Map<DayOfWeek, Window> week, Set<LocalDate> holidays) {
        this.week = week;
        this.holidays = holidays;
    }

    /**
     * Parses lines {@code DAY OPEN CLOSE} ({@code mon 09:00 18:00}; a day not listed is closed) and
     * {@code holiday YYYY-MM-DD}; {@code #} starts a comment.
     */
    static BusinessHours parse(String text, String source) {
        Map<DayOfWeek, Window> week = new EnumMap<>(DayOfWeek.class);
        Set<LocalDate> holidays = new HashSet<>();
        int n = 0;
        for (String raw : text.split("\n")) {
            n++;
            String line = raw.replaceAll("#.*", "").strip().toLowerCase(Locale.ROOT);
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\\s+");
            try {
                if (f[0].equals("holiday") && f.length == 2) {
                    holidays.add(LocalDate.parse(f[1]));
                } else if (f.length == 3) {
                    Window w = new Window(LocalTime.parse(f[1]), LocalTime.parse(f[2]));
                    if (!w.open().isBefore(w.close())) {
                        throw new IllegalArgumentException(source + " line " + n + ": opens after it closes");
                    }
                    week.put(day(f[0], source, n), w);
                } else {
                    throw new IllegalArgumentException(source + " line " + n
                            + ": expected 'DAY HH:MM HH:MM' or 'holiday YYYY-MM-DD', not '" + raw + "'");
                }
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(source + " line " + n + ": " + e.getMessage());
            }
        }
        if (week.isEmpty()) {
            throw new IllegalArgumentException(source + ": no opening hours on any day");
        }
        return new BusinessHours(week, holidays);
    }

    /** The first moment at or after {@code notBefore} when {@code zone}'s clock is inside opening hours. */
    Instant earliest(Instant notBefore, ZoneId zone) {
        ZonedDateTime from = notBefore.atZone(zone);
        for (int d = 0; d <= DAYS_AHEAD; d++) {
            LocalDate date = from.toLocalDate().plusDays(d);
            Optional<Window> w = window(date);
            if (w.isEmpty()) {
                continue;
            }
            LocalTime start = w.get().open();
            if (d == 0) {
                LocalTime now = from.toLocalTime();
                if (!now.isBefore(w.get().close())) {
                    continue;
                }
                start = now.isAfter(start) ? now : start;
            }
            if (start.isBefore(w.get().close())) {
                return date.atTime(start).atZone(zone).toInstant();
            }
        }
        throw new IllegalStateException("no opening hours in the next " + DAYS_AHEAD + " days");
    }

    /** {@code at} on the next business day after {@code after}'s date, on {@code zone}'s clock. */
    Instant nextBusinessDay(Instant after, ZoneId zone, LocalTime at) {
        LocalDate date = after.atZone(zone).toLocalDate();
        for (int d = 1; d <= DAYS_AHEAD; d++) {
            LocalDate next = date.plusDays(d);
            if (window(next).isPresent()) {
                return earliest(next.atTime(at).atZone(zone).toInstant(), zone);
            }
        }
        throw new IllegalStateException("no business day in the next " + DAYS_AHEAD + " days");
    }

    /** Opening hours on {@code date}, cut to 08:00-21:00; empty on a holiday or a closed day. */
    private Optional<Window> window(LocalDate date) {
        Window w = week.get(date.getDayOfWeek());
        if (w == null || holidays.contains(date)) {
            return Optional.empty();
        }
        LocalTime open = w.open().isBefore(EARLIEST) ? EARLIEST : w.open();
        LocalTime close = w.close().isAfter(LATEST) ? LATEST : w.close();
        return open.isBefore(close) ? Optional.of(new Window(open, close)) : Optional.empty();
    }

    private static DayOfWeek day(String s, String source, int line) {
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.name().toLowerCase(Locale.ROOT).startsWith(s) && s.length() >= 3) {
                return d;
            }
        }
        throw new IllegalArgumentException(source + " line " + line + ": '" + s + "' is not a day (mon..sun)");
    }
}
