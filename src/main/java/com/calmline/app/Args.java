package com.calmline.app;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A command's options, read one at a time. Whatever it cannot use is refused with one line that says what is
 * wrong and what to type instead: a person at a terminal reads that, where a stack trace tells them nothing.
 */
final class Args {
    /** Exit status of a command that cannot run as typed: its options, a setting, a file it was given. */
    static final int USAGE = 2;
    /** Exit status of a command that ran and failed: the service could not be reached, or refused it. */
    static final int FAILED = 1;

    /** Why a command stops: one line for the person who typed it, and its exit status. */
    static final class Refused extends Exception {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final String command;
    private final String[] args;
    private int next;

    /** {@code args[from]} onwards are {@code command}'s options. */
    Args(String command, String[] args, int from) {
        this.command = command;
        this.args = args;
        this.next = from;
    }

    boolean more() {
        return next < args.length;
    }

    String flag() {
        return args[next++];
    }

    String value(String flag) throws Refused {
        if (!more()) {
            throw usage(flag + " needs a value");
        }
        return args[next++];
    }

    /** A number above 0, such as a speed. */
    double positive(String flag) throws Refused {
        String value = value(flag);
        double d;
        try {
            d = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            d = Double.NaN;
        }
        if (!(d > 0 && d < Double.POSITIVE_INFINITY)) {
            throw usage(flag + " takes a number above 0, not '" + value + "'");
        }
        return d;
    }

    /** A whole number of at least {@code min}. */
    int whole(String flag, int min) throws Refused {
        String value = value(flag);
        try {
            int n = Integer.parseInt(value);
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below, with what it takes
        }
        throw usage(flag + " takes a whole number of at least " + min + ", not '" + value + "'");
    }

    Refused unknown(String flag) {
        return usage("unknown option " + flag);
    }

    /** What was typed cannot run; the line ends with where to read how it is typed. */
    Refused usage(String what) {
        return new Refused(USAGE, prefix() + what + " (see java -jar calmline.jar " + command + " --help)");
    }

    private String prefix() {
        return "calmline " + command + ": ";
    }

    /** An existing, readable file, or the reason it is not one; {@code expected} says what it should be. */
    Path file(String name, String expected) throws Refused {
        Path file = Path.of(name);
        if (Files.isDirectory(file)) {
            throw new Refused(USAGE, prefix() + name + " is a directory; give " + expected);
        }
        if (!Files.exists(file)) {
            throw new Refused(USAGE, prefix() + name + ": no such file; give " + expected);
        }
        if (!Files.isReadable(file)) {
            throw new Refused(USAGE, prefix() + name + " cannot be read (check its permissions)");
        }
        return file;
    }

    /** An input that could not be read as what it should be: one line, never its stack. */
    Refused unreadable(String name, IOException e, String expected) {
        if (e instanceof NoSuchFileException) {
            return new Refused(USAGE, prefix() + name + ": no such file; give " + expected);
        }
        if (e instanceof AccessDeniedException) {
            return new Refused(USAGE, prefix() + name + " cannot be read (check its permissions)");
        }
        if (e instanceof CharacterCodingException) {
            return new Refused(USAGE, prefix() + name + " is not UTF-8 text; give " + expected);
        }
        return new Refused(USAGE, prefix() + oneLine(e.getMessage()) + "; give " + expected);
    }

    /** A file whose content is not what the command reads: which file, and the parser's one line on why. */
    Refused badLine(String name, IllegalArgumentException e) {
        return new Refused(USAGE, prefix() + name + ": " + oneLine(e.getMessage()));
    }

    /** A message from elsewhere (a server's answer, a parser) on one line, not too long to read. */
    static String oneLine(String message) {
        String flat = String.valueOf(message).replaceAll("\\s+", " ").strip();
        return flat.length() <= 300 ? flat : flat.substring(0, 300) + "…";
    }
}
