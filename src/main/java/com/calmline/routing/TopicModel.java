package com.calmline.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The topics callers ring about, as a multinomial logistic regression over {@link Features} (data file
 * {@code topic-model.tsv}, fitted by {@link TopicFit}, never edited by hand). A turn's features are weighed
 * equally and scaled to unit length, so a long ramble is not surer than a short clear sentence; its
 * confidence is the likeliest topic's probability.
 */
final class TopicModel {
    static final String OTHER = "other";

    /** The topics, likeliest first, with their probabilities. */
    record Ranking(List<String> topics, double[] probabilities) {
        String first() {
            return topics.get(0);
        }

        String second() {
            return topics.get(1);
        }
    }

    private final List<String> topics;
    private final double[] bias;
    private final Map<String, double[]> weights;

    TopicModel(List<String> topics, double[] bias, Map<String, double[]> weights) {
        this.topics = List.copyOf(topics);
        this.bias = bias;
        this.weights = weights;
    }

    Set<String> topics() {
        return new LinkedHashSet<>(topics);
    }

    List<String> topicList() {
        return topics;
    }

    Ranking rank(String words) {
        double[] p = probabilities(words);
        Integer[] order = new Integer[topics.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> p[a] != p[b] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
        List<String> ranked = new ArrayList<>();
        double[] sorted = new double[p.length];
        for (int i = 0; i < order.length; i++) {
            ranked.add(topics.get(order[i]));
            sorted[i] = p[order[i]];
        }
        return new Ranking(List.copyOf(ranked), sorted);
    }

    double[] probabilities(String words) {
        List<double[]> known = new ArrayList<>();
        for (String f : Features.of(words)) {
            double[] w = weights.get(f);
            if (w != null) {
                known.add(w);
            }
        }
        double[] z = bias.clone();
        double scale = known.isEmpty() ? 0 : 1 / Math.sqrt(known.size());
        for (double[] w : known) {
            for (int k = 0; k < z.length; k++) {
                z[k] += scale * w[k];
            }
        }
        return TopicFit.softmax(z);
    }

    /**
     * Parses {@code topic-model.tsv}: a {@code topics} row naming the topics in column order, a {@code bias} row,
     * then one row per feature with a weight per topic. {@code #} starts a comment line.
     */
    static TopicModel parse(String text, String source) {
        List<String> topics = null;
        double[] bias = null;
        Map<String, double[]> weights = new HashMap<>();
        int n = 0;
        for (String line : text.split("\n")) {
            n++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.strip().split("\t");
            if (f[0].equals("topics")) {
                topics = List.of(f).subList(1, f.length);
                if (topics.size() < 2 || !topics.contains(OTHER) || new LinkedHashSet<>(topics).size() != topics.size()) {
                    throw new IllegalArgumentException(source + " line " + n + ": needs two or more distinct topics, "
                            + "'other' among them: " + line);
                }
                continue;
            }
            if (topics == null || f.length != topics.size() + 1) {
                throw new IllegalArgumentException(source + " line " + n + ": expected a 'topics' row first, then "
                        + "NAME and one weight per topic, not '" + line + "'");
            }
            double[] w = new double[topics.size()];
            for (int k = 0; k < w.length; k++) {
                try {
                    w[k] = Double.parseDouble(f[k + 1]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(source + " line " + n + ": '" + f[k + 1] + "' is not a number");
                }
            }
            if (f[0].equals("bias")) {
                bias = w;
            } else {
                weights.put(f[0], w);
            }
        }
        if (topics == null || bias == null) {
            throw new IllegalArgumentException(source + ": no 'topics' or no 'bias' row; regenerate it with "
                    + "java -jar calmline.jar topics --fit");
        }
        return new TopicModel(topics, bias, weights);
    }

    /** The model as {@code topic-model.tsv}: features in name order, weights to five decimals. */
    String write(String provenance) {
        StringBuilder b = new StringBuilder();
        b.append("# What callers ring about: a multinomial logistic regression over words, word pairs and character\n")
                .append("# 3-5-grams (probability of a topic = softmax of bias + the weights of the turn's features / sqrt(n)).\n")
                .append("# FITTED (do not edit by hand; regenerate): ").append(provenance).append('\n');
        b.append("topics\t").append(String.join("\t", topics)).append('\n');
        row(b, "bias", bias);
        weights.keySet().stream().sorted().forEach(f -> row(b, f, weights.get(f)));
        return b.toString();
    }

    Map<String, double[]> weights() {
        return weights;
    }

    double[] bias() {
        return bias;
    }

    private static void row(StringBuilder b, String name, double[] w) {
        b.append(name);
        for (double v : w) {
            b.append('\t').append(String.format(Locale.ROOT, "%.5f", v));
        }
        b.append('\n');
    }
}
