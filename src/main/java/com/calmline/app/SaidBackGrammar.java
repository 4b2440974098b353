package com.calmline.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import opennlp.tools.postag.POSModel;
import opennlp.tools.postag.POSTaggerME;

/**
 * The evaluation's own judge of whether what the line said back is a sentence, independent of how the line
 * built it: the sentence of the prompt that holds the said-back words is tagged (Universal Dependencies
 * parts of speech, OpenNLP's English model). A fragment is a sentence without a verb ("So your email."), a
 * said-back clause without one ("I'm sorry that your internet down since Monday"), or said-back words that
 * end on a word that needs more after it ("… with your", "… the").
 */
final class SaidBackGrammar {
    private static final String MODEL = "/opennlp-en-ud-ewt-pos-1.3-2.5.4.bin";
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z]+(?:'[A-Za-z]+)?|[0-9]+|[^\\sA-Za-z0-9]");
    private static final Pattern CONTRACTION = Pattern.compile("([a-z]+?)(n't|'m|'re|'ve|'ll|'d|'s)");
    private static final Map<String, String> EXPANDED = Map.of("n't", "not", "'m", "am", "'re", "are", "'ve",
            "have", "'ll", "will", "'d", "would", "'s", "is");
    private static final Set<String> DANGLING_TAGS = Set.of("DET", "ADP", "CCONJ", "SCONJ", "AUX");
    /** Prepositions that end a clause well, as a verb's particle ("keeps logging me out"). */
    private static final Set<String> PARTICLES = Set.of("out", "up", "off", "down", "in", "on", "over", "back",
            "away", "through", "around");
    private static final Set<String> POSSESSIVES = Set.of("my", "your", "our", "their", "his", "her", "its");
    /** Words after which the said-back part must be a whole clause ("I'm sorry that …", "So …"). */
    private static final Pattern CLAUSE_SLOT = Pattern.compile("(?i)(\\bthat|\\bso|^)\\s*$");

    private final POSTaggerME tagger;

    SaidBackGrammar() {
        try (InputStream in = SaidBackGrammar.class.getResourceAsStream(MODEL)) {
            if (in == null) {
                throw new IOException("the part-of-speech model " + MODEL + " is not on the class path");
            }
            tagger = new POSTaggerME(new POSModel(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Why {@code saidBack}, as it stands inside {@code say}, is not a sentence; empty when it is one. */
    Optional<String> fragment(String say, String saidBack) {
        int at = say.toLowerCase(Locale.ROOT).indexOf(saidBack.toLowerCase(Locale.ROOT));
        if (at < 0) {
            return Optional.of("said-back words are not in what the line said");
        }
        int start = Math.max(Math.max(say.lastIndexOf(". ", at), say.lastIndexOf("? ", at)),
                say.lastIndexOf("! ", at));
        start = start < 0 ? 0 : start + 2;
        Matcher end = Pattern.compile("[.!?](\\s|$)").matcher(say);
        int stop = end.find(at + saidBack.length()) ? end.start() : say.length();
        String sentence = say.substring(start, stop);
        List<String> words = tokens(sentence);
        String[] tags = tagger.tag(words.toArray(String[]::new));
        if (!hasVerb(tags, 0, tags.length)) {
            return Optional.of("no verb in \"" + sentence + "\"");
        }
        int before = tokens(say.substring(start, at)).size();
        int length = tokens(saidBack).size();
        if (length == 0) {
            return Optional.of("nothing said back");
        }
        String lastWord = words.get(before + length - 1).toLowerCase(Locale.ROOT);
        String lastTag = tags[before + length - 1];
        if (DANGLING_TAGS.contains(lastTag) && !PARTICLES.contains(lastWord) || POSSESSIVES.contains(lastWord)) {
            return Optional.of("ends on \"" + lastWord + "\" (" + lastTag + ")");
        }
        boolean clause = CLAUSE_SLOT.matcher(say.substring(start, at)).find();
        if (clause && !hasVerb(tags, before, before + length)) {
            return Optional.of("a clause without a verb: \"" + saidBack + "\"");
        }
        if (clause && (tags[before].equals("VERB") || tags[before].equals("AUX"))) {
            return Optional.of("a clause without a subject: \"" + saidBack + "\"");
        }
        return Optional.empty();
    }

    private static boolean hasVerb(String[] tags, int from, int to) {
        for (int i = from; i < to; i++) {
            if (tags[i].equals("VERB") || tags[i].equals("AUX")) {
                return true;
            }
        }
        return false;
    }

    /** Words, with contractions written out ("I'm" → "I am", "hasn't" → "has not"), as the tagger reads best. */
    private static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        while (m.find()) {
            String word = m.group();
            String lower = word.toLowerCase(Locale.ROOT);
            Matcher c = CONTRACTION.matcher(lower);
            if (lower.equals("won't") || lower.equals("can't")) {
                tokens.add(lower.equals("won't") ? "will" : "can");
                tokens.add("not");
            } else if (c.matches()) {
                tokens.add(word.substring(0, c.end(1)));
                tokens.add(EXPANDED.get(c.group(2)));
            } else {
                tokens.add(word);
            }
        }
        return tokens;
    }
}
