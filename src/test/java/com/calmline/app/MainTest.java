package com.calmline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.privacy.LogEncoder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands as a person types them: whatever stops one is a single line that says what is wrong and what
 * to do, with exit status 2 when it cannot run as typed and 1 when it ran and failed; never a stack trace.
 */
class MainTest {
    @TempDir
    Path dir;

    private record Ran(int status, String out, String err) {
    }

    @Test
    void simulateOfAMissingFileSaysSoAndWhatToGive() throws Exception {
        Ran r = run(Map.of(), "simulate", "/missing.wav");
        assertRefused(r, 2, "calmline simulate: /missing.wav: no such file; give a WAV file");
    }

    @Test
    void simulateOfAFileThatIsNotAudioSaysWhatAudioItTakes() throws Exception {
        Path notes = Files.writeString(dir.resolve("notes.txt"), "these are my notes, not a call\n");
        Ran r = run(Map.of(), "simulate", notes.toString());
        assertRefused(r, 2, "calmline simulate: " + notes + ": not a WAV file");
        assertTrue(r.err().contains("16-bit PCM mono, 8 or 16 kHz"), r.err());
        Path empty = Files.write(dir.resolve("empty.ulaw"), new byte[0]);
        assertRefused(run(Map.of(), "simulate", empty.toString()), 2, "holds no audio");
    }

    @Test
    void simulateWithABadOptionNamesIt() throws Exception {
        String audio = Fixture.path("billing-calm.wav").toString();
        assertRefused(run(Map.of(), "simulate", audio, "--fast"), 2, "calmline simulate: unknown option --fast "
                + "(see java -jar calmline.jar simulate --help)");
        assertRefused(run(Map.of(), "simulate", audio, "--speed", "quick"), 2, "--speed takes a number above 0, "
                + "not 'quick'");
        assertRefused(run(Map.of(), "simulate", audio, "--speed", "0"), 2, "--speed takes a number above 0");
        assertRefused(run(Map.of(), "simulate", audio, "--hold", "-3"), 2, "--hold takes a whole number of at least 0");
        assertRefused(run(Map.of(), "simulate", audio, "--url"), 2, "--url needs a value");
        assertRefused(run(Map.of(), "simulate", audio, "--url", "localhost:8080"), 2,
                "--url takes the service's address, such as http://localhost:8080");
        assertRefused(run(Map.of(), "simulate"), 2, "give the AUDIO file to play");
        assertRefused(run(Map.of(), "simulate", audio, audio), 2, "one AUDIO file at a time");
    }

    @Test
    void simulateWithNoServiceToCallSaysHowToStartItAndFails() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Ran r = run(Map.of("DATA_DIR", dir.toString()), "simulate", Fixture.path("billing-calm.wav").toString(),
                "--url", "http://127.0.0.1:" + port);
        assertRefused(r, 1, "calmline simulate: cannot reach the service at http://127.0.0.1:" + port
                + ": start it first (java -jar target/calmline.jar), or give its address with --url");
    }

    @Test
    void helpIsTheUsageOnStandardOutputNotAnError() throws Exception {
        for (String[] args : List.of(new String[] {"simulate", "--help"}, new String[] {"--help"},
                new String[] {"help"}, new String[] {"anger", "-h"})) {
            Ran r = run(Map.of(), args);
            assertEquals(0, r.status(), String.join(" ", args));
            assertTrue(r.out().startsWith("usage: java -jar calmline.jar"), r.out());
            assertTrue(r.out().contains("--hold SECONDS"), r.out());
            assertEquals("", r.err());
        }
    }

    @Test
    void theUsageKeepsASpaceBetweenTheJarAndEachCommand() throws Exception {
        String usage = run(Map.of(), "--help").out();
        for (String command : List.of("simulate AUDIO", "evaluate DIR", "recognise DIR", "anger FILE", "anger --fit FILE", "topics FILE",
                "topics --fit FILE...", "topics --cv FILE...", "user add NAME")) {
            assertTrue(usage.contains("java -jar calmline.jar " + command), command + " in\n" + usage);
        }
        assertFalse(usage.matches("(?s).*calmline\\.jar\\w.*"), usage);
    }

    @Test
    void angerAndTopicsOfAMissingFileSaySoAndWhatToGive() throws Exception {
        assertRefused(run(Map.of(), "anger", "/missing"), 2,
                "calmline anger: /missing: no such file; give a UTF-8 text file, one utterance a line");
        assertRefused(run(Map.of(), "anger", "--fit", "/missing"), 2, "calmline anger: /missing: no such file");
        assertRefused(run(Map.of(), "topics", "/missing"), 2,
                "calmline topics: /missing: no such file; give a UTF-8 text file of TOPIC<TAB>utterance lines");
        assertRefused(run(Map.of(), "topics", "--fit", "/missing"), 2, "calmline topics: /missing: no such file; "
                + "give UTF-8 text files of TOPIC<TAB>utterance lines, or the recognised corpus");
        assertRefused(run(Map.of(), "topics", "--cv"), 2, "calmline topics: give the FILEs to cross-validate on");
        assertRefused(run(Map.of(), "anger", dir.toString()), 2, "calmline anger: " + dir + " is a directory");
        assertRefused(run(Map.of(), "anger"), 2, "calmline anger: give a FILE to score");
        assertRefused(run(Map.of(), "anger", "--strict", "x"), 2, "calmline anger: unknown option --strict");
    }

    @Test
    void aFileThatIsNotWhatTheCommandReadsIsOneLineNamingTheFile() throws Exception {
        Path binary = Files.write(dir.resolve("call.wav"), new byte[] {(byte) 0xC3, (byte) 0x28, 0, (byte) 0xFF});
        assertRefused(run(Map.of(), "anger", binary.toString()), 2, "calmline anger: " + binary + " is not UTF-8 text");
        Path mislabelled = Files.writeString(dir.resolve("labelled.tsv"), "furious\tthis is a disgrace\n");
        assertRefused(run(Map.of(), "anger", "--fit", mislabelled.toString()), 2,
                "calmline anger: " + mislabelled + ": unknown label 'furious'");
        Path topics = Files.writeString(dir.resolve("topics.tsv"), "weather\tis it raining\n");
        assertRefused(run(Map.of(), "topics", topics.toString()), 2, "calmline topics: " + topics + ": ");
        assertRefused(run(Map.of(), "topics", "--fit", topics.toString()), 2, "calmline topics: " + topics
                + ": unknown topic 'weather'");
    }

    @Test
    void aSettingTheCommandCannotUseIsOneLineSayingWhatItMustBe() throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("PORT", "abc", "DATA_DIR", dir.toString()));
        assertRefused(run(env, "user", "add", "ann", "--role", "agent"), 2,
                "calmline: PORT must be a whole number, such as 8080, not 'abc'");
        env.put("PORT", "8080");
        env.put("CALLBACK_RETRY_SECONDS", "ten");
        assertRefused(run(env, "simulate", Fixture.path("billing-calm.wav").toString()), 2,
                "calmline: CALLBACK_RETRY_SECONDS must be a whole number, such as 600, not 'ten'");
    }

    @Test
    void evaluateAndRecogniseOfNoDirectorySaySo() throws Exception {
        assertRefused(run(Map.of(), "recognise", "/missing"), 2,
                "calmline recognise: /missing is not one DIR of rendered calls (scripts/make-corpus.sh");
        assertRefused(run(Map.of(), "evaluate", "/missing"), 2,
                "calmline evaluate: /missing is not a directory of rendered calls (scripts/make-corpus.sh");
        assertRefused(run(Map.of(), "evaluate", dir.toString(), "--parallel", "none"), 2,
                "--parallel takes a whole number of at least 1, not 'none'");
    }

    @Test
    void anUnknownCommandIsAUsageError() throws Exception {
        assertRefused(run(Map.of(), "simluate", "call.wav"), 2,
                "calmline: unknown command 'simluate' (see java -jar calmline.jar --help)");
        assertRefused(run(Map.of(), "serve", "--port", "9000"), 2,
                "calmline serve: the service takes no options: it is configured by environment variables, not --port");
    }

    @Test
    void theLogIsReadableAtATerminalAndJsonOtherwiseUnlessLogFormatSays() {
        assertEquals(LogEncoder.Format.TEXT, Main.logFormat(Optional.empty(), true));
        assertEquals(LogEncoder.Format.JSON, Main.logFormat(Optional.empty(), false));
        assertEquals(LogEncoder.Format.JSON, Main.logFormat(Optional.of(LogEncoder.Format.JSON), true));
        assertEquals(LogEncoder.Format.TEXT, Main.logFormat(Optional.of(LogEncoder.Format.TEXT), false));
    }

    /** One line on standard error, starting with (or holding) {@code says}, with {@code status}, no stack trace. */
    private static void assertRefused(Ran r, int status, String says) {
        assertEquals(status, r.status(), r.err());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertTrue(r.err().contains(says), "'" + says + "' in " + r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
        assertEquals("", r.out());
    }

    private static Ran run(Map<String, String> env, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, env, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Ran(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
