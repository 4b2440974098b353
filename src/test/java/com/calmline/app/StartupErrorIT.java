package com.calmline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service started as the README starts it, with a setting it cannot use: one line on standard error
 * naming the setting and what it must be, exit status 2, and nothing started (no stack trace, no log).
 */
class StartupErrorIT {
    @TempDir
    Path dataDir;

    @Test
    void aPortThatIsNoNumberStopsTheServiceWithOneLine() throws Exception {
        assertStartRefused(Map.of("PORT", "abc"), "calmline: PORT must be a whole number, such as 8080, not 'abc'");
    }

    @Test
    void anyOtherBadSettingStopsItTheSameWay() throws Exception {
        assertStartRefused(Map.of("MAX_LIVE_CALLS", "lots"),
                "calmline: MAX_LIVE_CALLS must be a whole number, such as ");
        assertStartRefused(Map.of("LOG_FORMAT", "pretty"), "calmline: LOG_FORMAT must be json or text, not 'pretty'");
        assertStartRefused(Map.of("PORT", "99999"), "calmline: PORT must be from 0 (any free port) to 65535");
    }

    private void assertStartRefused(Map<String, String> env, String says) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", "target/calmline.jar"));
        builder.environment().putAll(env);
        builder.environment().put("DATA_DIR", dataDir.toString());
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the service did not stop");
        assertEquals(2, p.exitValue(), err);
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertTrue(err.startsWith(says), err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), err);
        assertEquals("", out, "nothing started, nothing logged");
    }
}
