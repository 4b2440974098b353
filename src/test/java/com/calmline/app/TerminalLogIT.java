package com.calmline.app;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service's log as the README's first command shows it: readable lines at a terminal (here a
 * pseudo-terminal from util-linux's {@code script}), so a newcomer reads the demo passwords as they are; one
 * JSON object a line when its output goes anywhere else, for whatever collects it.
 */
class TerminalLogIT {
    @TempDir
    Path dataDir;

    @Test
    void atATerminalTheLogIsReadableAndTheDemoPasswordsAreLinesOfTheirOwn() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> lines = startUntilListening(new ProcessBuilder("script", "-qec",
                "'" + java + "' -jar target/calmline.jar", "/dev/null"));
        int passwords = indexOf(lines, "one-time passwords");
        assertTrue(lines.get(passwords).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN .*created demo users with one-time "
                + "passwords.*"), String.join("\n", lines));
        assertTrue(lines.get(passwords + 1).matches("\\s+agent\\s+\\S{8,}"), "the agent's password on its own line: "
                + String.join("\n", lines));
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("{")), "no JSON: " + String.join("\n", lines));
    }

    @Test
    void elsewhereTheLogIsOneJsonObjectALine() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> lines = startUntilListening(new ProcessBuilder(java, "-jar", "target/calmline.jar"));
        String passwords = lines.get(indexOf(lines, "one-time passwords"));
        assertTrue(passwords.startsWith("{\"timestamp\":") && passwords.contains("\\n    agent "), passwords);
        assertTrue(lines.stream().allMatch(l -> l.startsWith("{") && l.endsWith("}")), String.join("\n", lines));
    }

    /** The service's output from its start until it listens; the service is stopped again before this returns. */
    private List<String> startUntilListening(ProcessBuilder builder) throws Exception {
        builder.environment().put("PORT", "0");
        builder.environment().put("DATA_DIR", dataDir.toString());
        builder.environment().remove("LOG_FORMAT");
        builder.redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE);
        Process p = builder.start();
        BlockingQueue<String> out = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    out.add(line.replace("\r", ""));
                }
            } catch (java.io.IOException e) {
                // the process was stopped
            }
        }, "service-output");
        reader.start();
        List<String> lines = new ArrayList<>();
        try {
            while (true) {
                String line = out.poll(180, TimeUnit.SECONDS);
                assertNotNull(line, "the service never said it was listening: " + String.join("\n", lines));
                lines.add(line);
                if (line.contains("Calmline listening on")) {
                    return lines;
                }
            }
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        throw new AssertionError("no line with '" + part + "' in\n" + String.join("\n", lines));
    }
}
