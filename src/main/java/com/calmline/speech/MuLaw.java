package com.calmline.speech;

/** G.711 μ-law, the encoding Twilio Media Streams use on the wire. */
final class MuLaw {
    private static final short[] DECODE = new short[256];
    private static final int BIAS = 0x84;
    private static final int CLIP = 32635;

    static {
        for (int i = 0; i < 256; i++) {
            int u = ~i & 0xFF;
            int sign = u & 0x80;
            int exponent = (u >> 4) & 0x07;
            int mantissa = u & 0x0F;
            int magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
            DECODE[i] = (short) (sign != 0 ? -magnitude : magnitude);
        }
    }

    private MuLaw() {
    }

    static short decode(byte b) {
        return DECODE[b & 0xFF];
    }

    static short[] decode(byte[] mulaw) {
        short[] pcm = new short[mulaw.length];
        for (int i = 0; i < mulaw.length; i++) {
            pcm[i] = DECODE[mulaw[i] & 0xFF];
        }
        return pcm;
    }

    static byte encode(short sample) {
        int pcm = sample;
        int sign = (pcm >> 8) & 0x80;
        if (sign != 0) {
            pcm = -pcm;
        }
        if (pcm > CLIP) {
            pcm = CLIP;
        }
        pcm += BIAS;
        int exponent = 7;
        for (int mask = 0x4000; (pcm & mask) == 0 && exponent > 0; mask >>= 1) {
            exponent--;
        }
        int mantissa = (pcm >> (exponent + 3)) & 0x0F;
        return (byte) ~(sign | (exponent << 4) | mantissa);
    }

    static byte[] encode(short[] pcm) {
        byte[] out = new byte[pcm.length];
        for (int i = 0; i < pcm.length; i++) {
            out[i] = encode(pcm[i]);
        }
        return out;
    }
}
