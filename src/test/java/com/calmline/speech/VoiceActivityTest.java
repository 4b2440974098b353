package com.calmline.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class VoiceActivityTest {
    /** 20 ms at 8 kHz. */
    private static final int FRAME = 8000 * VoiceActivity.FRAME_MS / 1000;
    private static final int FRAMES_PER_SECOND = 1000 / VoiceActivity.FRAME_MS;

    private final Random random = new Random(1234);
    private final VoiceActivity vad = new VoiceActivity();
    private int toneSample;

    /** Uniform noise in [-peak, peak]. */
    private short[] hiss(int peak) {
        short[] f = new short[FRAME];
        for (int i = 0; i < FRAME; i++) {
            f[i] = (short) (random.nextInt(2 * peak + 1) - peak);
        }
        return f;
    }

    /** Gaussian noise at the given RMS level in dBFS. */
    private short[] noise(double dbfs) {
        double sd = 32768 * Math.pow(10, dbfs / 20);
        short[] f = new short[FRAME];
        for (int i = 0; i < FRAME; i++) {
            f[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(random.nextGaussian() * sd)));
        }
        return f;
    }

    /** A 300 Hz tone (continuous phase across frames) at the given RMS level in dBFS. */
    private short[] tone(double dbfs) {
        double peak = 32768 * Math.pow(10, dbfs / 20) * Math.sqrt(2);
        short[] f = new short[FRAME];
        for (int i = 0; i < FRAME; i++, toneSample++) {
            f[i] = (short) Math.round(peak * Math.sin(2 * Math.PI * 300 * toneSample / 8000.0));
        }
        return f;
    }

    private void quietSecond() {
        for (int i = 0; i < FRAMES_PER_SECOND; i++) {
            assertFalse(vad.accept(hiss(30)), "quiet frame " + i);
        }
    }

    @Test
    void levelDbIsRmsRelativeToFullScale() {
        short[] fullSquare = new short[FRAME];
        java.util.Arrays.fill(fullSquare, (short) -32768);
        assertEquals(0.0, VoiceActivity.levelDb(fullSquare), 1e-9);
        short[] half = new short[FRAME];
        java.util.Arrays.fill(half, (short) 16384);
        assertEquals(20 * Math.log10(0.5), VoiceActivity.levelDb(half), 1e-9);
        // A full-scale sine is 3 dB below a full-scale square.
        double sine = VoiceActivity.levelDb(tone(20 * Math.log10(32767 / 32768.0 / Math.sqrt(2))));
        assertEquals(-3.01, sine, 0.05);
        // Digital silence is floored rather than -infinity.
        assertEquals(-120, VoiceActivity.levelDb(new short[FRAME]), 1e-9);
    }

    @Test
    void lowLevelNoiseIsNeverSpeech() {
        for (int i = 0; i < 10 * FRAMES_PER_SECOND; i++) {
            assertFalse(vad.accept(hiss(30)), "frame " + i);
            assertFalse(vad.loud(), "frame " + i);
        }
        assertFalse(vad.speaking());
    }

    @Test
    void digitalSilenceIsNeverSpeech() {
        for (int i = 0; i < 5 * FRAMES_PER_SECOND; i++) {
            assertFalse(vad.accept(new short[FRAME]), "frame " + i);
        }
    }

    @Test
    void loudToneAfterQuietBecomesSpeechOnItsSecondFrame() {
        quietSecond();
        assertFalse(vad.accept(tone(-20)), "one loud frame is not yet speech");
        assertTrue(vad.loud());
        assertTrue(vad.accept(tone(-20)), "two loud frames are speech");
        assertTrue(vad.speaking());
    }

    @Test
    void loudNoiseBurstAfterQuietBecomesSpeechWithinTwoFrames() {
        quietSecond();
        boolean speaking = false;
        for (int i = 0; i < 2; i++) {
            speaking = vad.accept(noise(-25));
        }
        assertTrue(speaking);
    }

    @Test
    void aSingleLoudClickIsNotSpeech() {
        quietSecond();
        assertFalse(vad.accept(tone(-10)));
        for (int i = 0; i < FRAMES_PER_SECOND; i++) {
            assertFalse(vad.accept(hiss(30)), "quiet frame " + i + " after the click");
        }
    }

    @Test
    void speakingEndsAfterTheHangover() {
        quietSecond();
        for (int i = 0; i < 25; i++) {
            vad.accept(tone(-20));
        }
        assertTrue(vad.speaking());
        int quiet = 0;
        while (vad.accept(hiss(30))) {
            quiet++;
            assertFalse(vad.loud());
            assertTrue(quiet < 100, "never stopped speaking");
        }
        // Hangover of 10 frames (200 ms): still speaking after 9 quiet frames, not after the 10th.
        assertEquals(9, quiet);
        assertFalse(vad.speaking());
    }

    @Test
    void aShortPauseInsideTheHangoverDoesNotEndSpeech() {
        quietSecond();
        for (int i = 0; i < 10; i++) {
            vad.accept(tone(-20));
        }
        for (int i = 0; i < 5; i++) {
            assertTrue(vad.accept(hiss(30)), "pause frame " + i);
        }
        // Speech resumes: a single loud frame continues it (no new onset needed) and resets the hangover.
        assertTrue(vad.accept(tone(-20)));
        for (int i = 0; i < 9; i++) {
            assertTrue(vad.accept(hiss(30)), "second pause frame " + i);
        }
        assertFalse(vad.accept(hiss(30)));
    }

    @Test
    void quietSpeechOverASilentLineStillNeedsTheAbsoluteThreshold() {
        // Over digital silence the floor sinks to its minimum, but a -55 dBFS murmur is below -50 dBFS.
        for (int i = 0; i < FRAMES_PER_SECOND; i++) {
            vad.accept(new short[FRAME]);
        }
        for (int i = 0; i < 20; i++) {
            assertFalse(vad.accept(tone(-55)), "frame " + i);
        }
        assertFalse(vad.accept(tone(-45)));
        assertTrue(vad.loud(), "-45 dBFS is above the absolute threshold");
        assertTrue(vad.accept(tone(-45)));
    }

    @Test
    void floorFollowsABackgroundThatRisesGradually() {
        quietSecond();
        // Background creeping up 0.05 dB per frame from -65 to -40 dBFS, then holding for several seconds.
        for (double level = -65; level < -40; level += 0.05) {
            assertFalse(vad.accept(noise(level)), "background at " + level + " dBFS");
        }
        for (int i = 0; i < 5 * FRAMES_PER_SECOND; i++) {
            assertFalse(vad.accept(noise(-40)), "steady background frame " + i);
        }
        // A burst 20 dB above the background is speech.
        vad.accept(noise(-20));
        assertTrue(vad.accept(noise(-20)));
    }

    @Test
    void aLongRantWithShortDipsBetweenWordsStaysSpeechThroughout() {
        quietSecond();
        // Ten seconds of words (240 ms at -20 dBFS) with 60 ms dips to the background between them.
        for (int word = 0; word < 10 * FRAMES_PER_SECOND / 15; word++) {
            for (int i = 0; i < 12; i++) {
                assertTrue(vad.accept(tone(-20)) || word == 0 && i == 0, "word " + word + " frame " + i);
            }
            for (int i = 0; i < 3; i++) {
                assertTrue(vad.accept(hiss(30)), "dip after word " + word);
            }
        }
    }

    @Test
    void floorAdaptsToALouderBackgroundThatStartsAbruptly() {
        quietSecond();
        // The line gets noisy (-40 dBFS) and stays that way for several seconds.
        int speakingFrames = 0;
        for (int i = 0; i < 5 * FRAMES_PER_SECOND; i++) {
            if (vad.accept(noise(-40))) {
                speakingFrames++;
            }
        }
        // After the adaptation the same background is not speech ...
        for (int i = 0; i < FRAMES_PER_SECOND; i++) {
            assertFalse(vad.accept(noise(-40)),
                    "steady -40 dBFS background still judged speech after " + (5 * FRAMES_PER_SECOND + i)
                            + " frames (" + speakingFrames + " of the first 250 were speech)");
        }
        // ... but a burst 20 dB above it is.
        vad.accept(noise(-20));
        assertTrue(vad.accept(noise(-20)));
    }

    @Test
    void floorAdaptsToANoisyLineFromTheStartOfTheCall() {
        for (int i = 0; i < 5 * FRAMES_PER_SECOND; i++) {
            vad.accept(noise(-40));
        }
        for (int i = 0; i < FRAMES_PER_SECOND; i++) {
            assertFalse(vad.accept(noise(-40)), "steady -40 dBFS background judged speech at frame " + i);
        }
        vad.accept(noise(-20));
        assertTrue(vad.accept(noise(-20)));
    }

    @Test
    void aLineNoisyFromItsFirstFrameIsNeverTakenForACallerTalking() {
        for (int i = 0; i < 3 * FRAMES_PER_SECOND; i++) {
            assertFalse(vad.accept(noise(-40)), "a steady -40 dBFS line judged speech at frame " + i);
        }
        vad.accept(noise(-25));
        assertTrue(vad.accept(noise(-25)), "speech 15 dB above that line is heard");
    }

    /** A 50 Hz mains hum (continuous phase) at the given peak level in dBFS. */
    private short[] hum(double peakDbfs, int frame) {
        double peak = 32768 * Math.pow(10, peakDbfs / 20);
        short[] f = new short[FRAME];
        for (int i = 0; i < FRAME; i++) {
            f[i] = (short) Math.round(peak * Math.sin(2 * Math.PI * 50 * (frame * FRAME + i) / 8000.0));
        }
        return f;
    }

    private static short[] mix(short[] a, short[] b) {
        short[] m = new short[a.length];
        for (int i = 0; i < a.length; i++) {
            m[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, a[i] + b[i]));
        }
        return m;
    }

    @Test
    void aCallerIsHeardOverMainsHumAsLoudAsThem() {
        int frame = 0;
        for (; frame < 2 * FRAMES_PER_SECOND; frame++) {
            assertFalse(vad.accept(mix(hum(-30, frame), noise(-60))), "hum alone judged speech at frame " + frame);
        }
        boolean heard = false;
        for (int i = 0; i < 10; i++, frame++) {
            heard |= vad.accept(mix(hum(-30, frame), tone(-30)));
        }
        assertTrue(heard, "a 300 Hz voice at the hum's own level is speech");
    }
}
