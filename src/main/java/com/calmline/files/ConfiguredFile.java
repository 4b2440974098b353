package com.calmline.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A text the operator may change without a build: the file of that name in the directory they configured
 * ({@code PROMPTS_DIR}, {@code ROUTING_DIR}), else the copy the jar ships under the same folder, so a deployment
 * that edits one prompt keeps every other default. Read as UTF-8.
 */
public final class ConfiguredFile {
    private ConfiguredFile() {
    }

    /** {@code name} from {@code dir}, else {@code /folder/name} from the jar; an IOException naming both if neither has it. */
    public static String read(Path dir, String folder, String name) throws IOException {
        Path file = dir.resolve(name);
        if (Files.isRegularFile(file)) {
            return Files.readString(file, StandardCharsets.UTF_8);
        }
        try (InputStream in = ConfiguredFile.class.getResourceAsStream(resource(folder, name))) {
            if (in == null) {
                throw new IOException("no " + name + " in " + dir.toAbsolutePath() + ", nor " + folder + "/" + name
                        + " in the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Whether {@link #read} would find {@code name}. */
    public static boolean exists(Path dir, String folder, String name) {
        return Files.isRegularFile(dir.resolve(name)) || ConfiguredFile.class.getResource(resource(folder, name)) != null;
    }

    private static String resource(String folder, String name) {
        return "/" + folder + "/" + name;
    }
}
