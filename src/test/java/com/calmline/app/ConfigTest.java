package com.calmline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.privacy.LogEncoder;
import com.calmline.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The operator's settings: the venting thresholds, how the line is exposed, its credentials. */
class ConfigTest {
    private static final Map<String, String> LIVE = Map.of("TWILIO_ACCOUNT_SID", "AC" + "0".repeat(32),
            "TWILIO_AUTH_TOKEN", "real-token", "PUBLIC_BASE_URL", "https://line.example.com");
    @Test
    void demoModeWhoseSigningTokenIsPublicListensOnlyOnThisMachineUnlessDemoOnNetworkSaysOtherwise() {
        assertEquals("127.0.0.1", Config.fromEnv(Map.of()).listenHost());
        for (String loopback : new String[] {"127.0.0.1", "localhost", "::1"}) {
            assertEquals(loopback, Config.fromEnv(Map.of("HOST", loopback)).listenHost());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Config.fromEnv(Map.of("HOST", "0.0.0.0")));
        assertTrue(e.getMessage().startsWith("HOST=0.0.0.0 would put demo mode on the network"), e.getMessage());
        assertTrue(e.getMessage().contains("DEMO_ON_NETWORK=true"), "the message names the way out: " + e.getMessage());

        Config exposed = Config.fromEnv(Map.of("HOST", "0.0.0.0", "DEMO_ON_NETWORK", "true"));
        assertEquals("0.0.0.0", exposed.listenHost());
        assertTrue(exposed.demoExposed());
        assertEquals("0.0.0.0", Config.fromEnv(Map.of("DEMO_ON_NETWORK", "true")).listenHost());
        assertFalse(Config.fromEnv(Map.of()).demoExposed());
        assertThrows(IllegalArgumentException.class, () -> Config.fromEnv(Map.of("DEMO_ON_NETWORK", "yes")));

        Config live = Config.fromEnv(LIVE);
        assertEquals("0.0.0.0", live.listenHost());
        assertFalse(live.demoMode());
        assertFalse(live.demoExposed());
    }

    /** The Docker image sets HOST=0.0.0.0: started as {@code docker run} without credentials, it must not serve. */
    @Test
    void theDockerImageWithoutCredentialsRefusesToStartInsteadOfPuttingDemoModeOnTheNetwork() throws Exception {
        Map<String, String> image = dockerEnv();
        assertEquals("0.0.0.0", image.get("HOST"), "the image listens for docker run -p");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Config.fromEnv(image));
        assertTrue(e.getMessage().contains("DEMO_ON_NETWORK=true"), e.getMessage());

        Map<String, String> demo = new HashMap<>(image);
        demo.put("DEMO_ON_NETWORK", "true");
        assertTrue(Config.fromEnv(demo).demoExposed(), "asked for explicitly");

        Map<String, String> live = new HashMap<>(image);
        live.putAll(LIVE);
        assertFalse(Config.fromEnv(live).demoMode());
    }

    @Test
    void halfSetTwilioCredentialsAreAStartupErrorNotQuietDemoMode() {
        IllegalArgumentException noToken = assertThrows(IllegalArgumentException.class,
                () -> Config.fromEnv(Map.of("TWILIO_ACCOUNT_SID", "AC" + "0".repeat(32),
                        "PUBLIC_BASE_URL", "https://line.example.com")));
        assertEquals("TWILIO_ACCOUNT_SID is set but TWILIO_AUTH_TOKEN is not: set both for a live line, or neither "
                + "for demo mode", noToken.getMessage());
        IllegalArgumentException noSid = assertThrows(IllegalArgumentException.class,
                () -> Config.fromEnv(Map.of("TWILIO_AUTH_TOKEN", "real-token")));
        assertEquals("TWILIO_AUTH_TOKEN is set but TWILIO_ACCOUNT_SID is not: set both for a live line, or neither "
                + "for demo mode", noSid.getMessage());
        IllegalArgumentException publicToken = assertThrows(IllegalArgumentException.class,
                () -> Config.fromEnv(Map.of("TWILIO_ACCOUNT_SID", "AC" + "0".repeat(32), "TWILIO_AUTH_TOKEN",
                        Config.DEMO_AUTH_TOKEN, "PUBLIC_BASE_URL", "https://line.example.com")));
        assertTrue(publicToken.getMessage().contains("public"), publicToken.getMessage());
        assertTrue(Config.fromEnv(Map.of("TWILIO_ACCOUNT_SID", " ", "TWILIO_AUTH_TOKEN", "")).demoMode(),
                "blank is unset");
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
    void decoderThreadsDefaultToTheCoresAndNeedAtLeastOne() {
        assertEquals(Runtime.getRuntime().availableProcessors(), Config.fromEnv(Map.of()).decoderThreads());
        assertEquals(3, Config.fromEnv(Map.of("DECODER_THREADS", "3")).decoderThreads());
        assertEquals("DECODER_THREADS must be at least 1", assertThrows(IllegalArgumentException.class,
                () -> Config.fromEnv(Map.of("DECODER_THREADS", "0"))).getMessage());
    }

    @Test
    void calmCannotBeAngrierThanVenting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Config.fromEnv(Map.of("VENTING_ANGER", "0.4", "CALM_ANGER", "0.45")));
        assertTrue(e.getMessage().contains("CALM_ANGER"), e.getMessage());
    }

    @Test
    void logFormatIsWhatLogFormatAsksForOrLeftToWhoeverStartsTheService() {
        assertEquals(Optional.empty(), Config.fromEnv(Map.of()).logFormat());
        assertEquals(Optional.of(LogEncoder.Format.TEXT), Config.fromEnv(Map.of("LOG_FORMAT", "text")).logFormat());
        assertEquals(Optional.of(LogEncoder.Format.JSON), Config.fromEnv(Map.of("LOG_FORMAT", "JSON")).logFormat());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Config.fromEnv(Map.of("LOG_FORMAT", "pretty")));
        assertEquals("LOG_FORMAT must be json or text, not 'pretty'", e.getMessage());
    }

    @Test
    void aNumberSettingThatIsNoNumberOrOutOfRangeSaysWhatItMustBe() {
        assertEquals("PORT must be a whole number, such as 8080, not 'abc'", assertThrows(IllegalArgumentException.class,
                () -> Config.fromEnv(Map.of("PORT", "abc"))).getMessage());
        assertEquals("PAUSE_MS must not be negative, not '-5'", assertThrows(IllegalArgumentException.class,
                () -> Config.fromEnv(Map.of("PAUSE_MS", "-5"))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Config.fromEnv(Map.of("PORT", "70000")))
                .getMessage().startsWith("PORT must be from 0"));
        assertEquals(65535, Config.fromEnv(Map.of("PORT", "65535")).port());
        assertEquals(0, Config.fromEnv(Map.of("PORT", "0")).port());
        String redis = assertThrows(IllegalArgumentException.class,
                () -> Config.fromEnv(Map.of("REDIS_URL", "localhost:6379 s3cret"))).getMessage();
        assertTrue(redis.startsWith("REDIS_URL must be a URL such as redis://") && !redis.contains("s3cret"), redis);
        assertEquals("redis", Config.fromEnv(Map.of("REDIS_URL", "redis://:pw@redis:6379/0")).redisUrl().orElseThrow()
                .getHost());
    }

    @Test
    void aStreamStallsAfterThreeQuietSecondsUnlessToldOtherwiseAndNeverAfterNone() {
        assertEquals(java.time.Duration.ofSeconds(3), Config.fromEnv(Map.of()).streamStall());
        assertEquals(java.time.Duration.ofSeconds(10), Config.fromEnv(Map.of("STREAM_STALL_SECONDS", "10"))
                .streamStall());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Config.fromEnv(Map.of("STREAM_STALL_SECONDS", "0"))).getMessage()
                .startsWith("STREAM_STALL_SECONDS must be at least 1"));
        assertEquals("STREAM_STALL_SECONDS must be a whole number, such as 3, not '2.5'",
                assertThrows(IllegalArgumentException.class,
                        () -> Config.fromEnv(Map.of("STREAM_STALL_SECONDS", "2.5"))).getMessage());
    }

    @Test
    void aClusterIsNamedByItsNodesWithOnePasswordAndTls() {
        Config c = Config.fromEnv(Map.of("REDIS_CLUSTER", " r1:7000, r2:7001 ,", "REDIS_PASSWORD", "pw",
                "REDIS_TLS", "true"));
        assertEquals(new Store.Cluster(List.of("r1:7000", "r2:7001"), Optional.empty(), Optional.of("pw"), true),
                c.redisCluster().orElseThrow());
        assertTrue(Config.fromEnv(Map.of()).redisCluster().isEmpty(), "the embedded server by default");
        String bad = assertThrows(IllegalArgumentException.class,
                () -> Config.fromEnv(Map.of("REDIS_CLUSTER", "r1:7000,r2"))).getMessage();
        assertTrue(bad.startsWith("REDIS_CLUSTER: 'r2' is not host:port"), bad);
        assertEquals("set REDIS_URL (one server) or REDIS_CLUSTER (a cluster), not both",
                assertThrows(IllegalArgumentException.class, () -> Config.fromEnv(Map.of("REDIS_CLUSTER", "r1:7000",
                        "REDIS_URL", "redis://r1:6379"))).getMessage());
    }

    /** The environment the Dockerfile's ENV lines give the service. */
    private static Map<String, String> dockerEnv() throws Exception {
        String dockerfile = Files.readString(Path.of("Dockerfile")).replace("\\\n", " ");
        Map<String, String> env = new HashMap<>();
        for (String line : dockerfile.split("\n")) {
            if (line.startsWith("ENV ")) {
                for (String pair : line.substring(4).trim().split("\\s+")) {
                    String[] kv = pair.split("=", 2);
                    env.put(kv[0], kv[1]);
                }
            }
        }
        return env;
    }
}
