package com.calmline.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One read of {@code GET /metrics} (Prometheus text), read back as counters and histograms. */
record Scrape(List<Scrape.Sample> samples) {
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    static Scrape parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (line.startsWith("#") || !m.find()) {
                continue;
            }
            Map<String, String> labels = new TreeMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            samples.add(new Sample(m.group(1), labels, number(m.group(3))));
        }
        return new Scrape(List.copyOf(samples));
    }

    boolean has(String name) {
        return samples.stream().anyMatch(s -> s.name().equals(name));
    }

    /** The sum of {@code name} over every series whose labels include {@code label=value} (any, if label is null). */
    double sum(String name, String label, String value) {
        return samples.stream().filter(s -> s.name().equals(name))
                .filter(s -> label == null || value.equals(s.labels().get(label)))
                .mapToDouble(Sample::value).sum();
    }

    double sum(String name) {
        return sum(name, null, null);
    }

    /** The histogram {@code base} ({@code base_bucket}), summed over any labels but {@code le}. */
    Histogram histogram(String base) {
        TreeMap<Double, Double> cumulative = new TreeMap<>();
        samples.stream().filter(s -> s.name().equals(base + "_bucket") && s.labels().containsKey("le"))
                .forEach(s -> cumulative.merge(number(s.labels().get("le")), s.value(), Double::sum));
        return new Histogram(cumulative);
    }

    /** Cumulative counts by upper bound (the last one +Inf), as Prometheus exposes a histogram. */
    record Histogram(TreeMap<Double, Double> cumulative) {
        /** What was observed between {@code before} and this read. */
        Histogram minus(Histogram before) {
            TreeMap<Double, Double> diff = new TreeMap<>();
            cumulative.forEach((le, n) -> diff.put(le, n - before.cumulative.getOrDefault(le, 0.0)));
            return new Histogram(diff);
        }

        double count() {
            return cumulative.isEmpty() ? 0 : cumulative.lastEntry().getValue();
        }

        /**
         * The {@code q} quantile as Prometheus's histogram_quantile estimates it: linear inside the bucket it
         * falls in, from 0 for the first; in the +Inf bucket, the highest finite bound (a floor, not an estimate).
         * NaN when nothing was observed.
         */
        double quantile(double q) {
            double total = count();
            if (total <= 0) {
                return Double.NaN;
            }
            double rank = q * total;
            double lower = 0;
            double below = 0;
            for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
                if (bucket.getValue() >= rank) {
                    if (bucket.getKey().isInfinite()) {
                        return lower;
                    }
                    double inBucket = bucket.getValue() - below;
                    return inBucket <= 0 ? bucket.getKey()
                            : lower + (bucket.getKey() - lower) * (rank - below) / inBucket;
                }
                lower = bucket.getKey();
                below = bucket.getValue();
            }
            return lower;
        }

        /** True when the {@code q} quantile lies past the highest finite bound, so {@link #quantile} is a floor. */
        boolean beyondBuckets(double q) {
            Map.Entry<Double, Double> lastFinite = cumulative.lowerEntry(Double.POSITIVE_INFINITY);
            return count() > 0 && (lastFinite == null || lastFinite.getValue() < q * count());
        }
    }

    private static double number(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }
}
