package com.calmline.callback;

import com.calmline.privacy.Redactor;
import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberToTimeZonesMapper;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;

/** Phone numbers as Google's libphonenumber reads them: valid, in E.164, with the time zone they ring in. */
final class PhoneNumbers {
    /** A number we may ring, and the zone whose clock decides when. */
    record Phone(String e164, ZoneId zone) {
    }

    private final PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    private final PhoneNumberToTimeZonesMapper zones = PhoneNumberToTimeZonesMapper.getInstance();
    private final String defaultRegion;
    private final ZoneId fallbackZone;

    /** {@code defaultRegion} reads numbers written without a country code ("US", "GB"). */
    PhoneNumbers(String defaultRegion, ZoneId fallbackZone) {
        this.defaultRegion = defaultRegion;
        this.fallbackZone = fallbackZone;
    }

    /** The number, normalised; a clear error if it is not one we can ring. */
    Phone parse(String raw) {
        Phonenumber.PhoneNumber number;
        try {
            number = util.parse(raw == null ? "" : raw.strip(), defaultRegion);
        } catch (NumberParseException e) {
            throw new IllegalArgumentException("'" + Redactor.phone(raw) + "' is not a phone number: " + e.getMessage());
        }
        if (!util.isValidNumber(number)) {
            throw new IllegalArgumentException("'" + Redactor.phone(raw) + "' is not a valid phone number");
        }
        return new Phone(util.format(number, PhoneNumberUtil.PhoneNumberFormat.E164), zone(number));
    }

    /** One zone for the number; several (a country spanning zones) or none fall back to the configured one. */
    private ZoneId zone(Phonenumber.PhoneNumber number) {
        List<String> candidates = zones.getTimeZonesForNumber(number);
        if (candidates.size() != 1) {
            return fallbackZone;
        }
        try {
            return ZoneId.of(candidates.get(0));
        } catch (DateTimeException e) {
            return fallbackZone;
        }
    }
}
