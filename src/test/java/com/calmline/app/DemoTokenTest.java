package com.calmline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The demo API token in DATA_DIR/api-token, which opens every call to whoever reads it: readable by the
 * service's user only, and never empty (an empty token would let an empty Bearer in).
 */
class DemoTokenTest {

    @Test
    void theTokenIsMadeOnceInAFileOnlyItsOwnerCanRead() throws Exception {
        Path data = Files.createTempDirectory("calmline-token").resolve("data");
        String token = DemoToken.create(data);
        assertTrue(token.matches("[0-9a-f]{48}"), token);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("api-token"))));
        assertEquals(token, DemoToken.create(data), "kept across restarts");
        assertEquals(Optional.of(token), DemoToken.read(data));
    }

    /**
     * The file is created owner-only, then written: a crash in between leaves it empty. The next start makes
     * a token (owner-only, whatever the leftover's mode) instead of serving an empty one.
     */
    @Test
    void anEmptyLeftoverFileGetsARealTokenNotAnEmptyOne() throws Exception {
        Path data = Files.createTempDirectory("calmline-token");
        Path file = Files.createFile(data.resolve("api-token"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(Optional.empty(), DemoToken.read(data), "an empty file holds no token");
        String token = DemoToken.create(data);
        assertTrue(token.matches("[0-9a-f]{48}"), "'" + token + "'");
        assertEquals(token, Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }
}
