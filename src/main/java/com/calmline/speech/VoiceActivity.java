package com.calmline.speech;

/**
 * Energy voice-activity detection on 20 ms frames with an adaptive noise floor, so a noisy line and a
 * quiet one are judged against themselves. It decides what audio is worth Vosk's CPU: speech plus a
 * short pre-roll and hangover, never long silences.
 * <p>
 * The floor follows quiet frames, and is also lifted to the quietest frame of the last few seconds
 * (minimum statistics): otherwise a line that turns noisy more than the margin above the floor would be
 * judged speech forever, since loud frames never moved it. Speech always dips between words, so a
 * talking caller's window minimum stays near the real background.
 */
final class VoiceActivity {
    static final int FRAME_MS = 20;
    private static final double SPEECH_ABOVE_FLOOR_DB = 12;
    private static final double ABSOLUTE_SPEECH_DB = -50;
    private static final double FLOOR_MIN_DB = -75;
    private static final int ONSET_FRAMES = 2;
    private static final int HANGOVER_FRAMES = 10;
    private static final int MINIMUM_WINDOW_FRAMES = 150;

    /** One-pole high-pass at 200 Hz for 8 kHz audio: y[n] = a (y[n-1] + x[n] - x[n-1]), a = RC / (RC + dt). */
    private static final double HIGH_PASS = 0.864244751836;
    private double floorDb = -60;
    private int loudRun;
    private int quietRun = Integer.MAX_VALUE / 2;
    private boolean speaking;
    private final double[] recentDb = new double[MINIMUM_WINDOW_FRAMES];
    private int recentFrames;

    /** Consumes one frame of 8 kHz PCM; returns whether the caller is speaking after it. */
    boolean accept(short[] frame) {
        double db = voiceBandDb(frame);
        boolean loud = db > Math.max(floorDb + SPEECH_ABOVE_FLOOR_DB, ABSOLUTE_SPEECH_DB);
        if (loud) {
            loudRun++;
            quietRun = 0;
        } else {
            loudRun = 0;
            quietRun++;
            floorDb = Math.max(FLOOR_MIN_DB, db < floorDb ? 0.7 * floorDb + 0.3 * db : 0.98 * floorDb + 0.02 * db);
        }
        floorDb = Math.max(floorDb, recentMinimum(db));
        if (!speaking && loudRun >= ONSET_FRAMES) {
            speaking = true;
        } else if (speaking && quietRun >= HANGOVER_FRAMES) {
            speaking = false;
        }
        return speaking;
    }

    /**
     * The quietest of the last window of frames (of all frames so far, early in the call): a line noisy from
     * its first frame is judged against its own noise at once, rather than taken for a caller talking over the
     * greeting until a whole window has passed.
     */
    private double recentMinimum(double db) {
        recentDb[recentFrames++ % MINIMUM_WINDOW_FRAMES] = db;
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < Math.min(recentFrames, MINIMUM_WINDOW_FRAMES); i++) {
            min = Math.min(min, recentDb[i]);
        }
        return min;
    }

    boolean speaking() {
        return speaking;
    }

    /** Whether the last frame itself was above the speech threshold (no hangover). */
    boolean loud() {
        return loudRun > 0;
    }

    /**
     * The frame's level above about 200 Hz (a one-pole high-pass run over the frame alone, so a loud frame
     * leaves nothing in the next): speech on a phone line lives in 300-3400 Hz, while mains hum (50/60 Hz,
     * 12 dB down after this) on a bad line can be as loud as a quiet caller and would hide them from a
     * full-band level.
     */
    static double voiceBandDb(short[] frame) {
        double sum = 0;
        double in = frame.length == 0 ? 0 : frame[0];
        double out = 0;
        for (short s : frame) {
            out = HIGH_PASS * (out + s - in);
            in = s;
            sum += out * out;
        }
        double rms = Math.sqrt(sum / Math.max(1, frame.length)) / 32768.0;
        return 20 * Math.log10(Math.max(rms, 1e-6));
    }

    static double levelDb(short[] frame) {
        double sum = 0;
        for (short s : frame) {
            sum += (double) s * s;
        }
        double rms = Math.sqrt(sum / Math.max(1, frame.length)) / 32768.0;
        return 20 * Math.log10(Math.max(rms, 1e-6));
    }
}
