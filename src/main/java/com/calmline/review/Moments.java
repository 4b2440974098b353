package com.calmline.review;

import com.calmline.web.Pages;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Moments as the supervisors' pages show them ({@link Pages#moments}: the operator's clock,
 * {@code DEFAULT_TIME_ZONE}, with its zone's abbreviation), from what the calls' records hold.
 */
final class Moments {
    private final ZoneId zone;
    private final DateTimeFormatter format;

    Moments(ZoneId zone) {
        this.zone = zone;
        this.format = Pages.moments(zone);
    }

    String at(long epochMs) {
        return format.format(Instant.ofEpochMilli(epochMs));
    }

    /** A moment stored as ISO-8601 text (a wrap-up's); empty if there is none or it is unreadable. */
    String at(String iso) {
        try {
            return iso == null || iso.isBlank() ? "" : format.format(Instant.parse(iso));
        } catch (DateTimeParseException e) {
            return "";
        }
    }

    /**
     * A moment that matters on someone else's clock too (a callback rings on the customer's): the operator's
     * time, then theirs when their zone is another.
     */
    String at(long epochMs, ZoneId theirs) {
        String ours = at(epochMs);
        if (theirs.equals(zone) || theirs.getRules().getOffset(Instant.ofEpochMilli(epochMs))
                .equals(zone.getRules().getOffset(Instant.ofEpochMilli(epochMs)))) {
            return ours;
        }
        return ours + " (" + DateTimeFormatter.ofPattern("HH:mm z", Locale.ENGLISH).withZone(theirs)
                .format(Instant.ofEpochMilli(epochMs)) + " their time)";
    }
}
