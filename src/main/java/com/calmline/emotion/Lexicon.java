package com.calmline.emotion;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The anger lexicon (a data file): cue phrases with a category and a strength, matched longest-first. How
 * much each category counts is fitted on labelled data (see {@link WeightFit}); the strengths only rank
 * cues within a category.
 */
final class Lexicon {
    enum Category {
        ANGER, INSULT, CONTEMPT, ACCUSATION, CHALLENGE, LOYALTY, DEMAND, EXHAUSTION, FRUSTRATION, THREAT,
        REPETITION, ABSOLUTE, PROFANITY, SARCASM, INTENT, POSITIVE, CALMING, INTENSIFIER, NEGATOR;

        /** Evidence against anger: negated ("not happy"), it becomes evidence for it. */
        boolean calms() {
            return this == POSITIVE || this == CALMING;
        }

        /**
         * Feelings a negator turns around ("not angry", "not happy"); "not fixed again" or "don't transfer me
         * again" are no less angry for their "not".
         */
        boolean negatable() {
            return this == ANGER || calms();
        }

        /** Words the line must never say back to a caller. */
        boolean offensive() {
            return this == PROFANITY || this == INSULT;
        }

        /** Categories that carry evidence, each a feature of the fitted model. */
        static List<Category> evidence() {
            return Arrays.stream(values()).filter(c -> c != INTENSIFIER && c != NEGATOR).toList();
        }

        String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    record Cue(Category category, double weight, String[] words) {
        String phrase() {
            return String.join(" ", words);
        }
    }

    /** A cue found in an utterance, at word positions [start, end). */
    record Match(Cue cue, int start, int end) {
    }

    private final Map<String, List<Cue>> byFirstWord = new HashMap<>();
    private final List<Cue> wildcardFirst = new ArrayList<>();
    private final Set<String> negators = new HashSet<>();
    private final Set<String> offensiveWords = new HashSet<>();

    static Lexicon read(InputStream in) throws IOException {
        Lexicon lexicon = new Lexicon();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            int lineNo = 0;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lineNo++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                if (f.length != 3) {
                    throw new IOException("anger lexicon line " + lineNo + ": expected CATEGORY<TAB>WEIGHT<TAB>phrase");
                }
                Category category = Category.valueOf(f[0].trim().toUpperCase(Locale.ROOT));
                String[] words = normalise(f[2]).toArray(String[]::new);
                double strength = Double.parseDouble(f[1].trim());
                if (strength < 0) {
                    throw new IOException("anger lexicon line " + lineNo + ": a strength is never negative; "
                            + "calming cues count against anger through their category's fitted weight");
                }
                lexicon.add(new Cue(category, strength, words));
            }
        }
        Comparator<Cue> longestFirst = Comparator.comparingInt((Cue c) -> -c.words().length);
        lexicon.byFirstWord.values().forEach(l -> l.sort(longestFirst));
        lexicon.wildcardFirst.sort(longestFirst);
        return lexicon;
    }

    private void add(Cue cue) {
        if (cue.category() == Category.NEGATOR) {
            negators.add(cue.words()[0]);
            return;
        }
        if (cue.category().offensive() && cue.words().length == 1) {
            offensiveWords.add(cue.words()[0]);
        }
        String first = cue.words()[0];
        if (first.endsWith("*")) {
            wildcardFirst.add(cue);
        } else {
            byFirstWord.computeIfAbsent(first, k -> new ArrayList<>()).add(cue);
        }
    }

    /** Lowercase words without punctuation; apostrophes vanish ("don't" → "dont"), as in the lexicon. */
    static List<String> normalise(String text) {
        String clean = text.toLowerCase(Locale.ROOT).replace("'", "").replace("’", "")
                .replaceAll("[^a-z0-9* ]", " ").trim();
        return clean.isEmpty() ? List.of() : Arrays.asList(clean.split("\\s+"));
    }

    boolean negates(String word) {
        return negators.contains(word);
    }

    /** A word of the profanity or insult categories ("bloody", "idiots", "fuck*"), as normalised. */
    boolean offensive(String word) {
        for (String w : offensiveWords) {
            if (w.endsWith("*") ? word.startsWith(w.substring(0, w.length() - 1)) : word.equals(w)) {
                return true;
            }
        }
        return false;
    }

    /** Non-overlapping cue matches, scanning left to right and taking the longest phrase at each word. */
    List<Match> matches(List<String> words) {
        List<Match> found = new ArrayList<>();
        int i = 0;
        while (i < words.size()) {
            Cue best = null;
            for (Cue c : candidates(words.get(i))) {
                if (matchesAt(c, words, i) && (best == null || c.words().length > best.words().length)) {
                    best = c;
                }
            }
            if (best == null) {
                i++;
            } else {
                found.add(new Match(best, i, i + best.words().length));
                i += best.words().length;
            }
        }
        return found;
    }

    private List<Cue> candidates(String word) {
        List<Cue> c = new ArrayList<>(byFirstWord.getOrDefault(word, List.of()));
        c.addAll(wildcardFirst);
        return c;
    }

    private static boolean matchesAt(Cue cue, List<String> words, int at) {
        if (at + cue.words().length > words.size()) {
            return false;
        }
        for (int k = 0; k < cue.words().length; k++) {
            String want = cue.words()[k];
            String got = words.get(at + k);
            boolean ok = want.endsWith("*") ? got.startsWith(want.substring(0, want.length() - 1)) : got.equals(want);
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
