package com.calmline.speech;

import java.util.ArrayList;
import java.util.List;

/**
 * Maps positions in the audio fed to Vosk back to positions in the call's stream. Silences are not fed,
 * so Vosk's own clock runs slow; every resumption after a skip is a breakpoint.
 */
final class Timeline {
    private record Breakpoint(long fedSamples, long streamMs) {
    }

    private static final int SAMPLES_PER_MS = 16;
    private final List<Breakpoint> breakpoints = new ArrayList<>();
    private long fedSamples;
    private long expectedNextMs = Long.MIN_VALUE;

    /** Records that {@code samples} 16 kHz samples starting at stream time {@code streamMs} were fed. */
    void fed(long streamMs, int samples) {
        if (streamMs != expectedNextMs) {
            breakpoints.add(new Breakpoint(fedSamples, streamMs));
        }
        fedSamples += samples;
        expectedNextMs = streamMs + samples / SAMPLES_PER_MS;
    }

    long streamMs(double fedSeconds) {
        long sample = Math.round(fedSeconds * 16000);
        Breakpoint at = breakpoints.isEmpty() ? new Breakpoint(0, 0) : breakpoints.get(0);
        for (Breakpoint b : breakpoints) {
            if (b.fedSamples() > sample) {
                break;
            }
            at = b;
        }
        return at.streamMs() + (sample - at.fedSamples()) / SAMPLES_PER_MS;
    }
}
