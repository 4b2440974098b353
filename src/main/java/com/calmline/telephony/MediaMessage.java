package com.calmline.telephony;

import com.calmline.json.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import java.util.Set;

/** The JSON text frames of a Twilio Media Stream, as the protocol defines them. */
sealed interface MediaMessage {
    int MAX_FRAME_CHARS = 64 * 1024;
    int MAX_PAYLOAD_BYTES = 3200;

    /** Every message after {@code connected} carries a sequence number, by which it is ordered. */
    long sequence();

    record Connected(String protocol) implements MediaMessage {
        public long sequence() {
            return 0;
        }
    }

    /**
     * {@code caller}: the caller's number, and {@code token}: what binds the stream to its call, both passed by
     * our own TwiML as the stream's custom parameters.
     */
    record Start(long sequence, String streamSid, String callSid, String accountSid, String caller, String token)
            implements MediaMessage {
    }

    record Media(long sequence, String track, long timestampMs, byte[] payload) implements MediaMessage {
    }

    record Mark(long sequence, String name) implements MediaMessage {
    }

    record Dtmf(long sequence, String digit) implements MediaMessage {
    }

    record Stop(long sequence) implements MediaMessage {
    }

    /** Why a frame was dropped, as a metric tag and a log line. */
    final class Malformed extends Exception {
        final String reason;

        Malformed(String reason, String detail) {
            super(reason + ": " + detail);
            this.reason = reason;
        }
    }

    Set<String> TRACKS = Set.of("inbound", "outbound");

    static MediaMessage parse(String text) throws Malformed {
        if (text.length() > MAX_FRAME_CHARS) {
            throw new Malformed("oversize", text.length() + " characters");
        }
        JsonNode m;
        try {
            m = Json.parse(text);
        } catch (JsonProcessingException e) {
            throw new Malformed("json", e.getOriginalMessage());
        }
        String event = m.path("event").asText("");
        if (event.equals("connected")) {
            return new Connected(m.path("protocol").asText(""));
        }
        long seq = number(m, "sequenceNumber");
        return switch (event) {
            case "start" -> new Start(seq, text(m, "streamSid"), text(m.path("start"), "callSid"),
                    m.path("start").path("accountSid").asText(""),
                    m.path("start").path("customParameters").path("caller").asText(""),
                    m.path("start").path("customParameters").path("token").asText(""));
            case "media" -> media(seq, m.path("media"));
            case "mark" -> new Mark(seq, m.path("mark").path("name").asText(""));
            case "dtmf" -> new Dtmf(seq, text(m.path("dtmf"), "digit"));
            case "stop" -> new Stop(seq);
            default -> throw new Malformed("unknown", "event '" + event + "'");
        };
    }

    private static Media media(long seq, JsonNode media) throws Malformed {
        String track = text(media, "track");
        if (!TRACKS.contains(track)) {
            throw new Malformed("field", "track '" + track + "'");
        }
        long timestamp = number(media, "timestamp");
        byte[] payload;
        try {
            payload = Base64.getDecoder().decode(text(media, "payload"));
        } catch (IllegalArgumentException e) {
            throw new Malformed("base64", e.getMessage());
        }
        if (payload.length == 0 || payload.length > MAX_PAYLOAD_BYTES) {
            throw new Malformed("oversize", "payload of " + payload.length + " bytes");
        }
        return new Media(seq, track, timestamp, payload);
    }

    private static String text(JsonNode node, String field) throws Malformed {
        JsonNode v = node.path(field);
        if (!v.isTextual() || v.asText().isEmpty()) {
            throw new Malformed("field", "missing " + field);
        }
        return v.asText();
    }

    /** Twilio sends numbers as strings ("sequenceNumber": "2"); accept either form, never negative. */
    private static long number(JsonNode node, String field) throws Malformed {
        JsonNode v = node.path(field);
        try {
            long n = v.isNumber() ? v.asLong() : Long.parseLong(v.asText());
            if (n < 0) {
                throw new NumberFormatException("negative");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new Malformed("field", field + " '" + v.asText() + "'");
        }
    }
}
