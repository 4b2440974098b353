package com.calmline.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * A random secret kept in DATA_DIR for commands run beside the service (the demo API token, the embedded
 * Redis password), in a file only the service's user can read. The file is made owner-only when it is
 * created, before a byte of the secret is written, so no one else can read it even for an instant; a file
 * left empty by a crash in between is filled on the next start. Hex, so it fits in a URL as it is.
 */
public final class Secret {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secret() {
    }

    /** The secret in {@code file}, made (with its directory) on first use. */
    public static String keep(Path file) {
        try {
            Optional<String> existing = read(file);
            if (existing.isPresent()) {
                return existing.get();
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            createOwnerOnly(file);
            byte[] bytes = new byte[24];
            RANDOM.nextBytes(bytes);
            String secret = HexFormat.of().formatHex(bytes);
            Files.writeString(file, secret, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep a secret in " + file, e);
        }
    }

    /** The secret in {@code file}; empty if there is none (no file, or one left empty). */
    public static Optional<String> read(Path file) {
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file).strip()).filter(s -> !s.isEmpty())
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A new file readable by its owner only; an empty one left by a crash is made so again, and reused. */
    private static void createOwnerOnly(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (FileAlreadyExistsException e) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the data directory's own permissions protect it.
            Files.newByteChannel(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE).close();
        }
    }
}
