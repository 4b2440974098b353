package com.calmline.callback;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * One promised call to a customer ({@code callback:{id}} in Redis): only what ringing needs, who, where
 * their clock is, why, which call it follows (whose screen-pop the agent who answers reads, while that call
 * is kept), when it is due, how often it was tried, and how it stands now.
 */
record Callback(String id, String phone, String zone, String reason, Kind kind, String callSid, long dueMs,
                int attempts, Status status, String twilioSid) {

    /** Asked for by the caller, a satisfaction follow-up after an angry call, or set up by an agent. */
    enum Kind {
        REQUESTED, FOLLOW_UP, AGENT;

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Kind of(String label) {
            return valueOf(label.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    enum Status {
        SCHEDULED, DIALLING, COMPLETED, FAILED, CANCELLED;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Status of(String label) {
            return valueOf(label.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * The id of the callback of {@code kind} for a call: one per call and kind, so the same promise asked for
     * twice (a key pressed twice, a confirmation said again after Twilio failed it) is one entry, even when both
     * waited in an outbox.
     */
    static String idFor(String callSid, Kind kind) {
        return UUID.nameUUIDFromBytes(("callback " + kind.label() + " " + callSid).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /**
     * The entries whose existence means this one is not made: the call's callback of the same kind, and for a
     * follow-up the callback the caller asked for (they hear from us anyway). Agents' callbacks are each meant.
     */
    List<String> preventedBy() {
        if (callSid.isEmpty() || kind == Kind.AGENT) {
            return List.of();
        }
        return kind == Kind.FOLLOW_UP ? List.of(id, idFor(callSid, Kind.REQUESTED)) : List.of(id);
    }

    Map<String, String> fields() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("id", id);
        f.put("phone", phone);
        f.put("zone", zone);
        f.put("reason", reason);
        f.put("kind", kind.label());
        f.put("callSid", callSid);
        f.put("due", Long.toString(dueMs));
        f.put("attempts", Integer.toString(attempts));
        f.put("status", status.label());
        f.put("twilioSid", twilioSid);
        return f;
    }

    static Callback of(Map<String, String> f) {
        return new Callback(f.get("id"), f.getOrDefault("phone", ""), f.getOrDefault("zone", "UTC"),
                f.getOrDefault("reason", ""), Kind.of(f.getOrDefault("kind", "requested")), f.getOrDefault("callSid", ""),
                Long.parseLong(f.getOrDefault("due", "0")),
                Integer.parseInt(f.getOrDefault("attempts", "0")), Status.of(f.getOrDefault("status", "scheduled")),
                f.getOrDefault("twilioSid", ""));
    }
}
