package com.calmline.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class PhoneNumbersTest {
    private final PhoneNumbers numbers = new PhoneNumbers("US", ZoneId.of("America/New_York"));

    @Test
    void numbersAreNormalisedToE164WithTheirOwnTimeZone() {
        PhoneNumbers.Phone sf = numbers.parse("(415) 555-0142");
        assertEquals("+14155550142", sf.e164());
        assertEquals(ZoneId.of("America/Los_Angeles"), sf.zone());
        PhoneNumbers.Phone london = numbers.parse("+44 20 7946 0958");
        assertEquals("+442079460958", london.e164());
        assertEquals(ZoneId.of("Europe/London"), london.zone());
    }

    @Test
    void aNumberSpanningZonesUsesTheConfiguredOne() {
        assertEquals(ZoneId.of("America/New_York"), numbers.parse("+1 800 555 0199").zone());
    }

    @Test
    void aBadNumberIsRefusedClearlyWithoutEchoingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> numbers.parse("+1 555 555 0100"));
        assertFalse(e.getMessage().contains("555 0100"), "the number is masked: " + e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> numbers.parse("call me maybe"));
        assertThrows(IllegalArgumentException.class, () -> numbers.parse(""));
    }
}
