package com.calmline.emotion;

import java.io.IOException;
import java.io.InputStream;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The numbers that turn cues into a score (a data file, anger-weights.properties). {@code bias}, the
 * category weights and {@code weight.negated_positive} are fitted ({@link WeightFit}); the rest are set
 * by hand: scopes, the voice (no labelled angry audio exists to fit it on) and the level thresholds.
 */
record Weights(double bias, Map<Lexicon.Category, Double> categories, double negatedPositive,
               int intensifierScope, int negationScope, double negatedAngerFactor, double repeatDecay,
               double voiceLoudnessPerDb, double voicePitchPerSemitone, double voiceSpreadPerSemitone,
               double voiceRatePer10Percent, double voiceCap, double annoyed, double angry, double smoothing,
               double trendMargin) {

    static final String NEGATED_POSITIVE = "negated_positive";

    static Weights read(InputStream in) throws IOException {
        Properties p = new Properties();
        p.load(in);
        Map<Lexicon.Category, Double> categories = new EnumMap<>(Lexicon.Category.class);
        for (Lexicon.Category c : Lexicon.Category.evidence()) {
            categories.put(c, d(p, "weight." + c.key()));
        }
        return new Weights(d(p, "bias"), categories, d(p, "weight." + NEGATED_POSITIVE),
                (int) d(p, "intensifierScope"), (int) d(p, "negationScope"), d(p, "negatedAngerFactor"),
                d(p, "repeatDecay"), d(p, "voiceLoudnessPerDb"), d(p, "voicePitchPerSemitone"),
                d(p, "voiceSpreadPerSemitone"), d(p, "voiceRatePer10Percent"), d(p, "voiceCap"), d(p, "annoyed"),
                d(p, "angry"), d(p, "smoothing"), d(p, "trendMargin"));
    }

    /** The model's coefficients in feature order: one per evidence category, then negated positives. */
    double[] coefficients() {
        List<Lexicon.Category> evidence = Lexicon.Category.evidence();
        double[] w = new double[evidence.size() + 1];
        for (int i = 0; i < evidence.size(); i++) {
            w[i] = categories.get(evidence.get(i));
        }
        w[evidence.size()] = negatedPositive;
        return w;
    }

    /** These weights with fitted {@code bias} and {@code coefficients}, as a properties file. */
    String withFit(double fittedBias, double[] fitted, String provenance) {
        List<Lexicon.Category> evidence = Lexicon.Category.evidence();
        StringBuilder out = new StringBuilder();
        out.append("# How cue evidence becomes a 0-1 anger score: score = 1 / (1 + exp(-(bias + sum of weight.CATEGORY\n")
                .append("# x the strengths of that category's cues heard + voice))).\n")
                .append("# FITTED (do not edit by hand; regenerate): ").append(provenance).append('\n')
                .append(String.format(Locale.ROOT, "bias=%.4f%n", fittedBias));
        for (int i = 0; i < evidence.size(); i++) {
            out.append(String.format(Locale.ROOT, "weight.%s=%.4f%n", evidence.get(i).key(), fitted[i]));
        }
        out.append(String.format(Locale.ROOT, "weight.%s=%.4f%n", NEGATED_POSITIVE, fitted[evidence.size()]))
                .append("# SET BY HAND\n")
                .append("# Words after an intensifier / negator that it still reaches.\n")
                .append("intensifierScope=").append(intensifierScope).append('\n')
                .append("negationScope=").append(negationScope).append('\n')
                .append("# A negated anger cue (\"not angry\") counts this much of its strength.\n")
                .append("negatedAngerFactor=").append(negatedAngerFactor).append('\n')
                .append("# Each repeat of the same cue in one utterance counts this fraction of the previous one.\n")
                .append("repeatDecay=").append(repeatDecay).append('\n')
                .append("# Voice, relative to the caller's own first utterance: per dB louder, per semitone higher median\n")
                .append("# pitch, per semitone more pitch spread, per 10 % faster speech; capped so the voice alone\n")
                .append("# cannot make a caller angry.\n")
                .append("voiceLoudnessPerDb=").append(voiceLoudnessPerDb).append('\n')
                .append("voicePitchPerSemitone=").append(voicePitchPerSemitone).append('\n')
                .append("voiceSpreadPerSemitone=").append(voiceSpreadPerSemitone).append('\n')
                .append("voiceRatePer10Percent=").append(voiceRatePer10Percent).append('\n')
                .append("voiceCap=").append(voiceCap).append('\n')
                .append("# Levels: score >= annoyed is annoyed, >= angry is angry.\n")
                .append("annoyed=").append(annoyed).append('\n')
                .append("angry=").append(angry).append('\n')
                .append("# Per-call level: exponential smoothing of utterance scores; trend compares turns by this margin.\n")
                .append("smoothing=").append(smoothing).append('\n')
                .append("trendMargin=").append(trendMargin).append('\n');
        return out.toString();
    }

    private static double d(Properties p, String key) throws IOException {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IOException("anger-weights.properties has no " + key);
        }
        return Double.parseDouble(v.trim());
    }
}
