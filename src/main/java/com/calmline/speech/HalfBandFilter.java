package com.calmline.speech;

/**
 * Windowed-sinc low-pass at a quarter of the high rate, the anti-imaging filter for 8→16 kHz and the
 * anti-aliasing filter for 16→8 kHz. Vosk's small model is trained on 16 kHz; letting Kaldi upsample
 * internally gave clearly worse word error rates than a proper filter.
 */
final class HalfBandFilter {
    static final int TAPS = 63;
    private static final double CUTOFF = 3800.0 / 16000.0;
    private static final double[] KERNEL = design();

    private HalfBandFilter() {
    }

    private static double[] design() {
        double[] h = new double[TAPS];
        int mid = TAPS / 2;
        double sum = 0;
        for (int n = 0; n < TAPS; n++) {
            int k = n - mid;
            double sinc = k == 0 ? 2 * CUTOFF : Math.sin(2 * Math.PI * CUTOFF * k) / (Math.PI * k);
            double blackman = 0.42 - 0.5 * Math.cos(2 * Math.PI * n / (TAPS - 1))
                    + 0.08 * Math.cos(4 * Math.PI * n / (TAPS - 1));
            h[n] = sinc * blackman;
            sum += h[n];
        }
        for (int n = 0; n < TAPS; n++) {
            h[n] /= sum;
        }
        return h;
    }

    /** Streaming 8 kHz → 16 kHz: zero-stuffing then the low-pass, computed as two polyphase branches. */
    static final class Upsampler {
        private final double[] history = new double[TAPS / 2 + 1];

        short[] process(short[] in) {
            short[] out = new short[in.length * 2];
            int h = history.length;
            double[] x = new double[h + in.length];
            System.arraycopy(history, 0, x, 0, h);
            for (int i = 0; i < in.length; i++) {
                x[h + i] = in[i];
            }
            for (int m = 0; m < in.length; m++) {
                int newest = h + m;
                double even = 0;
                double odd = 0;
                for (int k = 0; k * 2 < TAPS; k++) {
                    double sample = x[newest - k];
                    even += KERNEL[2 * k] * sample;
                    if (2 * k + 1 < TAPS) {
                        odd += KERNEL[2 * k + 1] * sample;
                    }
                }
                out[2 * m] = clip(2 * even);
                out[2 * m + 1] = clip(2 * odd);
            }
            System.arraycopy(x, x.length - h, history, 0, h);
            return out;
        }
    }

    /** Whole-signal 16 kHz → 8 kHz: the low-pass, then every other sample. */
    static short[] downsample(short[] in) {
        short[] out = new short[in.length / 2];
        int mid = TAPS / 2;
        for (int m = 0; m < out.length; m++) {
            int centre = 2 * m;
            double acc = 0;
            for (int n = 0; n < TAPS; n++) {
                int i = centre + n - mid;
                if (i >= 0 && i < in.length) {
                    acc += KERNEL[n] * in[i];
                }
            }
            out[m] = clip(acc);
        }
        return out;
    }

    private static short clip(double v) {
        return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(v)));
    }
}
