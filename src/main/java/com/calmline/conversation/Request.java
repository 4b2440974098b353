package com.calmline.conversation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Something the caller asks for, in plain words: to speak to a person, to be called back, to cancel, to pay,
 * to change their details. A request is answered as a request, never with an apology for a feeling.
 * {@code object} is what it is about, in the caller's words ("my gym membership"), or empty.
 *
 * <p>Heard from the shape of asking, on every word the recogniser gave, sure or not: a wish or a question
 * ("i'd like to", "can you", "please", a bare imperative) and the request's own words ("cancel", "call me
 * back", "a manager"), wherever the recogniser garbled the rest. Not a request: what is denied ("i'm not
 * cancelling"), reported ("they said they'd call me back"), already done ("i paid that last month"),
 * threatened ("or i'll cancel"), or asked of the line itself ("can i talk to you").
 */
record Request(Kind kind, String object) {
    enum Kind {
        PERSON, CALLBACK, CANCEL, PAY, CHANGE_DETAILS;

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** Who the caller wants put on the line. */
    private static final String SOMEONE = "(someone|somebody|anyone|anybody|whoever|manager|managers|supervisor"
            + "|supervisors|person|human|humans|agent|boss|advisor|adviser|representative|rep|operator|team leader"
            + "|colleague|staff|engineer|technician|real one)";
    private static final String REAL = "((real|actual|live|proper|senior|technical|real live|actual live|human) )";
    /** The ways of asking: a wish, a question, a please, or the caller telling the line what to do. */
    private static final String ASK = "(\\b(want|wanna|wanted|need|needs|like|love|rather|let me|can i|could i|may i"
            + "|can you|could you|would you|will you|can we|could we|can someone|could someone|can somebody"
            + "|could somebody|would someone|would somebody|can anyone|could anyone|is there any way|any chance"
            + "|please|just|i'd|i would|i'll|i will|i must|i have to|i've got to|i've gotta|i gotta|we have to|demand"
            + "|calling to|ringing to|phoning to|looking to|hoping to|how do i|how can i)\\b)";
    /** Words that make what follows denied, reported, past or not the caller's to ask. */
    private static final Pattern NOT_ASKED = Pattern.compile("\\b(not|never|don't|dont|didn't|didnt|won't|wont"
            + "|wouldn't|can't|cannot|isn't|wasn't|weren't|aren't|haven't|hasn't|nobody|no one|said|says|promised"
            + "|supposed|meant|told|already|keep|kept|going to|gonna|was|were|been|they'd|they'll|he'd|he'll|she'd"
            + "|she'll|tried|spoke|talked|spoken)\\b");
    /** "or I'll cancel": what follows is a threat, not a request (to cancel or to pay). */
    private static final Pattern THREATENED = Pattern.compile("\\b(or|otherwise|else)\\b");
    /** Words a caller opens with that change nothing: a request after them still opens the clause. */
    private static final Pattern OPENING = Pattern.compile("^((so|and|but|well|okay|ok|yeah|yes|oh|um|uh|erm|right"
            + "|now|then|alright|look|listen|honestly|actually|basically|hi|hello|hiya|sorry|fine|look)\\s+)*$");
    private static final Pattern PERSON = Pattern.compile(String.join("|",
            "(^|" + ASK + "(\\s+\\w+){0,3}?\\s+)(speak|talk|speaker|chat|speaking|talking)\\s+(to|too|two|with)\\b"
                    + "(?!\\s+(you|u)\\b)",
            "\\b((transfer|connect|forward) me|(put|pass|send|switch|get|transfer) me (through|over|on|across|to)"
                    + "|put me to)\\b",
            "\\b(get|fetch|give|find) me (to )?((a|an|the|your|some) )?" + REAL + "?" + SOMEONE + "\\b",
            "\\b(want|wanna|need|demand|let me have|where's|where is|is there|i'd like|give me) ((a|an|the|your|some"
                    + "|to see)\\s+)?" + REAL + "?(manager|supervisor|boss|person|human|agent|team leader"
                    + "|someone in charge|somebody in charge|whoever is in charge|someone senior|somebody senior)\\b",
            "\\b(agent|human being|human beings|(real|actual|live|proper) (person|human|people|one)|someone real"
                    + "|somebody real)\\b",
            "\\b(manager|supervisor|representative|operator|human|agent|someone in charge|somebody in charge)"
                    + " (please|plays|pleas|right now|now)\\b"));
    private static final Pattern CALLBACK = Pattern.compile(String.join("|",
            "\\b(call|ring|phone|bell|buzz)\\s+(me|us)\\s+(back|later|tomorrow|tonight|today|first thing|after|before|at"
                    + "|on|when|once|in|this (morning|afternoon|evening))\\b",
            "\\b(call ?back|ring ?back|phone ?back)\\b",
            "\\b(give|gives|gave|get) (me|us) (a|an) ((phone|quick) )?(call|ring|bell|buzz)\\b",
            "\\bget back to (me|us)\\b",
            "\\b(someone|somebody|anyone|you|him|her|them|manager|supervisor|person) (to )?(please )?(call|ring|phone)"
                    + " (me|us)\\b",
            "\\b(a|an) ((actual|proper|real) )?(phone )?call (from|with) (someone|somebody|a|the)\\b"));
    private static final Pattern CANCEL = Pattern.compile(String.join("|",
            "\\b(cancel|cancelled|canceled|terminate|discontinue|disconnect|quit)\\b",
            "\\b(close|end|stop|shut|finish|scrap|ditch|drop) (down |off )?((my|the|this|our|his|her|that|their|whole"
                    + "|entire) )*(\\w+ )?(contract|account|accounts|service|services|subscription|membership|plan"
                    + "|line|landline|broadband|internet|package|direct debit|tv|policy|deal|everything|it|thing)\\b",
            "\\bshut (it|that|this|everything) (off|down)\\b",
            "\\b(close|end|stop|shut) (my|the|his|her|their|our|this|that)\\b",
            "\\b(get|getting) out of ((my|the|this|our) )?(contract|deal|plan|agreement)\\b",
            "\\bwant(ed)? out\\b",
            "\\bget rid of ((my|the|this) )?(\\w+ )?(contract|account|service|subscription|landline|line|package)\\b"));
    private static final Pattern PAY = Pattern.compile(String.join("|",
            "\\b(make|making|take|taking) (a|the) payment\\b",
            "\\bpay (for )?(my|the|this|that|it|what|off|online|now|today|in full|over the phone|the balance|the bill"
                    + "|everything|all|up)\\b",
            "\\b(settle|settling) (up|my|the|this|that|what|it|everything)\\b",
            "\\bclear (what|my|the|this|that|it|everything|off)\\b",
            "\\bpay (it|that|this|everything|the balance|the bill|the lot) off\\b",
            "\\bput (a|some) (payment|money) (on|towards|to)\\b"));
    private static final String DETAIL = "(address|addresses|email|e mail|e-mail|emails|number|numbers|name|surname"
            + "|details|card|bank|postcode|zip code|mobile|cell|contact|direct debit)";
    private static final Pattern CHANGE = Pattern.compile(String.join("|",
            "\\b(change|update|updated|correct|amend|edit)\\b(\\s+\\S+){0,5}?\\s+" + DETAIL + "\\b",
            "\\bfix\\b(\\s+\\S+){0,2}?\\s+" + DETAIL + "\\b",
            "\\b(change|update|updated|correct|fix|amend|edit)\\b(\\s+\\S+){0,3}?\\s+(to|back to) (\\[email]|\\[phone])",
            "\\b(put|add|use) (my|the|a|our) (own |new |correct )?" + DETAIL + "\\b",
            "\\b(my|the|our) (new|correct|right) " + DETAIL + " (is|should)\\b",
            "\\b(it|that) should (be|say) (\\[email]|\\[phone])",
            "\\b(i've|i have|we've|we have) moved\\b"));
    /** A request's object: the words after its verb, up to where a clause of its own would start. */
    private static final Pattern OBJECT = Pattern.compile("\\b(?:cancel|cancelled|canceled|close|end|stop|shut"
            + "|terminate|change|update|correct|fix|discontinue|out of|rid of)\\s+((?:(?:my|the|our|his|her|this|that|your)\\s+)?\\w+"
            + "(?:\\s+\\w+){0,2})");
    private static final int NOT_ASKED_WINDOW = 4;
    private static final Pattern ASKING = Pattern.compile(ASK);
    /** "want to" as the recogniser often hears it. */
    private static final Pattern SLIPS = Pattern.compile("\\b(won't|wont|wanna) to\\b|\\bwanna\\b");

    String label() {
        return kind.label();
    }

    /**
     * Every request the text makes, in the order of {@link Kind}. {@code text} is lower case, as recognised (a
     * clause, an utterance or a whole turn).
     */
    static List<Request> in(String said) {
        String text = SLIPS.matcher(said).replaceAll("want to");
        List<Request> found = new ArrayList<>();
        if (asked(PERSON, text)) {
            found.add(new Request(Kind.PERSON, ""));
        }
        if (asked(CALLBACK, text)) {
            found.add(new Request(Kind.CALLBACK, ""));
        }
        if (asked(CANCEL, text) && asking(CANCEL, text)) {
            found.add(new Request(Kind.CANCEL, object(text)));
        }
        if (asked(PAY, text) && asking(PAY, text)) {
            found.add(new Request(Kind.PAY, ""));
        }
        if (asked(CHANGE, text) && (asking(CHANGE, text) || text.matches(".*\\b(new|should|moved)\\b.*"))) {
            found.add(new Request(Kind.CHANGE_DETAILS, object(text)));
        }
        return found;
    }

    /** The first request in {@code text}, if it makes one. */
    static Optional<Request> first(String text) {
        return in(text).stream().findFirst();
    }

    /** Whether {@code text} asks for a person, however garbled the words after the asking. */
    static boolean asksForPerson(String text) {
        return asked(PERSON, text);
    }

    /** A match of {@code pattern} that nothing just before it denies, reports or puts in the past. */
    private static boolean asked(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            if (!notAsked(text, m.start())) {
                return true;
            }
        }
        return false;
    }

    /** A match of {@code pattern} with a way of asking before it, or at the start of what was said. */
    private static boolean asking(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        Pattern ask = Pattern.compile(ASK + "[^.?!]*$");
        while (m.find()) {
            String before = text.substring(0, m.start());
            String[] words = before.strip().split("\\s+");
            String recent = String.join(" ", java.util.Arrays.copyOfRange(words, Math.max(0, words.length - 6),
                    words.length));
            boolean asks = OPENING.matcher(before).matches() || ask.matcher(recent).find()
                    || ASKING.matcher(m.group()).lookingAt();
            if (!notAsked(text, m.start()) && !threatened(text, m.start()) && asks) {
                return true;
            }
        }
        return false;
    }

    /** An "or", "otherwise" or "else" just before: what follows is what the caller will do if not helped. */
    private static boolean threatened(String text, int at) {
        return THREATENED.matcher(window(text, at)).find();
    }

    private static String window(String text, int at) {
        String[] before = text.substring(0, at).strip().split("\\s+");
        return String.join(" ", java.util.Arrays.copyOfRange(before, Math.max(0, before.length - NOT_ASKED_WINDOW),
                before.length));
    }

    private static boolean notAsked(String text, int at) {
        return NOT_ASKED.matcher(window(text, at)).find();
    }

    private static String object(String text) {
        Matcher m = OBJECT.matcher(text);
        return m.find() ? m.group(1) : "";
    }
}
