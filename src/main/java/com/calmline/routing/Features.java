package com.calmline.routing;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the topic model sees of a caller's words: the words, the pairs of neighbouring words and each word's
 * character 3- to 5-grams. The n-grams carry a word the recogniser half-heard ("refun", "broadbands") to the
 * same evidence as the word itself. The tokeniser puts back together what speech splits apart ("broad band",
 * "log in", "pass word"), drops possessives ("the hub's light" is about the hub) and marks the two words after
 * a negation ("i'm not cancelling it": {@code not_cancelling}), so a caller who is not cancelling does not
 * sound like one who is.
 */
final class Features {
    private static final int MIN_GRAM = 3;
    private static final int MAX_GRAM = 5;
    private static final int NEGATION_SCOPE = 2;
    /** Not "no": "no internet" is about the internet. */
    private static final Set<String> NEGATIONS = Set.of("not", "never", "don't", "dont", "didn't", "didnt",
            "isn't", "isnt", "wasn't", "wasnt", "won't", "wont", "can't", "cant", "cannot", "haven't", "havent",
            "hasn't", "hasnt", "doesn't", "doesnt", "aren't", "arent", "shouldn't", "wouldn't");
    /** Words that end in 's but are a contraction ("it's" is "it is"), not a possessive. */
    private static final Set<String> CONTRACTED_S = Set.of("it's", "that's", "there's", "what's", "he's", "she's",
            "who's", "let's", "here's", "where's", "how's");
    /** Two words speech or the recogniser splits, written as one; and one spelling for words spelled several ways. */
    private static final Map<String, String> COMPOUNDS = Map.ofEntries(Map.entry("broad band", "broadband"),
            Map.entry("log in", "login"), Map.entry("log on", "login"), Map.entry("logon", "login"),
            Map.entry("sign in", "login"), Map.entry("signin", "login"), Map.entry("pass word", "password"),
            Map.entry("user name", "username"), Map.entry("e mail", "email"), Map.entry("wi fi", "wifi"),
            Map.entry("web site", "website"), Map.entry("in voice", "invoice"), Map.entry("re fund", "refund"),
            Map.entry("over charged", "overcharged"), Map.entry("set up", "setup"), Map.entry("pay ment", "payment"),
            Map.entry("post code", "postcode"), Map.entry("down load", "download"), Map.entry("up grade", "upgrade"));

    private Features() {
    }

    /** The words as the model reads them: lower case, compounds joined, possessives dropped, negations marked. */
    static List<String> tokens(String text) {
        List<String> raw = new ArrayList<>();
        for (String w : text.toLowerCase(Locale.ROOT).replace('\u2019', '\'').split("[^a-z0-9']+")) {
            w = w.replaceAll("^'+|'+$", "");
            if (w.isEmpty()) {
                continue;
            }
            if (w.endsWith("'s") && !CONTRACTED_S.contains(w)) {
                w = w.substring(0, w.length() - 2);
            }
            raw.add(w);
        }
        List<String> joined = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String pair = i + 1 < raw.size() ? COMPOUNDS.get(raw.get(i) + " " + raw.get(i + 1)) : null;
            if (pair != null) {
                joined.add(pair);
                i++;
            } else {
                joined.add(COMPOUNDS.getOrDefault(raw.get(i), raw.get(i)));
            }
        }
        List<String> marked = new ArrayList<>();
        int negated = 0;
        for (String w : joined) {
            if (NEGATIONS.contains(w)) {
                marked.add(w);
                negated = NEGATION_SCOPE;
            } else if (negated > 0) {
                marked.add("not_" + w);
                negated--;
            } else {
                marked.add(w);
            }
        }
        return marked;
    }

    /** Every feature of the text, each once: {@code w:} words, {@code p:} word pairs, {@code c:} character n-grams. */
    static Set<String> of(String text) {
        List<String> tokens = tokens(text);
        Set<String> features = new LinkedHashSet<>();
        for (int i = 0; i < tokens.size(); i++) {
            String w = tokens.get(i);
            features.add("w:" + w);
            if (i + 1 < tokens.size()) {
                features.add("p:" + w + "_" + tokens.get(i + 1));
            }
            if (!w.startsWith("not_")) {
                String padded = "<" + w + ">";
                for (int n = MIN_GRAM; n <= MAX_GRAM; n++) {
                    for (int at = 0; at + n <= padded.length(); at++) {
                        features.add("c:" + padded.substring(at, at + n));
                    }
                }
            }
        }
        return features;
    }
}
