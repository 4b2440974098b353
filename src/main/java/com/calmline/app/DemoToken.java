package com.calmline.app;

import com.calmline.store.Secret;
import java.nio.file.Path;
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
        return Secret.keep(dataDir.resolve(FILE));
    }

    static Optional<String> read(Path dataDir) {
        return Secret.read(dataDir.resolve(FILE));
    }
}
