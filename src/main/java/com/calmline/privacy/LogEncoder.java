package com.calmline.privacy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import org.slf4j.LoggerFactory;

/**
 * The console's encoder: one JSON object a line by default, for log collectors, or the human-readable line
 * developers read ({@code LOG_FORMAT=text}). Either way the message and every exception message in it pass
 * through the {@link Redactor}. Public because logback instantiates it from logback.xml.
 */
public class LogEncoder extends EncoderBase<ILoggingEvent> {
    public enum Format {
        JSON, TEXT;

        /** {@code json} or {@code text}, in any case. */
        public static Format of(String name) {
            for (Format f : values()) {
                if (f.name().equalsIgnoreCase(name.strip())) {
                    return f;
                }
            }
            throw new IllegalArgumentException("'" + name + "' is not json or text");
        }
    }

    static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n%ex";

    private volatile Format format = Format.JSON;
    private PatternLayout text;

    /** Switches every appender on the root logger that writes through this encoder to {@code format}. */
    public static void use(Format format) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Iterator<Appender<ILoggingEvent>> appenders = context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders();
        while (appenders.hasNext()) {
            if (appenders.next() instanceof OutputStreamAppender<ILoggingEvent> out
                    && out.getEncoder() instanceof LogEncoder encoder) {
                encoder.format(format);
            }
        }
    }

    /**
     * Sends the console log to standard error: a command's output (a table, rows, JSON) is its standard output,
     * and a log line there would be read as data.
     */
    public static void toStandardError() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Iterator<Appender<ILoggingEvent>> appenders = context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders();
        while (appenders.hasNext()) {
            if (appenders.next() instanceof ConsoleAppender<ILoggingEvent> console
                    && console.getEncoder() instanceof LogEncoder) {
                console.stop();
                console.setTarget("System.err");
                console.start();
            }
        }
    }

    void format(Format format) {
        this.format = format;
    }

    @Override
    public void start() {
        text = new PatternLayout();
        text.setContext(getContext());
        text.setPattern(TEXT_PATTERN);
        // The conversion rules in logback.xml would do for %msg, but this encoder must not depend on them.
        text.getInstanceConverterMap().put("msg", RedactingMessageConverter::new);
        text.getInstanceConverterMap().put("ex", RedactingThrowableConverter::new);
        text.start();
        super.start();
    }

    @Override
    public void stop() {
        text.stop();
        super.stop();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        return format == Format.JSON ? JsonLines.encode(event) : text.doLayout(event).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }
}
