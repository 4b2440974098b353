package com.calmline.conversation;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Something the caller asks for, in plain words: to speak to a person, to be called back, to cancel, to pay,
 * to change their details. A request is answered as a request, never with an apology for a feeling.
 * {@code object} is what it is about, in the line's words ("your gym membership"), or empty.
 */
record Request(Kind kind, String object) {
    enum Kind {
        PERSON, CALLBACK, CANCEL, PAY, CHANGE_DETAILS;

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private static final Pattern PERSON = Pattern.compile("\\b(agent|human|representative|operator|real person"
            + "|actual person|live person|a person|someone real|(speak|talk) to (a|an|the|your|someone|somebody)"
            + "( \\w+)? (manager|supervisor|person|human|agent|advisor|adviser))\\b");
    private static final Pattern CALLBACK = Pattern.compile("\\b((call|ring|phone) me back|call ?back"
            + "|(call|ring|phone) me (later|tomorrow|tonight|this (morning|afternoon|evening)|after|at|when|on)"
            + "|(can|could|would|will) (someone|somebody|you|anyone) (please )?(call|ring|phone) me"
            + "|get back to me)\\b");
    /** Asking, not threatening: "i'd like to cancel", never "or i will cancel". */
    private static final Pattern ASKING = Pattern.compile("\\b(i'd like to|i would like to|i'd love to|i want to"
            + "|i wanna|i need to|i'm looking to|i am looking to|i'm hoping to|i am hoping to|can i|could i|may i"
            + "|how do i|how can i|i'm calling to|i am calling to|i'm ringing to|i am ringing to|i'm phoning to"
            + "|please|help me|i'd like you to|can you|could you)\\b");
    private static final Pattern CANCEL = Pattern.compile("\\b(cancel|close|terminate|end) ?(.*)$");
    private static final Pattern PAY = Pattern.compile("\\b(make a payment|pay (off )?(my|the|our|this|a) ?(.*))$");
    private static final Pattern CHANGE = Pattern.compile("\\b(change|update|correct) (((my|the|our) )?(\\w+ )?"
            + "(address|details|email|number|name|card|debit|password|bank|account details)\\b.*)$");

    String label() {
        return kind.label();
    }

    /** The request this clause makes, if it makes one. {@code clause} is lower case, as recognised. */
    static Optional<Request> in(String clause) {
        if (PERSON.matcher(clause).find()) {
            return Optional.of(new Request(Kind.PERSON, ""));
        }
        if (CALLBACK.matcher(clause).find()) {
            return Optional.of(new Request(Kind.CALLBACK, ""));
        }
        Matcher asking = ASKING.matcher(clause);
        if (!asking.find()) {
            return Optional.empty();
        }
        String rest = clause.substring(asking.start());
        Matcher m = CANCEL.matcher(rest);
        if (m.find()) {
            return Optional.of(new Request(Kind.CANCEL, m.group(2)));
        }
        m = CHANGE.matcher(rest);
        if (m.find()) {
            return Optional.of(new Request(Kind.CHANGE_DETAILS, m.group(2)));
        }
        m = PAY.matcher(rest);
        if (m.find()) {
            return Optional.of(new Request(Kind.PAY, ""));
        }
        return Optional.empty();
    }
}
