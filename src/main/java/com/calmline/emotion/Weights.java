package com.calmline.emotion;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The numbers that turn cues into a score (a data file, anger-weights.properties). */
record Weights(double bias, int intensifierScope, int negationScope, double negatedAngerFactor,
               double negatedPositiveFactor, double repeatDecay, double voiceLoudnessPerDb,
               double voicePitchPerSemitone, double voiceSpreadPerSemitone, double voiceRatePer10Percent,
               double voiceCap, double annoyed, double angry, double smoothing, double trendMargin) {

    static Weights read(InputStream in) throws IOException {
        Properties p = new Properties();
        p.load(in);
        return new Weights(d(p, "bias"), (int) d(p, "intensifierScope"), (int) d(p, "negationScope"),
                d(p, "negatedAngerFactor"), d(p, "negatedPositiveFactor"), d(p, "repeatDecay"),
                d(p, "voiceLoudnessPerDb"), d(p, "voicePitchPerSemitone"), d(p, "voiceSpreadPerSemitone"),
                d(p, "voiceRatePer10Percent"), d(p, "voiceCap"), d(p, "annoyed"), d(p, "angry"),
                d(p, "smoothing"), d(p, "trendMargin"));
    }

    private static double d(Properties p, String key) throws IOException {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IOException("anger-weights.properties has no " + key);
        }
        return Double.parseDouble(v.trim());
    }
}
