package com.calmline.web;

import com.calmline.store.RecordStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Login sessions in Redis ({@code session:ID}), so any instance knows them; they last one shift. Each user's
 * session ids are kept in {@code user:NAME:sessions} (as long as their newest session), so a password change
 * can end the others.
 */
final class Sessions {
    static final Duration LIFETIME = Duration.ofHours(10);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** KEYS[1]: the user's session ids; ARGV[2]: the new one; ARGV[3]: how long it lives, in ms. */
    private static final String INDEX = """
            redis.call('SADD', KEYS[1], ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return 0""";
    /** KEYS[1]: the user's session ids; ARGV[2]: the one to keep. Returns how many were ended. */
    private static final String END_OTHERS = """
            local ended = 0
            for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
              if id ~= ARGV[2] then
                ended = ended + redis.call('DEL', ARGV[1] .. 'session:' .. id)
                redis.call('SREM', KEYS[1], id)
              end
            end
            return ended""";

    /** KEYS[1]: the user's session ids; ARGV[2]: their new role. */
    private static final String CHANGE_ROLE = """
            for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
              local key = ARGV[1] .. 'session:' .. id
              if redis.call('EXISTS', key) == 1 then redis.call('HSET', key, 'role', ARGV[2]) end
            end
            return 0""";

    private final RecordStore store;

    Sessions(RecordStore store) {
        this.store = store;
    }

    /** A new session for {@code user}: its id (the cookie) and its own CSRF token. */
    String open(Users.User user) {
        String id = token();
        store.putRecord("session:" + id, Map.of("user", user.name(), "role", user.role().label(), "dial", user.dial(),
                "csrf", token()), Optional.of(LIFETIME));
        store.script(INDEX, List.of(index(user.name())), List.of(id, Long.toString(LIFETIME.toMillis())));
        return id;
    }

    /** Ends every session of {@code name} but {@code keep} (the one changing the password); how many ended. */
    long endOthers(String name, String keep) {
        return (Long) store.script(END_OTHERS, List.of(index(name)), List.of(String.valueOf(keep)));
    }

    /** Ends every session of {@code name} (disabled, or their password reset); how many ended. */
    long endAll(String name) {
        return endOthers(name, "");
    }

    /** Gives every open session of {@code name} their new role, so it holds at once, for better or worse. */
    void changeRole(String name, Auth.Role role) {
        store.script(CHANGE_ROLE, List.of(index(name)), List.of(role.label()));
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

    private static String index(String name) {
        return "user:" + name + ":sessions";
    }

    static String token() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
