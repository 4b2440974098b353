package com.calmline.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TimelineTest {
    /** One 20 ms frame after upsampling to 16 kHz. */
    private static final int FRAME_SAMPLES = 320;
    private static final int FRAME_MS = 20;

    private static void feed(Timeline timeline, long fromMs, int frames) {
        for (int i = 0; i < frames; i++) {
            timeline.fed(fromMs + (long) i * FRAME_MS, FRAME_SAMPLES);
        }
    }

    @Test
    void contiguousFeedingMapsLinearlyFromTheFirstStreamTime() {
        Timeline timeline = new Timeline();
        feed(timeline, 4000, 100); // 2 s of audio, stream 4000..6000 ms
        assertEquals(4000, timeline.streamMs(0.0));
        assertEquals(4020, timeline.streamMs(0.02));
        assertEquals(4500, timeline.streamMs(0.5));
        assertEquals(5234, timeline.streamMs(1.234));
        assertEquals(5990, timeline.streamMs(1.99));
        for (int ms = 0; ms < 2000; ms += 7) {
            assertEquals(4000 + ms, timeline.streamMs(ms / 1000.0), "fed " + ms + " ms");
        }
    }

    @Test
    void feedingFromStreamStartIsTheIdentity() {
        Timeline timeline = new Timeline();
        feed(timeline, 0, 50);
        assertEquals(0, timeline.streamMs(0));
        assertEquals(777, timeline.streamMs(0.777));
    }

    @Test
    void emptyTimelineMapsFedTimeOneToOne() {
        Timeline timeline = new Timeline();
        assertEquals(0, timeline.streamMs(0));
        assertEquals(1500, timeline.streamMs(1.5));
    }

    @Test
    void afterASkippedSilencePositionsMapToTheNewStreamTime() {
        Timeline timeline = new Timeline();
        feed(timeline, 1000, 50); // fed 0..1 s  = stream 1000..2000 ms
        feed(timeline, 7000, 25); // fed 1..1.5 s = stream 7000..7500 ms (5 s of silence skipped)

        // Before the breakpoint: the old segment.
        assertEquals(1000, timeline.streamMs(0));
        assertEquals(1500, timeline.streamMs(0.5));
        assertEquals(1999, timeline.streamMs(0.999));
        // At and after the breakpoint: the new segment, not 2000 + offset.
        assertEquals(7000, timeline.streamMs(1.0));
        assertEquals(7001, timeline.streamMs(1.001));
        assertEquals(7250, timeline.streamMs(1.25));
        assertEquals(7499, timeline.streamMs(1.499));
    }

    @Test
    void severalSkipsEachStartTheirOwnSegment() {
        Timeline timeline = new Timeline();
        feed(timeline, 0, 10);     // fed    0..200 ms -> stream     0..200
        feed(timeline, 3000, 10);  // fed  200..400 ms -> stream  3000..3200
        feed(timeline, 3500, 5);   // fed  400..500 ms -> stream  3500..3600
        feed(timeline, 60000, 10); // fed  500..700 ms -> stream 60000..60200

        assertEquals(100, timeline.streamMs(0.1));
        assertEquals(3100, timeline.streamMs(0.3));
        assertEquals(3550, timeline.streamMs(0.45));
        assertEquals(60000, timeline.streamMs(0.5));
        assertEquals(60150, timeline.streamMs(0.65));
        // Beyond what was fed, the last segment extrapolates.
        assertEquals(60300, timeline.streamMs(0.8));
    }

    @Test
    void aResumptionAtTheExpectedTimeIsNotABreakpoint() {
        Timeline timeline = new Timeline();
        feed(timeline, 1000, 10);   // stream 1000..1200
        feed(timeline, 1200, 10);   // continues exactly where it left off
        assertEquals(1300, timeline.streamMs(0.3));
        // Chunk sizes other than one frame still advance the expected time by samples / 16.
        Timeline uneven = new Timeline();
        uneven.fed(500, 1600);  // 100 ms
        uneven.fed(600, 4800);  // 300 ms, contiguous
        uneven.fed(900, 160);   // 10 ms, contiguous
        assertEquals(500 + 405, uneven.streamMs(0.405));
    }

    @Test
    void fractionalFedSecondsRoundToTheNearestSample() {
        Timeline timeline = new Timeline();
        feed(timeline, 1000, 10);
        feed(timeline, 2000, 10);
        // 0.2 s minus a fraction of a sample rounds onto the breakpoint sample (3200), so the new segment.
        assertEquals(2000, timeline.streamMs(0.2 - 0.2 / 16000));
        // A whole sample before it is still the old segment.
        assertEquals(1199, timeline.streamMs(0.2 - 1.0 / 16000));
    }
}
