package com.calmline.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * In demo mode without API_TOKEN, the service makes a random API token and keeps it in DATA_DIR (readable by
 * its owner only), so the {@code simulate} command run beside it can read events back, and nobody else can.
 */
final class DemoToken {
    private static final String FILE = "api-token";

    private DemoToken() {
    }

    static String create(Path dataDir) {
        try {
            Optional<String> existing = read(dataDir);
            if (existing.isPresent()) {
                return existing.get();
            }
            byte[] bytes = new byte[24];
            new SecureRandom().nextBytes(bytes);
            String token = HexFormat.of().formatHex(bytes);
            Files.createDirectories(dataDir);
            Path file = dataDir.resolve(FILE);
            Files.writeString(file, token);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: the data directory's own permissions protect it.
            }
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the demo API token in " + dataDir, e);
        }
    }

    static Optional<String> read(Path dataDir) {
        try {
            Path file = dataDir.resolve(FILE);
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file).strip()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
