package com.calmline.privacy;

import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import java.util.Arrays;

/**
 * An exception as logback sees it, with its message and its causes' messages redacted: an exception may carry
 * what it was given ("cannot parse '4111 1111 1111 1111'"), and its trace is printed beside the log message.
 */
record RedactedThrowable(IThrowableProxy inner) implements IThrowableProxy {
    static IThrowableProxy of(IThrowableProxy inner) {
        return inner == null || inner instanceof RedactedThrowable ? inner : new RedactedThrowable(inner);
    }

    @Override
    public String getMessage() {
        return inner.getMessage() == null ? null : Redactor.redact(inner.getMessage());
    }

    @Override
    public String getClassName() {
        return inner.getClassName();
    }

    @Override
    public StackTraceElementProxy[] getStackTraceElementProxyArray() {
        return inner.getStackTraceElementProxyArray();
    }

    @Override
    public int getCommonFrames() {
        return inner.getCommonFrames();
    }

    @Override
    public IThrowableProxy getCause() {
        return of(inner.getCause());
    }

    @Override
    public IThrowableProxy[] getSuppressed() {
        IThrowableProxy[] suppressed = inner.getSuppressed();
        return suppressed == null ? null : Arrays.stream(suppressed).map(RedactedThrowable::of)
                .toArray(IThrowableProxy[]::new);
    }

    @Override
    public boolean isCyclic() {
        return inner.isCyclic();
    }
}
