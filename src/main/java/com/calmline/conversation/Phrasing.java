package com.calmline.conversation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the caller's words into words the line can say back: "you charged me twice" becomes "we charged
 * you twice", "my refund" becomes "your refund", and fillers and dangling words at the edges are left out.
 * Works on lower-case recognised words; the prompt book capitalises sentences.
 */
final class Phrasing {
    private static final Set<String> DETERMINERS = Set.of("my", "our", "your", "the", "this", "that", "a", "an",
            "his", "her", "their");
    private static final Set<String> PREPOSITIONS = Set.of("to", "for", "with", "from", "at", "by", "about", "of",
            "against", "than", "like", "on", "into", "onto", "towards", "toward", "behind", "without");
    /** Verbs after which "you" is the object ("i paid you" → "you paid us"). */
    private static final Set<String> TAKES_OBJECT = Set.of("told", "tell", "telling", "paid", "pay", "paying",
            "called", "call", "calling", "rang", "ring", "ringing", "phoned", "phone", "emailed", "email", "asked",
            "ask", "asking", "gave", "give", "sent", "send", "trusted", "trust", "contacted", "contact", "chased",
            "chase", "wrote", "reminded", "warned", "thank", "thanked", "need", "needed", "want", "wanted", "see",
            "saw", "heard", "hear", "got", "get", "left", "leave", "owe", "owed", "joined", "recommended");
    private static final Map<String, String> CALLER_TO_LINE = Map.ofEntries(
            Map.entry("i", "you"), Map.entry("me", "you"), Map.entry("my", "your"), Map.entry("mine", "yours"),
            Map.entry("myself", "yourself"), Map.entry("i'm", "you're"), Map.entry("im", "you're"),
            Map.entry("i've", "you've"), Map.entry("ive", "you've"), Map.entry("i'd", "you'd"),
            Map.entry("i'll", "you'll"), Map.entry("we", "you"), Map.entry("us", "you"), Map.entry("our", "your"),
            Map.entry("ours", "yours"), Map.entry("ourselves", "yourselves"), Map.entry("we're", "you're"),
            Map.entry("we've", "you've"), Map.entry("we'd", "you'd"), Map.entry("we'll", "you'll"),
            Map.entry("your", "our"), Map.entry("yours", "ours"), Map.entry("yourself", "ourselves"),
            Map.entry("yourselves", "ourselves"), Map.entry("you're", "we're"), Map.entry("youre", "we're"),
            Map.entry("you've", "we've"), Map.entry("you'd", "we'd"), Map.entry("you'll", "we'll"));
    /** "you people", "you guys", "you lot": the company, which the line calls "we". */
    private static final Set<String> YOU_COLLECTIVE = Set.of("people", "guys", "lot", "lads", "folks", "lots");
    /** Verb agreement after a flipped subject: "i was" → "you were", "you has" → "we have". */
    private static final Map<String, String> PLURAL_VERB = Map.ofEntries(Map.entry("am", "are"),
            Map.entry("was", "were"), Map.entry("wasn't", "weren't"), Map.entry("wasnt", "weren't"),
            Map.entry("is", "are"), Map.entry("isn't", "aren't"), Map.entry("has", "have"),
            Map.entry("hasn't", "haven't"), Map.entry("does", "do"), Map.entry("doesn't", "don't"));
    private static final Set<String> LEADING_FILLERS = Set.of("well", "so", "and", "but", "look", "listen", "okay",
            "ok", "um", "uh", "er", "erm", "yeah", "yes", "hi", "hello", "oh", "right", "now", "basically",
            "anyway", "just", "honestly", "like", "also", "actually", "see", "because", "cause", "then", "plus",
            "or", "alright");
    /** Openers that hedge rather than say what is wrong: "it looks like you charged me twice". */
    private static final List<List<String>> LEADING_HEDGES = List.of(List.of("it", "looks", "like"),
            List.of("it", "seems", "like"), List.of("it", "seems"), List.of("looks", "like"), List.of("i", "think"),
            List.of("i", "mean"), List.of("you", "know"), List.of("to", "be", "honest"), List.of("the", "thing", "is"),
            List.of("the", "problem", "is"), List.of("the", "issue", "is"), List.of("i", "just", "wanted", "to",
                    "say"));
    private static final Set<String> DANGLING = Set.of("for", "to", "and", "the", "a", "an", "of", "with", "my",
            "your", "in", "on", "at", "from", "by", "about", "but", "or", "so", "because", "please",
            "like", "um", "uh", "er", "erm", "just", "really", "okay", "ok", "yeah", "right", "anyway");
    private static final List<List<String>> TRAILING_FILLERS = List.of(List.of("you", "know"), List.of("i", "mean"),
            List.of("or", "something"), List.of("and", "stuff"), List.of("and", "everything"), List.of("as", "well"));
    private static final Set<String> NOUN_PHRASE_ENDS = Set.of("please", "because", "as", "since", "today", "now",
            "right", "i", "we", "it", "thanks", "thank", "asap", "immediately", "and", "but", "so", "for", "from",
            "on", "at", "in", "with", "by", "this", "next", "tomorrow", "tonight", "which", "that", "who", "then",
            "is", "was", "has", "had", "have", "are", "were", "to", "or", "if", "when");
    private static final Set<String> PROPER = Set.of("monday", "tuesday", "wednesday", "thursday", "friday",
            "saturday", "sunday", "january", "february", "march", "april", "june", "july", "august", "september",
            "october", "november", "december", "christmas", "easter");

    private Phrasing() {
    }

    /** The caller's words as the line says them back: first and second person swapped, verbs agreeing. */
    static String secondPerson(List<String> words) {
        List<String> out = new ArrayList<>();
        boolean flippedSubject = false;
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            String before = i == 0 ? "" : words.get(i - 1);
            if (w.equals("you")) {
                boolean object = PREPOSITIONS.contains(before) || TAKES_OBJECT.contains(before)
                        || before.endsWith("ed") || i == words.size() - 1;
                out.add(object ? "us" : "we");
                if (i + 1 < words.size() && YOU_COLLECTIVE.contains(words.get(i + 1))) {
                    i++;
                }
                flippedSubject = !object;
                continue;
            }
            if (flippedSubject && PLURAL_VERB.containsKey(w)) {
                out.add(PLURAL_VERB.get(w));
            } else {
                out.add(CALLER_TO_LINE.getOrDefault(w, w));
            }
            flippedSubject = w.equals("i") || w.equals("you");
        }
        List<String> spoken = new ArrayList<>(out.size());
        for (String w : out) {
            spoken.add(PROPER.contains(w) ? Character.toUpperCase(w.charAt(0)) + w.substring(1) : w);
        }
        return String.join(" ", spoken);
    }

    /** Without hedges and fillers in front, or dangling words at the end. */
    static List<String> trimmed(List<String> words) {
        int start = 0;
        boolean moved = true;
        while (moved) {
            moved = false;
            while (start < words.size() - 1 && LEADING_FILLERS.contains(words.get(start))) {
                start++;
                moved = true;
            }
            for (List<String> hedge : LEADING_HEDGES) {
                if (start + hedge.size() < words.size() && words.subList(start, start + hedge.size()).equals(hedge)) {
                    start += hedge.size();
                    moved = true;
                }
            }
        }
        int end = words.size();
        moved = true;
        while (moved) {
            moved = false;
            while (end > start + 1 && DANGLING.contains(words.get(end - 1))) {
                end--;
                moved = true;
            }
            for (List<String> filler : TRAILING_FILLERS) {
                if (end - filler.size() > start && words.subList(end - filler.size(), end).equals(filler)) {
                    end -= filler.size();
                    moved = true;
                }
            }
        }
        return words.subList(start, end);
    }

    /**
     * The noun phrase ending at {@code head} (a topic word): its determiner and modifiers in front, and a
     * following topic word ("my broadband contract"); "the X" when the caller used no determiner.
     */
    static List<String> nounPhrase(List<String> words, int head, Set<String> topics) {
        int start = head;
        for (int k = head - 1; k >= Math.max(0, head - 3); k--) {
            String w = words.get(k);
            if (DETERMINERS.contains(w)) {
                start = k;
                break;
            }
            if (NOUN_PHRASE_ENDS.contains(w) || PREPOSITIONS.contains(w)) {
                break;
            }
        }
        int end = head + 1;
        while (end < words.size() && topics.contains(words.get(end))) {
            end++;
        }
        List<String> phrase = new ArrayList<>(words.subList(start, end));
        if (!DETERMINERS.contains(phrase.get(0))) {
            phrase.add(0, "the");
        }
        return phrase;
    }

    static boolean isDeterminer(String word) {
        return DETERMINERS.contains(word);
    }

    /** Whether {@code word} can stand in front of a noun in its phrase ("my", "monthly", "broadband"). */
    static boolean modifies(String word) {
        return !NOUN_PHRASE_ENDS.contains(word) && !PREPOSITIONS.contains(word) && !DANGLING.contains(word)
                || DETERMINERS.contains(word);
    }

    /** What a request is about, from the words after its verb: "my gym membership please" → "my gym membership". */
    static List<String> object(List<String> words) {
        List<String> out = new ArrayList<>();
        for (String w : words) {
            if (NOUN_PHRASE_ENDS.contains(w) || PREPOSITIONS.contains(w) || out.size() == 4) {
                break;
            }
            out.add(w);
        }
        return out;
    }
}
