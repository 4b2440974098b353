package com.calmline.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The topics callers ring about, each known by weighted phrases (data file {@code topics.txt}). A phrase
 * counts once per turn however often it is said, so a caller repeating "bill" does not outweigh one who
 * names the problem; a word ending in {@code *} matches any word it begins ("charg*": charged, charges),
 * which also catches many recognition slips on word endings.
 */
final class Taxonomy {
    static final String OTHER = "other";

    /** A topic and how sure the words make it (0-1). */
    record Topic(String name, double confidence) {
    }

    private record Phrase(String topic, double weight, String[] words) {
        boolean in(List<String> tokens) {
            for (int i = 0; i + words.length <= tokens.size(); i++) {
                if (matchesAt(tokens, i)) {
                    return true;
                }
            }
            return false;
        }

        private boolean matchesAt(List<String> tokens, int at) {
            for (int k = 0; k < words.length; k++) {
                String w = words[k];
                String t = tokens.get(at + k);
                boolean ok = w.endsWith("*") ? t.startsWith(w.substring(0, w.length() - 1)) : t.equals(w);
                if (!ok) {
                    return false;
                }
            }
            return true;
        }
    }

    private final Set<String> topics;
    private final List<Phrase> phrases;
    private final double minEvidence;

    private Taxonomy(Set<String> topics, List<Phrase> phrases, double minEvidence) {
        this.topics = topics;
        this.phrases = phrases;
        this.minEvidence = minEvidence;
    }

    /**
     * Parses {@code topics.txt}: {@code topic: NAME} starts a topic, then {@code WEIGHT PHRASE} lines;
     * {@code min-evidence: N} is the weight below which a turn is {@code other}. {@code #} starts a comment.
     */
    static Taxonomy parse(String text, String source) {
        Set<String> topics = new LinkedHashSet<>();
        List<Phrase> phrases = new ArrayList<>();
        double minEvidence = 2;
        String topic = null;
        int n = 0;
        for (String raw : text.split("\n")) {
            n++;
            String line = raw.replaceAll("#.*", "").strip().toLowerCase(Locale.ROOT);
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("topic:")) {
                topic = line.substring(6).strip();
                topics.add(topic);
            } else if (line.startsWith("min-evidence:")) {
                minEvidence = number(line.substring(13).strip(), source, n);
            } else {
                String[] parts = line.split("\\s+", 2);
                if (topic == null || parts.length < 2) {
                    throw new IllegalArgumentException(source + " line " + n
                            + ": expected 'topic: NAME' or 'WEIGHT PHRASE' under a topic, not '" + raw + "'");
                }
                phrases.add(new Phrase(topic, number(parts[0], source, n), parts[1].split("\\s+")));
            }
        }
        topics.add(OTHER);
        return new Taxonomy(topics, phrases, minEvidence);
    }

    Set<String> topics() {
        return topics;
    }

    /**
     * The topic with the most evidence; its confidence is its share of all the evidence heard, shrunk
     * toward zero when there is little of it. Too little evidence for any topic is {@code other}.
     */
    Topic classify(String words) {
        List<String> tokens = tokens(words);
        Map<String, Double> scores = new LinkedHashMap<>();
        for (Phrase p : phrases) {
            if (p.in(tokens)) {
                scores.merge(p.topic(), p.weight(), Double::sum);
            }
        }
        double total = scores.values().stream().mapToDouble(Double::doubleValue).sum();
        Map.Entry<String, Double> best = scores.entrySet().stream().max(Map.Entry.comparingByValue()).orElse(null);
        if (best == null || best.getValue() < minEvidence) {
            return new Topic(OTHER, round(1 - total / (total + minEvidence)));
        }
        return new Topic(best.getKey(), round(best.getValue() / (total + 1)));
    }

    static List<String> tokens(String words) {
        return Arrays.stream(words.toLowerCase(Locale.ROOT).split("[^a-z0-9']+")).filter(w -> !w.isEmpty()).toList();
    }

    private static double number(String s, String source, int line) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + " line " + line + ": '" + s + "' is not a number");
        }
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
