package com.calmline.app;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.calmline.json.Json;
import com.calmline.privacy.LogEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Everything this JVM logs while open, as the service's console encoder writes it by default: JSON lines. */
public final class LogCapture implements AutoCloseable {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();

    public LogCapture() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        LogEncoder encoder = new LogEncoder();
        encoder.setContext(context);
        encoder.start();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(out);
        appender.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
    }

    /** The bytes as written, one line each. */
    public String raw() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Every line so far, each parsed on its own; fails on a line that is not one JSON object. */
    public List<JsonNode> lines() {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : raw().split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            try {
                JsonNode node = Json.parse(line);
                if (!node.isObject()) {
                    throw new AssertionError("a log line that is not a JSON object: " + line);
                }
                lines.add(node);
            } catch (IOException e) {
                throw new AssertionError("a log line that is not JSON: " + line, e);
            }
        }
        return lines;
    }

    @Override
    public void close() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
        appender.stop();
    }
}
