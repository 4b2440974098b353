package com.calmline.speech;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MuLawTest {
    /** G.711 μ-law: the largest magnitude before the encoder clips, and the largest decodable magnitude. */
    private static final int CLIP = 32635;
    private static final int MAX_DECODED = 32124;

    @Test
    void knownG711Values() {
        // 0xFF is "positive zero", 0x7F "negative zero"; 0x00 and 0x80 are the extremes.
        assertEquals(0, MuLaw.decode((byte) 0xFF));
        assertEquals(0, MuLaw.decode((byte) 0x7F));
        assertEquals(-32124, MuLaw.decode((byte) 0x00));
        assertEquals(32124, MuLaw.decode((byte) 0x80));
        // First step of the finest segment: mantissa 1, exponent 0 -> ((1 << 3) + 0x84) - 0x84 = 8.
        assertEquals(8, MuLaw.decode((byte) 0xFE));
        assertEquals(-8, MuLaw.decode((byte) 0x7E));
        // Start of segment 1 (exponent 1, mantissa 0): (0x84 << 1) - 0x84 = 132.
        assertEquals(132, MuLaw.decode((byte) 0xEF));

        assertEquals((byte) 0xFF, MuLaw.encode((short) 0));
        assertEquals((byte) 0x80, MuLaw.encode(Short.MAX_VALUE));
        assertEquals((byte) 0x00, MuLaw.encode(Short.MIN_VALUE));
        assertEquals((byte) 0x80, MuLaw.encode((short) CLIP));
        assertEquals((byte) 0x00, MuLaw.encode((short) -CLIP));
    }

    @Test
    void decodeTableMatchesTheG711Formula() {
        for (int b = 0; b < 256; b++) {
            int u = ~b & 0xFF;
            int exponent = (u >> 4) & 7;
            int mantissa = u & 0x0F;
            // Decoded magnitude is the midpoint of the segment step: (2*mantissa + 33) * 2^(exponent+2) - 132.
            int magnitude = (2 * mantissa + 33) * (1 << (exponent + 2)) - 132;
            int expected = (u & 0x80) != 0 ? -magnitude : magnitude;
            assertEquals(expected, MuLaw.decode((byte) b), "byte 0x" + Integer.toHexString(b));
        }
    }

    @Test
    void roundTripErrorIsBoundedByHalfTheSegmentStep() {
        for (int x = Short.MIN_VALUE; x <= Short.MAX_VALUE; x++) {
            byte code = MuLaw.encode((short) x);
            int decoded = MuLaw.decode(code);
            int magnitude = Math.min(Math.abs(x), CLIP);
            int clipError = Math.abs(x) - magnitude;
            // The biased magnitude |x| + 132 lies in [2^(e+7), 2^(e+8)) for segment e, whose step is 2^(e+3);
            // decoding returns the middle of the step, so the quantisation error is at most 2^(e+2).
            int biased = magnitude + 0x84;
            int segment = 31 - Integer.numberOfLeadingZeros(biased) - 7;
            int halfStep = 1 << (segment + 2);
            int error = Math.abs(x - decoded);
            assertTrue(error <= halfStep + clipError,
                    "x=" + x + " decoded=" + decoded + " error=" + error + " > " + (halfStep + clipError));
            // The same bound relative to magnitude: 2^(e+2) = 2^(e+7)/32 <= (|x|+132)/32.
            assertTrue(error * 32 <= Math.abs(x) + 132, "x=" + x + " error=" + error);
            // The segment recorded in the code byte is the one the value belongs to.
            assertEquals(segment, ((~code & 0xFF) >> 4) & 7, "segment of x=" + x);
        }
    }

    @Test
    void roundTripNeverFlipsSignAndIsMonotonic() {
        int previous = Integer.MIN_VALUE;
        for (int x = Short.MIN_VALUE; x <= Short.MAX_VALUE; x++) {
            int decoded = MuLaw.decode(MuLaw.encode((short) x));
            assertTrue(decoded >= previous, "not monotonic at x=" + x);
            assertTrue(Integer.signum(decoded) == Integer.signum(x) || decoded == 0, "sign flipped at x=" + x);
            previous = decoded;
        }
    }

    @Test
    void reEncodingADecodedValueIsIdempotent() {
        for (int b = 0; b < 256; b++) {
            short decoded = MuLaw.decode((byte) b);
            byte reencoded = MuLaw.encode(decoded);
            assertEquals(decoded, MuLaw.decode(reencoded), "byte 0x" + Integer.toHexString(b));
            // Every code is its own re-encoding except negative zero, which becomes positive zero.
            byte expected = b == 0x7F ? (byte) 0xFF : (byte) b;
            assertEquals(expected, reencoded, "byte 0x" + Integer.toHexString(b));
        }
    }

    @Test
    void signSymmetry() {
        for (int b = 0; b < 256; b++) {
            assertEquals(-MuLaw.decode((byte) b), MuLaw.decode((byte) (b ^ 0x80)), "byte 0x" + Integer.toHexString(b));
        }
        for (int x = 1; x <= Short.MAX_VALUE; x++) {
            byte positive = MuLaw.encode((short) x);
            byte negative = MuLaw.encode((short) -x);
            assertEquals((byte) (positive ^ 0x80), negative, "x=" + x);
            assertEquals(-MuLaw.decode(positive), MuLaw.decode(negative), "x=" + x);
        }
        // -32768 has no positive counterpart; it clips like -32767.
        assertEquals(MuLaw.encode((short) -32767), MuLaw.encode(Short.MIN_VALUE));
    }

    @Test
    void arrayFormsMatchTheScalarForms() {
        short[] pcm = {0, 1, -1, 100, -100, 1000, -1000, 32767, -32768, 12345, -4321};
        byte[] encoded = MuLaw.encode(pcm);
        assertEquals(pcm.length, encoded.length);
        for (int i = 0; i < pcm.length; i++) {
            assertEquals(MuLaw.encode(pcm[i]), encoded[i], "index " + i);
        }
        byte[] all = new byte[256];
        short[] expected = new short[256];
        for (int b = 0; b < 256; b++) {
            all[b] = (byte) b;
            expected[b] = MuLaw.decode((byte) b);
        }
        assertArrayEquals(expected, MuLaw.decode(all));
        assertEquals(0, MuLaw.decode(new byte[0]).length);
        assertEquals(0, MuLaw.encode(new short[0]).length);
        assertEquals(MAX_DECODED, MuLaw.decode(MuLaw.encode(new short[] {Short.MAX_VALUE}))[0]);
    }
}
