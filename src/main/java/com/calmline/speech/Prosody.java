package com.calmline.speech;

import java.util.Arrays;

/**
 * Loudness and pitch over the speech frames of one utterance. Pitch is the normalised autocorrelation peak
 * over a 40 ms window, in the 80–400 Hz range of speaking voices; unvoiced frames are left out.
 */
final class Prosody {
    private static final int RATE = 8000;
    private static final int MIN_LAG = RATE / 400;
    private static final int MAX_LAG = RATE / 80;
    private static final double VOICED = 0.5;

    private short[] previous = new short[0];
    private double energy;
    private int energyFrames;
    private double[] pitches = new double[64];
    private int pitchCount;

    void add(short[] frame, boolean speaking) {
        if (speaking) {
            double db = VoiceActivity.levelDb(frame);
            energy += Math.pow(10, db / 10);
            energyFrames++;
            double hz = pitchHz(previous, frame);
            if (hz > 0) {
                if (pitchCount == pitches.length) {
                    pitches = Arrays.copyOf(pitches, pitchCount * 2);
                }
                pitches[pitchCount++] = hz;
            }
        }
        previous = frame;
    }

    /** What this utterance sounded like; starts afresh for the next one. */
    Transcriber.Voice takeVoice() {
        double loudness = energyFrames == 0 ? Double.NaN : 10 * Math.log10(energy / energyFrames);
        double median = Double.NaN;
        double spread = Double.NaN;
        if (pitchCount > 0) {
            double[] p = Arrays.copyOf(pitches, pitchCount);
            Arrays.sort(p);
            median = p[p.length / 2];
            double sum = 0;
            double sq = 0;
            for (double hz : p) {
                double st = 12 * Math.log(hz / median) / Math.log(2);
                sum += st;
                sq += st * st;
            }
            spread = Math.sqrt(Math.max(0, sq / p.length - (sum / p.length) * (sum / p.length)));
        }
        energy = 0;
        energyFrames = 0;
        pitchCount = 0;
        return new Transcriber.Voice(loudness, median, spread);
    }

    static double pitchHz(short[] previous, short[] frame) {
        int n = previous.length + frame.length;
        if (n < 2 * MAX_LAG) {
            return 0;
        }
        double[] x = new double[n];
        for (int i = 0; i < previous.length; i++) {
            x[i] = previous[i];
        }
        for (int i = 0; i < frame.length; i++) {
            x[previous.length + i] = frame[i];
        }
        double bestCorr = 0;
        int bestLag = 0;
        for (int lag = MIN_LAG; lag <= MAX_LAG; lag++) {
            double xy = 0;
            double xx = 0;
            double yy = 0;
            for (int i = 0; i + lag < n; i++) {
                xy += x[i] * x[i + lag];
                xx += x[i] * x[i];
                yy += x[i + lag] * x[i + lag];
            }
            double corr = xx == 0 || yy == 0 ? 0 : xy / Math.sqrt(xx * yy);
            if (corr > bestCorr) {
                bestCorr = corr;
                bestLag = lag;
            }
        }
        return bestCorr >= VOICED ? (double) RATE / bestLag : 0;
    }
}
