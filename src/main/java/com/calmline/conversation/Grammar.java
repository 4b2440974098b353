package com.calmline.conversation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import opennlp.tools.postag.POSModel;
import opennlp.tools.postag.POSTaggerME;

/**
 * Whether words the line is about to say back make a clause: tagged with OpenNLP's English part-of-speech
 * model (Universal Dependencies tags), which tells a verb from a noun in recognised speech far better than a
 * word list ("your broadband down since monday" has no verb; "your router keeps cutting out" has one).
 */
final class Grammar {
    private static final String MODEL = "/opennlp-en-ud-ewt-pos-1.3-2.5.4.bin";
    private static final Pattern CONTRACTION = Pattern.compile("([a-z]+?)(n't|'m|'re|'ve|'ll|'d|'s)");
    private static final Map<String, String> EXPANDED = Map.of("n't", "not", "'m", "am", "'re", "are", "'ve",
            "have", "'ll", "will", "'d", "would", "'s", "is");
    private static final Set<String> SUBJECT_TAGS = Set.of("NOUN", "PROPN", "PRON", "NUM");
    private static final Set<String> VERB_TAGS = Set.of("VERB", "AUX");
    /** Tags a clause cannot end on: it would leave the caller waiting for the rest ("… with your", "… the"). */
    private static final Set<String> DANGLING_TAGS = Set.of("DET", "ADP", "CCONJ", "SCONJ", "AUX", "PART");
    /** Words tagged as prepositions that end a clause well, as the particle of a verb ("keeps logging me out"). */
    private static final Set<String> PARTICLES = Set.of("out", "up", "off", "down", "in", "on", "over", "back",
            "away", "through", "around");
    /**
     * Verbs of what goes wrong that the tagger takes for nouns in lower-case speech without punctuation ("your
     * internet cuts out"): counted as verbs whatever their tag.
     */
    private static final Set<String> PROBLEM_VERBS = Set.of("cuts", "drops", "keeps", "works", "crashes",
            "freezes", "stops", "fails", "charges", "loads", "says", "shows", "breaks");
    private static final Set<String> POSSESSIVES = Set.of("my", "your", "our", "their", "his", "her", "its");

    private final POSTaggerME tagger;

    private Grammar(POSTaggerME tagger) {
        this.tagger = tagger;
    }

    static Grammar load() {
        try (InputStream in = Grammar.class.getResourceAsStream(MODEL)) {
            if (in == null) {
                throw new IOException("the part-of-speech model " + MODEL + " is not on the class path");
            }
            return new Grammar(new POSTaggerME(new POSModel(in)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A clause: a subject, then a verb, and a last word that ends it. Shared by every call's conversation
     * thread; tagging a short clause takes microseconds, so one tagger behind a lock is enough.
     */
    synchronized boolean clause(String text) {
        List<String> words = tokens(text);
        if (words.isEmpty()) {
            return false;
        }
        String[] tags = tagger.tag(words.toArray(String[]::new));
        int verb = -1;
        for (int i = 0; i < tags.length && verb < 0; i++) {
            verb = VERB_TAGS.contains(tags[i]) || i > 0 && PROBLEM_VERBS.contains(words.get(i)) ? i : -1;
        }
        if (verb <= 0) {
            return false;
        }
        boolean subject = false;
        for (int i = 0; i < verb; i++) {
            subject |= SUBJECT_TAGS.contains(tags[i]) && !POSSESSIVES.contains(words.get(i));
        }
        String last = words.get(words.size() - 1);
        boolean dangling = DANGLING_TAGS.contains(tags[tags.length - 1]) && !PARTICLES.contains(last)
                || POSSESSIVES.contains(last);
        return subject && !dangling;
    }

    private static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        for (String word : text.toLowerCase(Locale.ROOT).split("\\s+")) {
            Matcher c = CONTRACTION.matcher(word);
            if (word.equals("won't") || word.equals("can't")) {
                tokens.add(word.equals("won't") ? "will" : "can");
                tokens.add("not");
            } else if (c.matches()) {
                tokens.add(c.group(1));
                tokens.add(EXPANDED.get(c.group(2)));
            } else if (!word.isBlank()) {
                tokens.add(word);
            }
        }
        return tokens;
    }
}
