package com.calmline.callback;

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

    /**
     * The number, normalised; otherwise an error that says what is wrong and how to write one, without repeating
     * what was typed (even masked, it is the customer's number, and it ends up in logs and API answers).
     */
    Phone parse(String raw) {
        Phonenumber.PhoneNumber number;
        try {
            number = util.parse(raw == null ? "" : raw.strip(), defaultRegion);
        } catch (NumberParseException e) {
            throw new IllegalArgumentException("That doesn't look like a phone number: " + howToWriteOne());
        }
        if (!util.isValidNumber(number)) {
            throw new IllegalArgumentException("That isn't a valid phone number: " + howToWriteOne());
        }
        return new Phone(util.format(number, PhoneNumberUtil.PhoneNumberFormat.E164), zone(number));
    }

    private String howToWriteOne() {
        Phonenumber.PhoneNumber example = util.getExampleNumber(defaultRegion);
        return "check the digits, and start a number from another country with + and its country code"
                + (example == null ? "." : ", e.g. " + util.format(example, PhoneNumberUtil.PhoneNumberFormat.INTERNATIONAL)
                + ".");
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
