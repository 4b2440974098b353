package com.calmline.web;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.calmline.store.RecordStore;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The people who use the pages, in Redis ({@code user:NAME}): role, bcrypt hash (salted, cost 12), and who
 * to ring when they take a call (a Twilio Client identity or their phone number).
 */
final class Users {
    static final String NAME = "[a-z][a-z0-9_.-]{1,31}";
    private static final int COST = 12;
    private static final int MAX_PASSWORD_BYTES = 72;
    private static final String ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** A hash to check against when the user does not exist, so a wrong name costs as long as a wrong password. */
    private static final String DECOY = BCrypt.withDefaults().hashToString(COST, "decoy".toCharArray());

    record User(String name, Auth.Role role, String dial) {
    }

    /** A user as the admins' page lists them: disabled, or still to choose their own password. */
    record Account(User user, boolean disabled, boolean oneTime) {
    }

    private final RecordStore store;

    Users(RecordStore store) {
        this.store = store;
    }

    /** Adds a user; false if the name is taken. */
    boolean add(String name, Auth.Role role, char[] password, String dial) {
        check(name, password, dial);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("name", name);
        fields.put("role", role.label());
        fields.put("hash", BCrypt.withDefaults().hashToString(COST, password));
        fields.put("dial", dial);
        if (!store.createRecord("user:" + name, fields)) {
            return false;
        }
        store.addMember("users", name);
        return true;
    }

    void setPassword(String name, char[] password) {
        check(name, password, "client:" + name);
        store.putRecord("user:" + name, Map.of("hash", BCrypt.withDefaults().hashToString(COST, password),
                "mustChange", "0"), Optional.empty());
    }

    /**
     * The user if the password is theirs and they are not disabled. Always does one bcrypt check, whether or
     * not the name exists.
     */
    Optional<User> verify(String name, char[] password) {
        Map<String, String> record = name.matches(NAME) ? store.record("user:" + name) : Map.of();
        String hash = record.getOrDefault("hash", DECOY);
        boolean ok = password.length > 0 && new String(password).getBytes(StandardCharsets.UTF_8).length
                <= MAX_PASSWORD_BYTES && BCrypt.verifyer().verify(password, hash.toCharArray()).verified;
        return ok && !record.isEmpty() && !"1".equals(record.get("disabled")) ? Optional.of(user(record))
                : Optional.empty();
    }

    Optional<User> find(String name) {
        Map<String, String> record = name.matches(NAME) ? store.record("user:" + name) : Map.of();
        return record.isEmpty() ? Optional.empty() : Optional.of(user(record));
    }

    boolean mustChangePassword(String name) {
        return "1".equals(store.record("user:" + name).get("mustChange"));
    }

    void markOneTime(String name) {
        store.putRecord("user:" + name, Map.of("mustChange", "1"), Optional.empty());
    }

    List<Account> accounts() {
        List<Account> out = new ArrayList<>();
        for (String name : store.members("users")) {
            Map<String, String> record = store.record("user:" + name);
            if (!record.isEmpty()) {
                out.add(new Account(user(record), "1".equals(record.get("disabled")), "1".equals(record.get("mustChange"))));
            }
        }
        return out;
    }

    void setRole(String name, Auth.Role role) {
        store.putRecord("user:" + name, Map.of("role", role.label()), Optional.empty());
    }

    void setDisabled(String name, boolean disabled) {
        store.putRecord("user:" + name, Map.of("disabled", disabled ? "1" : "0"), Optional.empty());
    }

    /** A new random password that must be changed at the next sign-in; returned to be shown once. */
    String resetPassword(String name) {
        String password = randomPassword();
        store.putRecord("user:" + name, Map.of("hash", BCrypt.withDefaults().hashToString(COST, password.toCharArray()),
                "mustChange", "1"), Optional.empty());
        return password;
    }

    static String randomPassword() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            s.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return s.toString();
    }

    private static User user(Map<String, String> record) {
        return new User(record.get("name"), Auth.Role.of(record.get("role")), record.getOrDefault("dial", ""));
    }

    private static void check(String name, char[] password, String dial) {
        if (!name.matches(NAME)) {
            throw new IllegalArgumentException("a user name is 2-32 lower-case letters, digits, '.', '_' or '-', "
                    + "starting with a letter");
        }
        int bytes = new String(password).getBytes(StandardCharsets.UTF_8).length;
        if (password.length < 10 || bytes > MAX_PASSWORD_BYTES) {
            throw new IllegalArgumentException("a password is 10 to 72 bytes long");
        }
        if (!dial.matches("client:[A-Za-z0-9_.@-]{1,100}|\\+[1-9][0-9]{6,14}")) {
            throw new IllegalArgumentException("the dial target is client:IDENTITY or an E.164 number (+15551234567)");
        }
    }
}
