package com.calmline.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.review.CallEvent;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The talk-over measure on scripted frames: it must be able to fail. */
class TalkOverMeterTest {
    private final TalkOverMeter meter = new TalkOverMeter("acknowledge");

    /** Frames ending at (from, to] in 20 ms steps. */
    private void frames(long from, long to, boolean caller, boolean line) {
        for (long t = from + 20; t <= to; t += 20) {
            meter.frame(t, caller, false, line);
        }
    }

    private void cutIn(long at, boolean line) {
        meter.frame(at + 20, true, true, line);
    }

    @Test
    void theLineStartingWhileTheCallerSpeaksIsATalkOver() {
        frames(0, 400, true, true);
        frames(400, 3000, false, true);
        CallEvent.Overlap o = meter.close(3000).orElseThrow();
        assertEquals("talk-over", o.kind());
        assertEquals(400, o.overlapMs());
        assertEquals(-1, o.cutInMs(), "nobody cut in: the line started over the caller");
    }

    @Test
    void theLineTalkingOnAfterTheCallerCutInIsATalkOver() {
        frames(0, 1000, false, true);
        cutIn(1000, true);
        frames(1020, 2000, true, true);
        CallEvent.Overlap o = meter.close(2000).orElseThrow();
        assertEquals("talk-over", o.kind());
        assertEquals(1000, o.cutInMs());
        assertEquals(1000, o.stoppedAfterMs());
    }

    @Test
    void theLineStoppingWithinHalfASecondOfACutInIsABargeIn() {
        frames(0, 1000, false, true);
        cutIn(1000, true);
        frames(1020, 1400, true, true);
        frames(1400, 3000, true, false);
        CallEvent.Overlap o = meter.close(3000).orElseThrow();
        assertEquals("barge-in", o.kind());
        assertEquals(400, o.stoppedAfterMs());
        assertEquals(400, o.overlapMs());
    }

    @Test
    void aBriefMurmurUnderTheLineIsNeither() {
        frames(0, 1000, false, true);
        frames(1000, 1100, true, true);
        frames(1100, 3000, false, true);
        assertEquals(Optional.empty(), meter.close(3000));
    }

    @Test
    void justOverTheThresholdCountsAndJustUnderDoesNot() {
        frames(0, TalkOverMeter.MIN_OVERLAP_MS + 20, true, true);
        assertEquals("talk-over", meter.close(5000).orElseThrow().kind());
        TalkOverMeter under = new TalkOverMeter("route");
        for (long t = 20; t <= TalkOverMeter.MIN_OVERLAP_MS; t += 20) {
            under.frame(t, true, false, true);
        }
        assertTrue(under.close(5000).isEmpty());
    }

    @Test
    void aPromptThatWasNeverHeardMeasuresNothing() {
        frames(0, 2000, true, false);
        assertEquals(Optional.empty(), meter.close(2000));
    }
}
