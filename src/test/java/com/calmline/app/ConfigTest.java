package com.calmline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.privacy.LogEncoder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The anger thresholds of the venting policy, as an operator sets them. */
class ConfigTest {
    @Test
    void demoModeWhoseSigningTokenIsPublicListensOnlyOnThisMachineUnlessHostSaysOtherwise() {
        assertEquals("127.0.0.1", Config.fromEnv(Map.of()).listenHost());
        assertEquals("0.0.0.0", Config.fromEnv(Map.of("HOST", "0.0.0.0")).listenHost());
        assertEquals("0.0.0.0", Config.fromEnv(Map.of("TWILIO_ACCOUNT_SID", "AC" + "0".repeat(32),
                "TWILIO_AUTH_TOKEN", "real-token", "PUBLIC_BASE_URL", "https://line.example.com")).listenHost());
    }

    @Test
    void theVentingThresholdsDefaultToHalfAndALittleLess() {
        Config config = Config.fromEnv(Map.of());
        assertEquals(0.5, config.venting().ventingAnger());
        assertEquals(0.35, config.venting().calmAnger());
        assertEquals(0.6, Config.fromEnv(Map.of("VENTING_ANGER", "0.6")).venting().ventingAnger());
    }

    @Test
    void aThresholdThatIsNotAFractionIsAClearError() {
        for (String bad : new String[] {"high", "1.5", "-0.1", "NaN"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Config.fromEnv(Map.of("VENTING_ANGER", bad)), bad);
            assertTrue(e.getMessage().startsWith("VENTING_ANGER must be a number from 0 to 1"), e.getMessage());
        }
    }

    @Test
    void calmCannotBeAngrierThanVenting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Config.fromEnv(Map.of("VENTING_ANGER", "0.4", "CALM_ANGER", "0.45")));
        assertTrue(e.getMessage().contains("CALM_ANGER"), e.getMessage());
    }

    @Test
    void logsAreJsonUnlessTextIsAskedFor() {
        assertEquals(LogEncoder.Format.JSON, Config.fromEnv(Map.of()).logFormat());
        assertEquals(LogEncoder.Format.TEXT, Config.fromEnv(Map.of("LOG_FORMAT", "text")).logFormat());
        assertEquals(LogEncoder.Format.JSON, Config.fromEnv(Map.of("LOG_FORMAT", "JSON")).logFormat());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Config.fromEnv(Map.of("LOG_FORMAT", "pretty")));
        assertEquals("LOG_FORMAT must be json or text, not 'pretty'", e.getMessage());
    }
}
