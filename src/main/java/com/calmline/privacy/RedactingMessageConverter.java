package com.calmline.privacy;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Logback's {@code %msg} with callers' card numbers, phone numbers and the like taken out, so that no code path
 * that logs what a caller said can leak it. Public because logback instantiates it from a conversionRule.
 */
public class RedactingMessageConverter extends MessageConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return Redactor.redact(super.convert(event));
    }
}
