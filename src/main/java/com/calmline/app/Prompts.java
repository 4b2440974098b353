package com.calmline.app;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the line says, from editable files in PROMPTS_DIR; the copies in the jar are the fallback. */
final class Prompts {
    private final Path dir;

    Prompts(Path dir) {
        this.dir = dir;
    }

    String text(String name) throws IOException {
        Path file = dir.resolve(name);
        if (Files.isRegularFile(file)) {
            return Files.readString(file).strip();
        }
        try (InputStream in = Prompts.class.getResourceAsStream("/prompts/" + name)) {
            if (in == null) {
                throw new IOException("prompt " + name + " is neither in " + dir.toAbsolutePath() + " nor in the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }
}
