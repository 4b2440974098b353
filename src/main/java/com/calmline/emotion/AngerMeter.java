package com.calmline.emotion;

import com.calmline.speech.Transcriber;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How angry a caller sounds: per utterance, 0–1 from their words (lexicon cues by category, negation,
 * intensifiers, weighed by a logistic regression fitted on labelled utterances) and their voice relative
 * to their own first utterance; per call, a smoothed level, the peak, the trend between turns and the time
 * spent venting. Lexicon and weights are data files under /emotion.
 */
public final class AngerMeter {
    public enum Level {
        CALM, ANNOYED, ANGRY;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Trend {
        ESCALATING, STEADY, CALMING;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public record Score(double value, Level level, List<String> cues) {
    }

    private static final Map<Lexicon.Category, Integer> FEATURE = new EnumMap<>(Lexicon.Category.class);

    static {
        List<Lexicon.Category> evidence = Lexicon.Category.evidence();
        for (int i = 0; i < evidence.size(); i++) {
            FEATURE.put(evidence.get(i), i);
        }
    }

    private final Lexicon lexicon;
    private final Weights weights;
    private final double[] coefficients;

    private AngerMeter(Lexicon lexicon, Weights weights) {
        this.lexicon = lexicon;
        this.weights = weights;
        this.coefficients = weights.coefficients();
    }

    /** The lexicon and weights shipped in the jar. */
    public static AngerMeter load() {
        try (InputStream lex = resource("anger-lexicon.tsv"); InputStream w = resource("anger-weights.properties")) {
            return new AngerMeter(Lexicon.read(lex), Weights.read(w));
        } catch (IOException e) {
            throw new UncheckedIOException("the anger lexicon in the jar is unreadable", e);
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = AngerMeter.class.getResourceAsStream("/emotion/" + name);
        if (in == null) {
            throw new IOException("missing /emotion/" + name);
        }
        return in;
    }

    /** Scores words alone, as for a transcript line without audio. */
    public Score text(String text) {
        return score(text, 0);
    }

    public Level level(double score) {
        return score >= weights.angry() ? Level.ANGRY : score >= weights.annoyed() ? Level.ANNOYED : Level.CALM;
    }

    /**
     * The trend from one turn's score to the next. A caller calm in both is steady however the scores move
     * (0.03 to 0.16 is one calm caller, not one escalating): escalating needs the later turn to be upset,
     * calming the earlier one.
     */
    Trend between(double before, double last) {
        if (level(before) == Level.CALM && level(last) == Level.CALM) {
            return Trend.STEADY;
        }
        if (last <= before - weights.trendMargin() || (before >= weights.annoyed() && level(last) == Level.CALM)) {
            return Trend.CALMING;
        }
        return last >= before + weights.trendMargin() ? Trend.ESCALATING : Trend.STEADY;
    }

    /** A tracker for one caller; not thread-safe (one call is handled on one thread). */
    public Caller caller() {
        return new Caller();
    }

    /** Whether {@code word} is profanity or an insult, which the line never says back. */
    public boolean offensive(String word) {
        return Lexicon.normalise(word).stream().anyMatch(lexicon::offensive);
    }

    /** A line of a labelled set, {@code LABEL<TAB>text}: {@code angry} or {@code 1} is angry; {@code annoyed},
     * {@code calm} or {@code 0} is not. */
    public record Labelled(boolean angry, String text) {
        public static Labelled parse(String line) {
            int tab = line.indexOf('\t');
            if (tab < 0) {
                throw new IllegalArgumentException("expected LABEL<TAB>text: " + line);
            }
            String label = line.substring(0, tab).trim().toLowerCase(Locale.ROOT);
            String text = line.substring(tab + 1).trim();
            return switch (label) {
                case "angry", "1" -> new Labelled(true, text);
                case "annoyed", "calm", "0" -> new Labelled(false, text);
                default -> throw new IllegalArgumentException("unknown label '" + label
                        + "' (angry, annoyed, calm, 1 or 0): " + line);
            };
        }
    }

    /**
     * Fits the bias and category weights to {@code set} by logistic regression and returns the whole weights
     * file: the fitted numbers, and the hand-set ones as they are now. Same set, same file.
     */
    public String fit(List<Labelled> set, String provenance) {
        List<WeightFit.Example> examples = set.stream()
                .map(l -> new WeightFit.Example(evidence(l.text()).features(), l.angry())).toList();
        WeightFit.Fit fit = WeightFit.fit(examples);
        return weights.withFit(fit.bias(), fit.coefficients(), provenance);
    }

    /** Per evidence category, the strengths of its cues heard (scaled by intensifiers, negation and repeats). */
    private record Evidence(double[] features, List<String> cues) {
    }

    private Evidence evidence(String text) {
        List<String> words = Lexicon.normalise(text);
        List<Lexicon.Match> matches = lexicon.matches(words);
        double[] features = new double[coefficients.length];
        List<String> cues = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int m = 0; m < matches.size(); m++) {
            Lexicon.Match match = matches.get(m);
            Lexicon.Category category = match.cue().category();
            if (category == Lexicon.Category.INTENSIFIER) {
                continue;
            }
            int repeats = seen.merge(match.cue().phrase(), 1, Integer::sum) - 1;
            double strength = match.cue().weight() * intensity(matches, m) * Math.pow(weights.repeatDecay(), repeats);
            boolean negated = category.negatable() && negated(words, matches, match);
            if (negated && category.calms()) {
                features[features.length - 1] += strength;
            } else {
                features[FEATURE.get(category)] += negated ? strength * weights.negatedAngerFactor() : strength;
            }
            cues.add((negated ? "not " : "") + match.cue().phrase());
        }
        return new Evidence(features, List.copyOf(cues));
    }

    private Score score(String text, double voiceEvidence) {
        Evidence e = evidence(text);
        double z = weights.bias() + voiceEvidence;
        for (int i = 0; i < coefficients.length; i++) {
            z += coefficients[i] * e.features()[i];
        }
        double value = WeightFit.sigmoid(z);
        return new Score(value, level(value), e.cues());
    }

    /** The product of intensifiers that end within intensifierScope words before this cue. */
    private double intensity(List<Lexicon.Match> matches, int index) {
        double factor = 1;
        int start = matches.get(index).start();
        for (int k = index - 1; k >= 0 && start - matches.get(k).end() < weights.intensifierScope(); k--) {
            if (matches.get(k).cue().category() == Lexicon.Category.INTENSIFIER) {
                factor *= matches.get(k).cue().weight();
            }
        }
        return factor;
    }

    /** A negator word within negationScope words before the cue, not itself inside an earlier cue phrase. */
    private boolean negated(List<String> words, List<Lexicon.Match> matches, Lexicon.Match match) {
        for (int i = Math.max(0, match.start() - weights.negationScope()); i < match.start(); i++) {
            if (lexicon.negates(words.get(i)) && !insidePhrase(matches, i)) {
                return true;
            }
        }
        return false;
    }

    private static boolean insidePhrase(List<Lexicon.Match> matches, int wordIndex) {
        for (Lexicon.Match m : matches) {
            if (m.start() <= wordIndex && wordIndex < m.end() && m.cue().words().length > 1) {
                return true;
            }
        }
        return false;
    }

    /** One caller over one call: the voice baseline, the smoothed level, the peak, turns for the trend. */
    public final class Caller {
        private Transcriber.Voice baseline;
        private double baselineRate;
        private double level = Double.NaN;
        private double peak;
        private double ventingSeconds;
        private final List<Double> turnScores = new ArrayList<>();
        private final StringBuilder turnText = new StringBuilder();
        private double turnVoice;
        private int turnUtterances;

        /** Scores one utterance (the words the recogniser was sure of, plus voice) and adds it to the current turn. */
        public Score hear(Transcriber.Utterance utterance) {
            double voiceEvidence = voiceEvidence(utterance);
            String text = utterance.sureText();
            Score s = score(text, voiceEvidence);
            level = Double.isNaN(level) ? s.value() : weights.smoothing() * s.value() + (1 - weights.smoothing()) * level;
            peak = Math.max(peak, s.value());
            if (s.level() != Level.CALM) {
                ventingSeconds += utterance.seconds();
            }
            turnText.append(turnText.length() == 0 ? "" : " ").append(text);
            turnVoice += voiceEvidence;
            turnUtterances++;
            return s;
        }

        /** The caller's current turn, scored as a whole: long rants add up, as they do for a listener. */
        public Score turn() {
            return score(turnText.toString(), turnUtterances == 0 ? 0 : turnVoice / turnUtterances);
        }

        /** Closes the current turn; the trend compares it with the one before. */
        public Score endTurn() {
            Score turn = turn();
            if (turnUtterances > 0) {
                turnScores.add(turn.value());
            }
            turnText.setLength(0);
            turnVoice = 0;
            turnUtterances = 0;
            return turn;
        }

        public boolean turnHasWords() {
            return turnUtterances > 0;
        }

        public double level() {
            return Double.isNaN(level) ? 0 : level;
        }

        public Level smoothedLevel() {
            return AngerMeter.this.level(level());
        }

        public double peak() {
            return peak;
        }

        public double ventingSeconds() {
            return ventingSeconds;
        }

        public Trend trend() {
            int n = turnScores.size();
            if (n < 2) {
                return Trend.STEADY;
            }
            return between(turnScores.get(n - 2), turnScores.get(n - 1));
        }

        /** Voice evidence relative to this caller's first utterance, since phone levels and voices vary. */
        private double voiceEvidence(Transcriber.Utterance utterance) {
            Transcriber.Voice voice = utterance.voice();
            double rate = utterance.words().size() / Math.max(0.3, utterance.seconds());
            if (baseline == null) {
                baseline = voice;
                baselineRate = rate;
                return 0;
            }
            double e = 0;
            e += delta(voice.loudnessDb() - baseline.loudnessDb()) * weights.voiceLoudnessPerDb();
            e += delta(semitones(voice.pitchHz(), baseline.pitchHz())) * weights.voicePitchPerSemitone();
            e += delta(voice.pitchSpreadSemitones() - baseline.pitchSpreadSemitones()) * weights.voiceSpreadPerSemitone();
            e += delta(Math.log(rate / baselineRate) / Math.log(1.1))
                    * weights.voiceRatePer10Percent();
            return Math.max(-weights.voiceCap(), Math.min(weights.voiceCap(), e));
        }

        private static double semitones(double hz, double baseHz) {
            return 12 * Math.log(hz / baseHz) / Math.log(2);
        }

        private static double delta(double d) {
            return Double.isFinite(d) ? d : 0;
        }
    }
}
