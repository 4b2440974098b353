package com.calmline.privacy;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Set;

/**
 * One log event as one line of JSON: {@code timestamp} (ISO-8601, UTC), {@code level}, {@code logger},
 * {@code thread}, {@code message}, the MDC entries ({@code callSid}, {@code callbackId}) as fields of their own,
 * and {@code exception} ({@code class}, {@code message}, {@code stackTrace}) when there is one. The message and
 * every exception message are redacted. Logback's own JsonEncoder has no hook for that, writes the timestamp as
 * epoch milliseconds and the trace as an object per frame, so this is ours.
 */
final class JsonLines {
    private static final JsonFactory JSON = new JsonFactory();
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    /** An MDC key that would clash with one of these is written as {@code mdc.KEY}. */
    private static final Set<String> FIELDS = Set.of("timestamp", "level", "logger", "thread", "message", "exception");

    private JsonLines() {
    }

    static byte[] encode(ILoggingEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            json.writeStringField("timestamp", TIMESTAMP.format(event.getInstant()));
            json.writeStringField("level", event.getLevel().toString());
            json.writeStringField("logger", event.getLoggerName());
            json.writeStringField("thread", event.getThreadName());
            String message = event.getFormattedMessage();
            json.writeStringField("message", message == null ? "" : Redactor.redact(message));
            Map<String, String> mdc = event.getMDCPropertyMap();
            if (mdc != null) {
                for (Map.Entry<String, String> e : mdc.entrySet()) {
                    json.writeStringField(FIELDS.contains(e.getKey()) ? "mdc." + e.getKey() : e.getKey(), e.getValue());
                }
            }
            IThrowableProxy thrown = RedactedThrowable.of(event.getThrowableProxy());
            if (thrown != null) {
                json.writeObjectFieldStart("exception");
                json.writeStringField("class", thrown.getClassName());
                json.writeStringField("message", thrown.getMessage());
                json.writeStringField("stackTrace", ThrowableProxyUtil.asString(thrown));
                json.writeEndObject();
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("a byte array cannot fail to take a write", e);
        }
        out.write('\n');
        return out.toByteArray();
    }
}
