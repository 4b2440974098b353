package com.calmline.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfiguredFileTest {
    @TempDir
    Path dir;

    @Test
    void theOperatorsFileWinsOverTheJarsCopy() throws IOException {
        Files.writeString(dir.resolve("greeting.txt"), "Caf\u00e9 M\u00fcller's line, listening.\n");
        assertEquals("Caf\u00e9 M\u00fcller's line, listening.\n", ConfiguredFile.read(dir, "prompts", "greeting.txt"));
    }

    @Test
    void aFileTheOperatorDidNotWriteComesFromTheJar() throws IOException {
        assertEquals(Files.readString(Path.of("prompts", "greeting.txt")),
                ConfiguredFile.read(dir, "prompts", "greeting.txt"));
        assertTrue(ConfiguredFile.exists(dir, "routing", "hours.txt"));
    }

    @Test
    void aFileNeitherHasIsAnErrorNamingBoth() {
        IOException e = assertThrows(IOException.class, () -> ConfiguredFile.read(dir, "prompts", "nowhere.txt"));
        assertTrue(e.getMessage().contains(dir.toAbsolutePath().toString()) && e.getMessage().contains("prompts/nowhere.txt"),
                e.getMessage());
        assertFalse(ConfiguredFile.exists(dir, "prompts", "nowhere.txt"));
    }
}
