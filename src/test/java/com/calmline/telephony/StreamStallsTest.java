package com.calmline.telephony;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The stall watcher on a clock the test moves: quiet is no frame for the stall period, and not ahead of time. */
class StreamStallsTest {
    private static final Duration STALL = Duration.ofSeconds(3);
    private long now = 1_000_000_000L;
    private final StreamStalls<String> stalls = new StreamStalls<>(STALL, () -> now);

    private void after(long ms) {
        now += TimeUnit.MILLISECONDS.toNanos(ms);
    }

    /** Frames every 20 ms, as Twilio sends them, for {@code ms}: the stream's position follows the clock. */
    private void frames(String stream, long fromMs, long ms) {
        for (long t = fromMs; t < fromMs + ms; t += 20) {
            after(20);
            stalls.heard(stream, t + 20);
        }
    }

    @Test
    void aStreamQuietForTheStallPeriodIsReportedOnceThenForgotten() {
        stalls.started("CA1");
        frames("CA1", 0, 1000);
        after(2999);
        assertEquals(List.of(), stalls.stalled(), "a millisecond short of the stall period");
        after(1);
        assertEquals(List.of("CA1"), stalls.stalled());
        after(5000);
        assertEquals(List.of(), stalls.stalled(), "reported once: the caller is put through once");
    }

    @Test
    void framesKeepAStreamAliveAndOnlyTheQuietOneIsReported() {
        stalls.started("talking");
        stalls.started("gone");
        frames("talking", 0, 2000);
        frames("talking", 2000, 2000);
        assertEquals(List.of("gone"), stalls.stalled(), "the one that never sent a frame after its start");
        frames("talking", 4000, 10_000);
        assertEquals(List.of(), stalls.stalled());
    }

    @Test
    void aStreamThatStoppedIsNeverReported() {
        stalls.started("CA1");
        frames("CA1", 0, 500);
        stalls.forget("CA1");
        after(60_000);
        assertEquals(List.of(), stalls.stalled());
    }

    @Test
    void messagesWithoutAudioCountAsHeard() {
        stalls.started("CA1");
        after(2500);
        stalls.heard("CA1", -1);
        after(2500);
        assertEquals(List.of(), stalls.stalled(), "a mark 2.5 s ago");
    }

    @Test
    void audioSentAheadOfRealTimeCoversTheWaitUntilTheClockCatchesUp() {
        stalls.started("fast");
        // Ten seconds of audio sent in one second, as a client playing faster than real time sends it.
        for (long t = 0; t < 10_000; t += 20) {
            after(2);
            stalls.heard("fast", t + 20);
        }
        after(8000);
        assertEquals(List.of(), stalls.stalled(), "9 s since the start, 10 s of audio: nothing owed yet");
        after(3999);
        assertEquals(List.of(), stalls.stalled(), "12.999 s since the start: 2.999 s behind");
        after(1);
        assertEquals(List.of("fast"), stalls.stalled(), "3 s behind real time and 12 s without a frame");
    }

    @Test
    void aStallPeriodMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new StreamStalls<String>(Duration.ZERO, () -> now));
    }
}
