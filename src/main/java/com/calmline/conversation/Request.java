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

    /** Words for a person: who the caller wants put on the line. */
    private static final String SOMEONE = "(someone|somebody|anyone|anybody|manager|supervisor|person|human|agent"
            + "|boss|advisor|adviser|representative|rep|operator|team leader|colleague|staff)";
    private static final Pattern PERSON_WORD = Pattern.compile("\\b(agent|human|representative|operator"
            + "|(real|actual|live|proper) (person|human|people)|someone real|a person)\\b");
    /**
     * The shape of asking for a person, whatever the recogniser made of the last words: a wish or ask
     * ("i want to", "can i", "let me", a bare imperative), then speak or talk to or with anyone but the line
     * itself ("i want to speak to an m b l r g h" still counts). Common slips are folded in: "wanna",
     * "won't to", "too"/"two" for "to".
     */
    private static final Pattern SPEAK_TO = Pattern.compile("(^|\\b(want|wanna|won't|wants|need|needs|like|let me"
            + "|can i|could i|may i|i'd|i would|i must|have to|got to|gotta|demand|please|just)\\b(\\s+\\w+){0,3}?\\s+)"
            + "(speak|talk|speaker|chat)\\s+(to|too|two|with)\\b(?!\\s+(you|u)\\b)");
    private static final Pattern PUT_THROUGH = Pattern.compile("\\b((transfer|connect) me|(put|pass|send|switch|get)"
            + " me (through|over|on|across)|put me to)\\b");
    private static final Pattern GET_SOMEONE = Pattern.compile("\\b(get|fetch|give|find) me (to )?((a|an|the|your|some)"
            + " )?((real|actual|live|proper|senior) )?" + SOMEONE + "\\b");
    private static final Pattern WANT_SOMEONE = Pattern.compile("\\b(want|wanna|need|demand|let me have|where's|where is"
            + "|is there|i'd like) ((a|an|the|your|some|to see)\\s+)?((real|actual|live|proper|senior) )?(manager"
            + "|supervisor|boss|person|human|team leader|someone in charge|somebody in charge)\\b");
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

    static boolean asksForPerson(String clause) {
        return PERSON_WORD.matcher(clause).find() || SPEAK_TO.matcher(clause).find()
                || PUT_THROUGH.matcher(clause).find() || GET_SOMEONE.matcher(clause).find()
                || WANT_SOMEONE.matcher(clause).find();
    }

    /** The request this clause makes, if it makes one. {@code clause} is lower case, as recognised. */
    static Optional<Request> in(String clause) {
        if (asksForPerson(clause)) {
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
