package com.calmline.speech;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class HalfBandFilterTest {
    private static final double AMPLITUDE = 10000;
    /** Passband tolerance: within 0.5 dB of the input amplitude. */
    private static final double PASSBAND_DB = 0.5;
    /** Images and aliases must be at least 50 dB below the input. */
    private static final double STOPBAND_DB = 50;
    /** A linear-phase FIR of TAPS taps delays by (TAPS - 1) / 2 samples at the rate it runs at. */
    private static final int DELAY = (HalfBandFilter.TAPS - 1) / 2;

    private static short[] sine(double hz, int rate, int samples) {
        short[] s = new short[samples];
        for (int n = 0; n < samples; n++) {
            s[n] = (short) Math.round(AMPLITUDE * Math.sin(2 * Math.PI * hz * n / rate));
        }
        return s;
    }

    /**
     * Amplitude of the {@code hz} component over {@code length} samples from {@code from}: a single DFT bin,
     * 2|X|/N. The windows used hold a whole number of cycles of every tone involved, so there is no leakage.
     */
    private static double amplitude(short[] s, int from, int length, double hz, int rate) {
        double re = 0;
        double im = 0;
        for (int n = 0; n < length; n++) {
            double phase = 2 * Math.PI * hz * n / rate;
            re += s[from + n] * Math.cos(phase);
            im += s[from + n] * Math.sin(phase);
        }
        return 2 * Math.hypot(re, im) / length;
    }

    private static double db(double ratio) {
        return 20 * Math.log10(ratio);
    }

    private static double maxAttenuated() {
        return AMPLITUDE * Math.pow(10, -STOPBAND_DB / 20);
    }

    @Test
    void upsamplerKeepsAOneKilohertzToneAndSuppressesItsImage() {
        short[] in = sine(1000, 8000, 8000);
        short[] out = new HalfBandFilter.Upsampler().process(in);
        assertEquals(16000, out.length);

        // Steady state: well past the 63-tap startup; 1600 samples = 100 cycles of 1 kHz, 700 of 7 kHz.
        int from = 4 * HalfBandFilter.TAPS;
        int length = 1600;
        double wanted = amplitude(out, from, length, 1000, 16000);
        double image = amplitude(out, from, length, 7000, 16000);
        assertTrue(Math.abs(db(wanted / AMPLITUDE)) <= PASSBAND_DB, "1 kHz at " + db(wanted / AMPLITUDE) + " dB");
        assertTrue(image <= maxAttenuated(), "7 kHz image only " + db(image / AMPLITUDE) + " dB down");
    }

    @Test
    void upsamplerInterpolatesTheToneWithTheFiltersLinearPhaseDelay() {
        short[] in = sine(1000, 8000, 800);
        short[] out = new HalfBandFilter.Upsampler().process(in);
        // Output sample n corresponds to 16 kHz time n - DELAY; a one-sample error would be ~0.39 A off.
        double tolerance = AMPLITUDE * (Math.pow(10, PASSBAND_DB / 20) - 1);
        for (int n = 2 * HalfBandFilter.TAPS; n < out.length; n++) {
            double expected = AMPLITUDE * Math.sin(2 * Math.PI * 1000 * (n - DELAY) / 16000.0);
            assertEquals(expected, out[n], tolerance, "sample " + n);
        }
    }

    @Test
    void upsampledImpulseIsSymmetricAndCarriesTwiceTheInputSum() {
        short[] in = new short[64];
        in[0] = 10000;
        short[] out = new HalfBandFilter.Upsampler().process(in);
        int peak = 0;
        long sum = 0;
        for (int n = 0; n < out.length; n++) {
            if (out[n] > out[peak]) {
                peak = n;
            }
            sum += out[n];
        }
        assertEquals(DELAY, peak);
        for (int k = 1; k <= DELAY; k++) {
            assertEquals(out[DELAY - k], out[DELAY + k], 1, "taps " + (DELAY - k) + " and " + (DELAY + k));
        }
        for (int n = HalfBandFilter.TAPS; n < out.length; n++) {
            assertEquals(0, out[n], "after the impulse response, sample " + n);
        }
        // Zero-stuffing halves the mean; the polyphase branches' gain of 2 restores it: sum of outputs = 2 * 10000,
        // up to one rounding per output sample.
        assertEquals(20000, sum, HalfBandFilter.TAPS);
    }

    @Test
    void streamingInChunksGivesExactlyTheSameOutputAsOneCall() {
        Random random = new Random(42);
        short[] in = new short[8000];
        for (int i = 0; i < in.length; i++) {
            in[i] = (short) (AMPLITUDE * Math.sin(2 * Math.PI * 440 * i / 8000.0) + random.nextGaussian() * 2000);
        }
        short[] whole = new HalfBandFilter.Upsampler().process(in);

        assertArrayEquals(whole, inChunks(in, new int[] {160}));
        assertArrayEquals(whole, inChunks(in, new int[] {1, 0, 7, 31, 32, 33, 160, 999}));
    }

    private static short[] inChunks(short[] in, int[] sizes) {
        HalfBandFilter.Upsampler up = new HalfBandFilter.Upsampler();
        short[] out = new short[in.length * 2];
        int pos = 0;
        for (int c = 0; pos < in.length; c++) {
            int size = Math.min(sizes[c % sizes.length], in.length - pos);
            short[] chunk = new short[size];
            System.arraycopy(in, pos, chunk, 0, size);
            short[] o = up.process(chunk);
            assertEquals(2 * size, o.length);
            System.arraycopy(o, 0, out, 2 * pos, o.length);
            pos += size;
        }
        return out;
    }

    @Test
    void fullScaleInputSaturatesInsteadOfWrapping() {
        for (short level : new short[] {Short.MAX_VALUE, Short.MIN_VALUE}) {
            short[] in = new short[400];
            java.util.Arrays.fill(in, level);
            short[] out = new HalfBandFilter.Upsampler().process(in);
            for (int n = HalfBandFilter.TAPS; n < out.length; n++) {
                assertEquals(level, out[n], Math.abs(level) * Math.pow(10, -STOPBAND_DB / 20),
                        "level " + level + ", sample " + n);
            }
        }
    }

    @Test
    void downsampleKeepsAOneKilohertzToneInPlace() {
        short[] in = sine(1000, 16000, 16000);
        short[] out = HalfBandFilter.downsample(in);
        assertEquals(8000, out.length);

        int from = 2 * HalfBandFilter.TAPS;
        double wanted = amplitude(out, from, 800, 1000, 8000);
        assertTrue(Math.abs(db(wanted / AMPLITUDE)) <= PASSBAND_DB, "1 kHz at " + db(wanted / AMPLITUDE) + " dB");

        // The whole-signal filter is centred: no delay, output m lines up with input 2m.
        double tolerance = AMPLITUDE * (Math.pow(10, PASSBAND_DB / 20) - 1);
        for (int m = HalfBandFilter.TAPS; m < out.length - HalfBandFilter.TAPS; m++) {
            assertEquals(in[2 * m], out[m], tolerance, "output " + m);
        }
    }

    @Test
    void downsampleSuppressesWhatWouldAliasFromSixToTwoKilohertz() {
        short[] in = sine(6000, 16000, 16000);
        short[] out = HalfBandFilter.downsample(in);
        int from = 2 * HalfBandFilter.TAPS;
        int length = 800; // 200 cycles of 2 kHz at 8 kHz
        double alias = amplitude(out, from, length, 2000, 8000);
        assertTrue(alias <= maxAttenuated(), "2 kHz alias only " + db(alias / AMPLITUDE) + " dB down");

        // And nothing else gets through either: the residual's RMS is below a sine of the attenuated amplitude.
        double sum = 0;
        for (int m = from; m < from + length; m++) {
            sum += (double) out[m] * out[m];
        }
        double rms = Math.sqrt(sum / length);
        assertTrue(rms <= maxAttenuated() / Math.sqrt(2), "residual RMS " + rms);
    }

    @Test
    void downsampleHalvesTheLength() {
        assertEquals(0, HalfBandFilter.downsample(new short[0]).length);
        assertEquals(0, HalfBandFilter.downsample(new short[1]).length);
        assertEquals(5, HalfBandFilter.downsample(new short[11]).length);
        assertEquals(160, HalfBandFilter.downsample(new short[320]).length);
    }
}
