package com.calmline.privacy;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * What may go into a log line from outside. Text a request supplied is cut short and has its control
 * characters escaped, so a forged value can neither flood the log nor fake a line of its own; warnings that
 * anyone on the network can trigger at will are limited per kind, the rest counted (phone numbers go through
 * {@link Redactor#phone}). Also the MDC keys that tie a line to its call or callback.
 */
public final class LogSafe {
    /** MDC key: the Twilio call sid of the call a line was logged for. */
    public static final String CALL_SID = "callSid";
    /** MDC key: the callback a line was logged for. */
    public static final String CALLBACK_ID = "callbackId";
    static final int MAX_CHARS = 64;

    private LogSafe() {
    }

    /**
     * {@code value} as at most {@link #MAX_CHARS} characters, then a marker of how many were cut; line breaks,
     * control and invisible formatting characters (bidi overrides) and backslashes escaped Java-style.
     */
    public static String text(Object value) {
        if (value == null) {
            return "null";
        }
        String s = value.toString();
        int end = Math.min(s.length(), MAX_CHARS);
        if (end < s.length() && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        StringBuilder out = new StringBuilder(end + 16);
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                default -> {
                    int type = Character.getType(c);
                    if (type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                            || type == Character.PARAGRAPH_SEPARATOR) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (end < s.length()) {
            out.append("…[+").append(s.length() - end).append(" chars]");
        }
        return out.toString();
    }

    /**
     * One kind of log line that requests can trigger: at most {@code perMinute} lines a minute. The first one
     * held back says so; the first one let through after that minute says how many were held back.
     */
    public static final class Limit {
        private static final long MINUTE = Duration.ofMinutes(1).toNanos();

        private final String kind;
        private final Level level;
        private final int perMinute;
        private final LongSupplier nanoTime;
        private long windowStart;
        private int logged;
        private long suppressed;

        public Limit(String kind, Level level, int perMinute) {
            this(kind, level, perMinute, System::nanoTime);
        }

        Limit(String kind, Level level, int perMinute, LongSupplier nanoTime) {
            this.kind = kind;
            this.level = level;
            this.perMinute = perMinute;
            this.nanoTime = nanoTime;
            this.windowStart = nanoTime.getAsLong();
        }

        /** Logs {@code format} with {@code args} to {@code log}, unless this kind has had its lines this minute. */
        public void log(Logger log, String format, Object... args) {
            long heldBack = 0;
            boolean logIt;
            boolean firstHeld;
            synchronized (this) {
                long now = nanoTime.getAsLong();
                if (now - windowStart >= MINUTE) {
                    heldBack = suppressed;
                    windowStart = now;
                    logged = 0;
                    suppressed = 0;
                }
                logIt = logged < perMinute;
                if (logIt) {
                    logged++;
                } else {
                    suppressed++;
                }
                firstHeld = !logIt && suppressed == 1;
            }
            if (heldBack > 0) {
                log.atLevel(level).log("suppressed {} similar {} lines", heldBack, kind);
            }
            if (logIt) {
                log.atLevel(level).log(format, args);
            } else if (firstHeld) {
                log.atLevel(level).log("more than {} {} lines this minute: the rest are suppressed and counted",
                        perMinute, kind);
            }
        }
    }
}
