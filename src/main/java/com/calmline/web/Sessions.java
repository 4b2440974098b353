package com.calmline.web;

import com.calmline.store.Store;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/** Login sessions in Redis ({@code session:ID}), so any instance knows them; they last one shift. */
final class Sessions {
    static final Duration LIFETIME = Duration.ofHours(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Store store;

    Sessions(Store store) {
        this.store = store;
    }

    /** A new session for {@code user}: its id (the cookie) and its own CSRF token. */
    String open(Users.User user) {
        String id = token();
        store.putRecord("session:" + id, Map.of("user", user.name(), "role", user.role().label(), "dial", user.dial(),
                "csrf", token()), Optional.of(LIFETIME));
        return id;
    }

    Optional<Auth.Principal> find(String id) {
        if (id == null || !id.matches("[A-Za-z0-9_-]{43}")) {
            return Optional.empty();
        }
        Map<String, String> s = store.record("session:" + id);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Auth.Principal(s.get("user"), Auth.Role.of(s.get("role")), s.get("dial"), s.get("csrf")));
    }

    void close(String id) {
        if (id != null && id.matches("[A-Za-z0-9_-]{43}")) {
            store.deleteRecord("session:" + id);
        }
    }

    static String token() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
