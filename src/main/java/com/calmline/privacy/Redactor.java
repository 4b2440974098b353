package com.calmline.privacy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Takes card numbers, social security numbers, e-mail addresses, phone numbers and dates of birth out of text
 * before it reaches a log line, a note or a stored transcript. Callers say these things as often as agents type
 * them ("four one one one", "john dot smith at gmail dot com"), so the rules read whitespace tokens: the unit
 * that the recogniser's words and a typed note share, which lets one set of rules serve both.
 */
public final class Redactor {
    /** A stretch of tokens [from, to) that must be replaced by tag, e.g. "[card]". */
    public record Span(int from, int to, String tag) {
    }

    private static final String CARD = "[card]";
    private static final String SSN = "[ssn]";
    private static final String EMAIL = "[email]";
    private static final String PHONE = "[phone]";
    private static final String DOB = "[dob]";

    /* The look-behind makes a start inside a run of address characters fail at once, and the possessive
       quantifiers never give back: a long token with no address in it costs one pass, not one per start. */
    private static final Pattern WRITTEN_EMAIL =
            Pattern.compile("(?<![\\w.+-])[\\w.+-]++@[\\w-]++(?:\\.[\\w-]++)++");
    private static final Pattern WRITTEN_NUMBER = Pattern.compile("\\+?[\\d().-]+");
    private static final Pattern AMOUNT = Pattern.compile("\\d+\\.\\d{1,2}");
    private static final Pattern WRITTEN_SSN = Pattern.compile("\\d{3}-\\d{2}-\\d{4}");
    private static final Pattern DATE_NUMBER = Pattern.compile("\\d{1,4}|\\d{1,2}(?:st|nd|rd|th)");
    private static final Pattern WRITTEN_DATE =
            Pattern.compile("\\d{1,2}([./-])\\d{1,2}\\1\\d{2,4}|\\d{4}([./-])\\d{1,2}\\2\\d{1,2}");
    private static final Pattern NAME_WORD = Pattern.compile("[a-z0-9][a-z0-9_'.+-]*");
    private static final Pattern DOMAIN_WORD = Pattern.compile("[a-z0-9][a-z0-9-]*");

    /** Punctuation that ends a clause rather than belonging to the number or word it follows. */
    private static final String TRAILING = ",.;:!?";
    /** Quotes and brackets, which enclose a value without belonging to it; not parentheses: "(555) 555-0100". */
    private static final String ENCLOSING = "'\"`‘’“”[]{}<>";
    /** How far back a word like "visa" or "social" still explains the digits that follow it. */
    private static final int CONTEXT_WINDOW = 6;
    /** How many words after "born" the date itself may start ("born in march", "born on the first"). */
    private static final int DATE_REACH = 3;

    private static final Map<String, String> SPOKEN_DIGITS = Map.ofEntries(
            Map.entry("zero", "0"), Map.entry("oh", "0"), Map.entry("o", "0"), Map.entry("one", "1"),
            Map.entry("two", "2"), Map.entry("three", "3"), Map.entry("four", "4"), Map.entry("five", "5"),
            Map.entry("six", "6"), Map.entry("seven", "7"), Map.entry("eight", "8"), Map.entry("nine", "9"));
    private static final Map<String, Integer> REPEATS = Map.of("double", 2, "triple", 3, "treble", 3);
    /**
     * What the recogniser writes for a digit it half heard: "for" for four, "to" for two, "won" for one. Read
     * as digits only inside a number being read out (after a cue, or among real digits), never on their own.
     */
    private static final Map<String, String> DIGIT_SOUNDS = Map.ofEntries(
            Map.entry("for", "4"), Map.entry("fore", "4"), Map.entry("to", "2"), Map.entry("too", "2"),
            Map.entry("won", "1"), Map.entry("ate", "8"), Map.entry("tree", "3"), Map.entry("free", "3"),
            Map.entry("nought", "0"), Map.entry("owe", "0"), Map.entry("nil", "0"));
    private static final Map<String, String> TEENS = Map.of("ten", "10", "eleven", "11", "twelve", "12",
            "thirteen", "13", "fourteen", "14", "fifteen", "15", "sixteen", "16", "seventeen", "17", "eighteen", "18",
            "nineteen", "19");
    private static final Map<String, String> TENS = Map.of("twenty", "2", "thirty", "3", "forty", "4", "fifty",
            "5", "sixty", "6", "seventy", "7", "eighty", "8", "ninety", "9");
    /** Said between the groups of a number read out; never its first or last word. */
    private static final Set<String> NUMBER_FILLERS = Set.of(
            "dash", "hyphen", "space", "uh", "um", "er", "erm", "and", "then");
    /** How many unknown words in a row a number read out may hold where the recogniser lost a digit or two. */
    private static final int NUMBER_GAP = 2;
    /** How many earlier words of the same speaker still explain what they say now. */
    private static final int RECALL = 20;

    private static final List<List<String>> CARD_CONTEXT = phrases(
            "card", "credit", "debit", "visa", "mastercard", "amex", "discover");
    private static final List<List<String>> SSN_CONTEXT = phrases("social", "security", "ssn", "s s n");
    private static final List<List<String>> PHONE_CONTEXT = phrases("phone", "call me", "reach me");
    /* "of bird", "data for": how Vosk often hears "date of birth". */
    private static final List<List<String>> BIRTH_CONTEXT = phrases(
            "born", "birthday", "birth", "birthdate", "dob", "d o b", "of bird", "a bird", "data for", "data of");

    private static final List<List<String>> BIRTH_DATE_CUES = phrases(
            "birthday", "birth", "birthdate", "dob", "d o b", "of bird", "data for", "data of");

    /* Cues for numbers read out with slips: wider than the contexts above, which decide clean digits alone. */
    private static final List<List<String>> CARD_CUES = phrases(
            "card", "visa", "mastercard", "amex", "debit", "credit", "long number");
    private static final List<List<String>> PHONE_CUES = phrases(
            "phone", "call me", "reach me", "ring me", "text me", "call back", "ring back", "mobile", "cell",
            "landline", "my number", "best number", "contact number", "new number", "number's", "number is");
    private static final List<List<String>> EMAIL_CUES = phrases(
            "email", "e-mail", "e mail", "emails", "emailed", "address", "mail");
    /** What the recogniser writes for a spoken "at" inside an address read out. */
    private static final Set<String> AT_SOUNDS = Set.of("at", "that", "said", "add", "had", "act", "it", "a", "and",
            "out", "hat");
    /** ... and for a spoken "dot". */
    private static final Set<String> DOT_SOUNDS = Set.of("dot", "dots", "dart", "got", "that", "not", "don", "doc",
            "dog", "thought", "dock", "dad", "daught");
    private static final Set<String> TLD_SOUNDS = Set.of("come", "calm", "con", "comb", "kong", "cog");
    private static final Set<String> PROVIDER_SOUNDS = Set.of("mail", "male", "look", "hot", "proton", "yahoo",
            "gmail", "hotmail", "outlook", "icloud", "aol", "protonmail", "google");
    /** Words that end an address's name read backwards from its "at": what comes before it in a sentence. */
    private static final Set<String> NAME_STOPS = Set.of("is", "it's", "its", "it", "to", "be", "me", "my", "the",
            "email", "e-mail", "mail", "address", "was", "should", "would", "that's", "that'd", "on", "of", "please",
            "yes", "yeah", "okay", "ok", "so", "and", "or", "at", "i", "you", "your", "new", "now", "here", "there",
            "sorry", "um", "uh", "er");
    /** How many words an address's name read out may have ("priya dot raman eighty two"). */
    private static final int NAME_REACH = 8;

    private static final Set<String> NAME_JOINERS = Set.of("dot", "underscore", "dash", "hyphen");
    private static final Set<String> PROVIDERS = Set.of(
            "gmail", "yahoo", "hotmail", "outlook", "icloud", "aol", "protonmail");
    private static final Set<String> TLDS = Set.of(
            "com", "net", "org", "edu", "gov", "io", "co", "uk", "us", "ca", "de", "fr", "au", "info", "biz", "me");

    private static final Set<String> MONTHS = Set.of("january", "february", "march", "april", "may", "june",
            "july", "august", "september", "october", "november", "december");
    /** How many words a date said whole takes at least: a day, a month, and a year of two words. */
    private static final int FULL_DATE_WORDS = 5;
    private static final Set<String> DATE_SKIPS = Set.of("is", "on", "was", "the", "my", "of");
    /** Words that join the parts of a date but never begin or end one. */
    private static final Set<String> DATE_LINKS = Set.of("of", "and", "the");
    private static final Set<String> DATE_WORDS = Set.of(
            "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
            "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
            "dec",
            "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
            "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
            "eighteenth", "nineteenth", "twentieth", "thirtieth",
            "zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
            "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
            "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "thousand",
            "of", "and", "the",
            "forth", "for", "to", "too", "won", "ate");

    private Redactor() {
    }

    /**
     * A phone number as any page, API answer or log line may show it: its last four digits ({@code …0142}),
     * enough to tell callers apart and not enough to ring them; {@code withheld} when it has fewer (a caller who
     * withheld their number reaches Twilio as {@code anonymous}, or as nothing at all).
     */
    public static String phone(String number) {
        String digits = number == null ? "" : number.replaceAll("\\D", "");
        return digits.length() < 4 ? "withheld" : "…" + digits.substring(digits.length() - 4);
    }

    /** Free text (agent notes, callback reasons, log messages, or recognised speech): written and spoken forms. */
    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String written = text.indexOf('@') < 0 ? text : WRITTEN_EMAIL.matcher(text).replaceAll(EMAIL);
        List<Token> tokens = tokens(written);
        String[] keys = new String[tokens.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = written.substring(tokens.get(i).coreStart(), tokens.get(i).coreEnd()).toLowerCase(Locale.ROOT);
        }
        List<Span> spans = new Scan(keys, 0).spans();
        if (spans.isEmpty()) {
            return written;
        }
        StringBuilder out = new StringBuilder(written.length());
        int copied = 0;
        for (Span span : spans) {
            out.append(written, copied, tokens.get(span.from()).coreStart()).append(span.tag());
            copied = tokens.get(span.to() - 1).coreEnd();
        }
        return out.append(written, copied, written.length()).toString();
    }

    /**
     * Recognised speech as the recogniser's words (lowercase, no punctuation), in order: what to replace.
     * Spans sorted, non-overlapping.
     */
    public static List<Span> spans(List<String> words) {
        return spans(List.of(), words);
    }

    /**
     * As {@link #spans(List)}, with what the same speaker said just before ({@code before}, already redacted):
     * a caller asked to be rung back, or who said "my email is wrong", often reads the number or address out in
     * the next utterance with no cue of its own. Only the last {@value #RECALL} words of it count.
     */
    public static List<Span> spans(List<String> before, List<String> words) {
        List<String> recent = before.subList(Math.max(0, before.size() - RECALL), before.size());
        String[] keys = new String[recent.size() + words.size()];
        for (int i = 0; i < keys.length; i++) {
            String word = i < recent.size() ? recent.get(i) : words.get(i - recent.size());
            int start = coreStart(word, 0, word.length());
            keys[i] = word.substring(start, coreEnd(word, start, word.length())).toLowerCase(Locale.ROOT);
        }
        int shift = recent.size();
        return new Scan(keys, shift).spans().stream()
                .map(span -> new Span(span.from() - shift, span.to() - shift, span.tag())).toList();
    }

    /**
     * A whitespace token of free text; its core is the token without the quotes and brackets around it and
     * the punctuation that ends a clause: "'4111" and "1111'," are digits (a log line quotes what it could not
     * parse), and the quotes stay around the tag.
     */
    private record Token(int coreStart, int coreEnd) {
    }

    private static List<Token> tokens(String text) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            if (Character.isWhitespace(text.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int coreStart = coreStart(text, start, i);
            tokens.add(new Token(coreStart, coreEnd(text, coreStart, i)));
        }
        return tokens;
    }

    private static int coreStart(String text, int start, int end) {
        while (start < end && ENCLOSING.indexOf(text.charAt(start)) >= 0) {
            start++;
        }
        return start;
    }

    private static int coreEnd(String text, int start, int end) {
        while (end > start && (TRAILING.indexOf(text.charAt(end - 1)) >= 0
                || ENCLOSING.indexOf(text.charAt(end - 1)) >= 0)) {
            end--;
        }
        return end;
    }

    private static List<List<String>> phrases(String... phrases) {
        return Arrays.stream(phrases).map(p -> List.of(p.split(" "))).toList();
    }

    private static boolean startsWithDigit(String key) {
        return !key.isEmpty() && key.charAt(0) >= '0' && key.charAt(0) <= '9';
    }

    private static boolean luhn(CharSequence digits) {
        int sum = 0;
        for (int i = digits.length() - 1, fromRight = 0; i >= 0; i--, fromRight++) {
            int d = digits.charAt(i) - '0';
            if (fromRight % 2 == 1) {
                d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            }
            sum += d;
        }
        return sum % 10 == 0;
    }

    /** Digits said or written as one piece: a spoken digit, "double five", or a written group like "555-0100". */
    private record Unit(int to, String digits) {
    }

    /**
     * One text's tokens, normalised, and which of them are already inside a span. The detectors run most
     * specific first, and each skips claimed tokens, so an e-mail name spelled "j o h n" never feeds a digit run
     * and a card number never becomes a date.
     */
    private static final class Scan {
        private final String[] keys;
        /** Where this utterance starts in keys: the words before are what the speaker said earlier, cues only. */
        private final int first;
        private final boolean[] claimed;
        private final List<Span> found = new ArrayList<>();
        /** Where the first "card number" ends: a caller may say it long before reading out the digits. */
        private final int cardNumberAt;

        Scan(String[] keys, int first) {
            this.keys = keys;
            this.first = first;
            this.claimed = new boolean[keys.length];
            Arrays.fill(claimed, 0, first, true);
            int at = Integer.MAX_VALUE;
            for (int i = 1; i < keys.length && at == Integer.MAX_VALUE; i++) {
                if (keys[i - 1].equals("card") && keys[i].equals("number")) {
                    at = i;
                }
            }
            this.cardNumberAt = at;
        }

        List<Span> spans() {
            spokenEmails();
            misheardEmails();
            writtenSsns();
            numbersReadOut();
            digitRuns();
            birthDates();
            found.sort(Comparator.comparingInt(Span::from));
            List<Span> merged = new ArrayList<>();
            for (Span span : found) {
                Span last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
                if (last != null && last.to() == span.from() && last.tag().equals(span.tag())) {
                    merged.set(merged.size() - 1, new Span(last.from(), span.to(), span.tag()));
                } else {
                    merged.add(span);
                }
            }
            return merged;
        }

        private void claim(int from, int to, String tag) {
            for (int i = from; i < to; i++) {
                claimed[i] = true;
            }
            found.add(new Span(from, to, tag));
        }

        private boolean endsAt(int last, List<String> phrase) {
            int first = last - phrase.size() + 1;
            if (first < 0) {
                return false;
            }
            for (int k = 0; k < phrase.size(); k++) {
                if (!keys[first + k].equals(phrase.get(k))) {
                    return false;
                }
            }
            return true;
        }

        private boolean endsAny(int last, List<List<String>> phrases) {
            for (List<String> phrase : phrases) {
                if (endsAt(last, phrase)) {
                    return true;
                }
            }
            return false;
        }

        /** How many tokens before from the nearest of the phrases ends, or MAX_VALUE if none is in the window. */
        private int distance(int from, List<List<String>> phrases) {
            return distanceWithin(from, phrases, CONTEXT_WINDOW);
        }

        private int distanceWithin(int from, List<List<String>> phrases, int window) {
            for (int d = 1; d <= window && from - d >= 0; d++) {
                if (endsAny(from - d, phrases)) {
                    return d;
                }
            }
            return Integer.MAX_VALUE;
        }

        private void spokenEmails() {
            for (int at = 1; at < keys.length - 1; at++) {
                if (claimed[at] || !keys[at].equals("at")) {
                    continue;
                }
                int domainEnd = domainEnd(at + 1);
                int nameStart = domainEnd < 0 ? -1 : nameStart(at - 1);
                if (nameStart >= 0) {
                    claim(nameBack(nameStart, at), domainEnd + 1, EMAIL);
                    at = domainEnd;
                }
            }
        }

        /** The last token of "example dot co dot uk" or of a bare provider ("gmail"), or -1 for "at home". */
        private int domainEnd(int first) {
            if (!isDomainWord(first)) {
                return -1;
            }
            int end = PROVIDERS.contains(keys[first]) ? first : -1;
            for (int word = first; word + 2 < keys.length && keys[word + 1].equals("dot") && !claimed[word + 1]
                    && isDomainWord(word + 2); word += 2) {
                if (TLDS.contains(keys[word + 2])) {
                    end = word + 2;
                }
            }
            return end;
        }

        private boolean isDomainWord(int i) {
            return i < keys.length && !claimed[i] && !keys[i].equals("at") && !NAME_JOINERS.contains(keys[i])
                    && DOMAIN_WORD.matcher(keys[i]).matches();
        }

        /** Where a name like "john dot smith", "j o h n" or "mary underscore jones" ending at last starts, or -1. */
        private int nameStart(int last) {
            int start = partStart(last);
            while (start >= 2 && !claimed[start - 1] && NAME_JOINERS.contains(keys[start - 1])) {
                int before = partStart(start - 2);
                if (before < 0) {
                    break;
                }
                start = before;
            }
            return start;
        }

        /** A name part is one word, or letters spelled out one by one. */
        private int partStart(int last) {
            if (claimed[last] || keys[last].equals("at") || NAME_JOINERS.contains(keys[last])
                    || !NAME_WORD.matcher(keys[last]).matches()) {
                return -1;
            }
            int start = last;
            if (isLetter(last)) {
                while (start > 0 && isLetter(start - 1)) {
                    start--;
                }
            }
            return start;
        }

        /**
         * Where a name ending before start really starts: a name read out is often several words with no
         * "dot" between ("priya dot raman eighty two"), so it runs back to the words that introduce it.
         */
        private int nameBack(int start, int at) {
            while (start - 1 >= first && at - (start - 1) <= NAME_REACH && !claimed[start - 1]
                    && (!NAME_STOPS.contains(keys[start - 1]) || numberInName(start - 1))
                    && NAME_WORD.matcher(keys[start - 1]).matches()) {
                start--;
            }
            return start;
        }

        /** "to" after "eighty" is the number in "raman eighty two", not the "to" of "send it to". */
        private boolean numberInName(int i) {
            return DIGIT_SOUNDS.containsKey(keys[i]) && i - 1 >= first
                    && (TENS.containsKey(keys[i - 1]) || SPOKEN_DIGITS.containsKey(keys[i - 1]));
        }

        /**
         * An address read out that the recogniser heard with slips ("salmon the top a hotmail dot com", "a two
         * outlook not come"): it ends in a domain, a "dot" (or what Vosk makes of one) and a top-level domain,
         * with an "at" (or its slip) a few words before; it counts where an e-mail cue was said within
         * {@value #RECALL} words, or where it names a provider. Its name runs back from the "at" to the words
         * that introduce it.
         */
        private void misheardEmails() {
            for (int end = first + 2; end < keys.length; end++) {
                if (claimed[end] || claimed[end - 1] || !DOT_SOUNDS.contains(keys[end - 1]) || !isTld(end - 1, end)) {
                    continue;
                }
                while (end + 2 < keys.length && !claimed[end + 1] && !claimed[end + 2]
                        && DOT_SOUNDS.contains(keys[end + 1]) && isTld(end + 1, end + 2)) {
                    end += 2;
                }
                int dot = end - 1;
                while (dot - 2 >= first && DOT_SOUNDS.contains(keys[dot - 2]) && isTld(dot - 2, dot - 1)) {
                    dot -= 2;
                }
                int at = -1;
                boolean provider = false;
                for (int k = dot - 1; k >= Math.max(first, dot - 4) && !claimed[k]; k--) {
                    provider |= PROVIDER_SOUNDS.contains(keys[k]);
                    if (k < dot - 1 && AT_SOUNDS.contains(keys[k])) {
                        at = k;
                        break;
                    }
                }
                boolean cued = distanceWithin(dot, EMAIL_CUES, RECALL) <= RECALL;
                if (!cued && !provider) {
                    continue;
                }
                int name = at >= 0 ? at : provider && PROVIDER_SOUNDS.contains(keys[dot - 1]) ? dot - 1 : -1;
                int start = name < 0 ? -1 : nameBack(name, name);
                if (start >= 0 && start < name) {
                    claim(start, end + 1, EMAIL);
                }
            }
        }

        /** A top-level domain at tld after the dot-like word at dot: any after "dot", only "com"-like after a slip. */
        private boolean isTld(int dot, int tld) {
            if (keys[dot].equals("dot") && TLDS.contains(keys[tld])) {
                return true;
            }
            return TLD_SOUNDS.contains(keys[tld]) || Set.of("com", "net", "org", "uk").contains(keys[tld]);
        }

        private boolean isLetter(int i) {
            return !claimed[i] && keys[i].length() == 1 && keys[i].charAt(0) >= 'a' && keys[i].charAt(0) <= 'z';
        }

        /* The written shape is unambiguous, so it needs no context; claiming it first keeps its nine digits
           from joining a neighbouring run. */
        private void writtenSsns() {
            for (int i = 0; i < keys.length; i++) {
                if (!claimed[i] && startsWithDigit(keys[i]) && WRITTEN_SSN.matcher(keys[i]).matches()) {
                    claim(i, i + 1, SSN);
                }
            }
        }

        private void digitRuns() {
            int from = 0;
            while (from < keys.length) {
                Unit unit = unitAt(from);
                if (unit == null) {
                    from++;
                    continue;
                }
                StringBuilder digits = new StringBuilder(unit.digits());
                int to = unit.to();
                for (Unit next = unitAfter(to); next != null; next = unitAfter(to)) {
                    digits.append(next.digits());
                    to = next.to();
                }
                String tag = classify(from, digits, keys[from].startsWith("+"));
                if (tag != null) {
                    claim(from, to, tag);
                }
                from = to;
            }
        }

        /** The unit that carries a run on at i, reading past a spoken "dash" between groups of digits. */
        private Unit unitAfter(int i) {
            Unit next = unitAt(i);
            if (next == null && i < keys.length && !claimed[i] && keys[i].equals("dash")) {
                next = unitAt(i + 1);
            }
            return next;
        }

        private Unit unitAt(int i) {
            if (i >= keys.length || claimed[i]) {
                return null;
            }
            String key = keys[i];
            String digit = SPOKEN_DIGITS.get(key);
            if (digit != null) {
                return new Unit(i + 1, digit);
            }
            Integer times = REPEATS.get(key);
            if (times != null && i + 1 < keys.length && !claimed[i + 1] && SPOKEN_DIGITS.containsKey(keys[i + 1])) {
                return new Unit(i + 2, SPOKEN_DIGITS.get(keys[i + 1]).repeat(times));
            }
            if (!WRITTEN_NUMBER.matcher(key).matches() || AMOUNT.matcher(key).matches()) {
                return null;
            }
            String digits = digitsOf(key);
            return digits.isEmpty() ? null : new Unit(i + 1, digits);
        }

        private static String digitsOf(String key) {
            StringBuilder digits = new StringBuilder(key.length());
            for (int i = 0; i < key.length(); i++) {
                if (key.charAt(i) >= '0' && key.charAt(i) <= '9') {
                    digits.append(key.charAt(i));
                }
            }
            return digits.toString();
        }

        /**
         * A valid card number is a card whatever was said around it. Otherwise the nearest context word decides,
         * so "visa ..., reach me on 415 555 0100" is a phone; a "card number" said earlier in the call counts
         * only when nothing nearer does; and a bare ten- or eleven-digit run reads as a phone.
         */
        private String classify(int from, CharSequence digits, boolean plus) {
            int count = digits.length();
            if (count >= 13 && count <= 19 && luhn(digits)) {
                return CARD;
            }
            boolean cardLength = count >= 6 && count <= 19;
            boolean phoneShaped = count == 10 || count == 11 && digits.charAt(0) == '1'
                    || plus && count >= 8 && count <= 15;
            String tag = null;
            int nearest = Integer.MAX_VALUE;
            int card = distance(from, CARD_CONTEXT);
            if (cardLength && card < nearest) {
                tag = CARD;
                nearest = card;
            }
            int ssn = distance(from, SSN_CONTEXT);
            if (count == 9 && ssn < nearest) {
                tag = SSN;
                nearest = ssn;
            }
            int phone = distance(from, PHONE_CONTEXT);
            if ((count == 7 || phoneShaped) && phone < nearest) {
                tag = PHONE;
            }
            if (tag != null) {
                return tag;
            }
            if (cardLength && cardNumberAt < from) {
                return CARD;
            }
            return phoneShaped ? PHONE : null;
        }

        /**
         * A run of a number read out: where it ends, its digits, and how many of them were said one by one as
         * digit words ("oh", "seven", "double five"; not "for", "nineteen", "forty"): none in written digits
         * with a "for" or "to" beside them, which the rules for clean digits decide, and few in years and prices.
         */
        private record Run(int to, String digits, int said) {
        }

        /**
         * Numbers read out that the rules for clean digits missed: digits heard as other words ("for", "to",
         * "won"), teens and tens ("fifty five"), fillers, a word or two lost. A run counts after a cue of its
         * kind: near it ({@value #CONTEXT_WINDOW} words), a card from 6 digits, a phone from 7, a social
         * security number at 9; recalled ({@value #RECALL} words, earlier utterances included), a card from 10
         * digits and a phone from 8 (or 4 said as digit words: what is left of a number badly heard); with no cue, 9 digits or more of which 7 were said as digits: nobody reads
         * nine digits out but a number. A stray digit-like word just before the run ("for once you seven five
         * …") goes with it.
         */
        private void numbersReadOut() {
            for (int from = first; from < keys.length; from++) {
                if (claimed[from] || looseUnitAt(from) == null) {
                    continue;
                }
                Run run = runFrom(from);
                String tag = run.said() > 0 ? readOutKind(from, run) : null;
                if (tag != null) {
                    claim(leadingDigit(from), run.to(), tag);
                }
                from = run.to() - 1;
            }
        }

        private int leadingDigit(int from) {
            for (int k = from - 1; k >= Math.max(first, from - NUMBER_GAP - 1) && !claimed[k]; k--) {
                if (looseUnitAt(k) != null) {
                    return k;
                }
            }
            return from;
        }

        private String readOutKind(int from, Run run) {
            int count = run.digits().length();
            int card = distanceWithin(from, CARD_CUES, RECALL);
            int phone = distanceWithin(from, PHONE_CUES, RECALL);
            int ssn = distance(from, SSN_CONTEXT);
            if (count == 9 && ssn <= CONTEXT_WINDOW && ssn <= Math.min(card, phone)) {
                return SSN;
            }
            boolean asCard = card <= CONTEXT_WINDOW && count >= 6 || card <= RECALL && count >= 10;
            boolean asPhone = phone <= CONTEXT_WINDOW && count >= 7 || phone <= RECALL && (count >= 8 || run.said() >= 4);
            if (asCard && (!asPhone || card <= phone)) {
                return CARD;
            }
            if (asPhone || count >= 9 && run.said() >= 7 && ssn > CONTEXT_WINDOW) {
                return count >= 13 ? CARD : PHONE;
            }
            return null;
        }

        /** The run starting at from: units, fillers between them, and up to NUMBER_GAP lost words once it is one. */
        private Run runFrom(int from) {
            StringBuilder digits = new StringBuilder();
            int said = 0;
            int i = from;
            int end = from;
            while (i < keys.length && !claimed[i]) {
                Unit unit = looseUnitAt(i);
                if (unit != null) {
                    digits.append(unit.digits());
                    if (SPOKEN_DIGITS.containsKey(keys[i]) || REPEATS.containsKey(keys[i])
                            && SPOKEN_DIGITS.containsKey(keys[i + 1])) {
                        said += unit.digits().length();
                    }
                    i = unit.to();
                    end = i;
                    continue;
                }
                int next = i;
                int lost = 0;
                while (next < keys.length && !claimed[next] && looseUnitAt(next) == null
                        && (NUMBER_FILLERS.contains(keys[next]) || lost++ < NUMBER_GAP)) {
                    next++;
                }
                if (digits.length() < 3 || next >= keys.length || claimed[next] || looseUnitAt(next) == null) {
                    break;
                }
                i = next;
            }
            return new Run(end, digits.toString(), said);
        }

        /** A unit as unitAt reads it, or a digit as the recogniser misheard it, or a teen or a ten. */
        private Unit looseUnitAt(int i) {
            Unit unit = unitAt(i);
            if (unit != null || i >= keys.length || claimed[i]) {
                return unit;
            }
            String key = keys[i];
            if (DIGIT_SOUNDS.containsKey(key)) {
                return new Unit(i + 1, DIGIT_SOUNDS.get(key));
            }
            Integer times = REPEATS.get(key);
            if (times != null && i + 1 < keys.length && !claimed[i + 1] && DIGIT_SOUNDS.containsKey(keys[i + 1])) {
                return new Unit(i + 2, DIGIT_SOUNDS.get(keys[i + 1]).repeat(times));
            }
            if (TEENS.containsKey(key)) {
                return new Unit(i + 1, TEENS.get(key));
            }
            if (TENS.containsKey(key)) {
                String unitDigit = i + 1 < keys.length && !claimed[i + 1] ? SPOKEN_DIGITS.get(keys[i + 1]) : null;
                return unitDigit != null && !unitDigit.equals("0") ? new Unit(i + 2, TENS.get(key) + unitDigit)
                        : new Unit(i + 1, TENS.get(key) + "0");
            }
            return key.equals("hundred") ? new Unit(i + 1, "00") : null;
        }

        private void birthDates() {
            for (int i = 0; i < keys.length; i++) {
                if (endsAny(i, BIRTH_CONTEXT)) {
                    i = dateAfter(i);
                }
            }
            fullDatesSaid();
            yearsOfBirth();
        }

        /**
         * A year of birth ("nineteen forty three") within {@value #RECALL} words of a date-of-birth cue (not
         * "born": "born here and lived here since nineteen eighty" is no date of birth), the words
         * between lost to the recogniser ("my date of birth but it's regional them for the surface nineteen
         * forty three"): with what is left of the date around it.
         */
        private void yearsOfBirth() {
            for (int i = first; i + 1 < keys.length; i++) {
                if (claimed[i] || claimed[i + 1] || !keys[i].equals("nineteen") || !TENS.containsKey(keys[i + 1])
                        || distanceWithin(i, BIRTH_DATE_CUES, RECALL) > RECALL) {
                    continue;
                }
                int start = i;
                while (start - 1 >= first && isDateWord(start - 1)) {
                    start--;
                }
                int end = i + 2;
                while (end < keys.length && isDateWord(end)) {
                    end++;
                }
                claim(start, end, DOB);
                i = end - 1;
            }
        }


        /**
         * A day, a month and a year said together ("the thirty fifth of january hundred forty three") is a date
         * of birth even where the recogniser lost the cue ("date of birth" heard as "data for"): on a support
         * line nobody else gives their dates so whole.
         */
        private void fullDatesSaid() {
            for (int start = first; start < keys.length; start++) {
                int end = dateEnd(start);
                if (end - start >= FULL_DATE_WORDS && Arrays.stream(keys, start, end).anyMatch(MONTHS::contains)
                        && !startsWithDigit(keys[start])) {
                    claim(start, end, DOB);
                    start = end - 1;
                }
            }
        }

        /** Claims the date said after the context word at context, if any; returns the last token looked at. */
        private int dateAfter(int context) {
            int counted = 0;
            for (int start = context + 1; start < keys.length && counted < DATE_REACH; start++) {
                if (DATE_SKIPS.contains(keys[start])) {
                    continue;
                }
                counted++;
                int end = dateEnd(start);
                if (end > start) {
                    claim(start, end, DOB);
                    return end - 1;
                }
            }
            return context;
        }

        /** The end of the date starting at start: two or more date words, or one written date; else -1. */
        private int dateEnd(int start) {
            if (!isDateWord(start) || DATE_LINKS.contains(keys[start])) {
                return -1;
            }
            int end = start + 1;
            int lastWord = end;
            while (end < keys.length && isDateWord(end)) {
                end++;
                if (!DATE_LINKS.contains(keys[end - 1])) {
                    lastWord = end;
                }
            }
            return lastWord - start >= 2 || WRITTEN_DATE.matcher(keys[start]).matches() ? lastWord : -1;
        }

        private boolean isDateWord(int i) {
            if (claimed[i]) {
                return false;
            }
            String key = keys[i];
            return DATE_WORDS.contains(key) || startsWithDigit(key)
                    && (DATE_NUMBER.matcher(key).matches() || WRITTEN_DATE.matcher(key).matches());
        }
    }
}
