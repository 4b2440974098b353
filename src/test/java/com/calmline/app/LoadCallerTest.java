package com.calmline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The load benchmark's callers are what its figures claim: half speech, a pause after every turn. */
class LoadCallerTest {
    private static final long DURATION_MS = 45_000;
    private static final long MIN_PAUSE_MS = 2_000;
    /** The caller waits out the greeting (about 7 s) before saying anything. */
    private static final long GREETING_MS = 7_000;

    @Test
    void aCallerTalksAboutHalfTheTimeAndPausesAfterEveryTurn() throws Exception {
        List<Fixture> fixtures = List.of(Fixture.load("refund-angry"), Fixture.load("billing-calm"),
                Fixture.load("person-angry"));
        for (int seed = 0; seed < 20; seed++) {
            LoadCaller.Layout layout = LoadCaller.layout(fixtures, new Random(seed), GREETING_MS, DURATION_MS,
                    MIN_PAUSE_MS);
            assertEquals(DURATION_MS, layout.durationMs());
            assertEquals(0, layout.audio().length % Simulator.FRAME_BYTES);
            double share = layout.speechMs() / (double) DURATION_MS;
            assertTrue(share > 0.4 && share < 0.6, "speech share " + share + " for seed " + seed);
            assertTrue(layout.turnEndsMs().size() >= 4, "turns " + layout.turnEndsMs());
            assertTrue(layout.turnEndsMs().get(0) > GREETING_MS, "spoke during the greeting: " + layout.turnEndsMs());
            for (long end : layout.turnEndsMs()) {
                assertEquals(0, end % 20);
                // Past the sentence's own trailing audio, nothing but silence for the pause the line needs.
                int from = (int) (end + 100) * 8;
                int to = (int) Math.min(DURATION_MS, end + MIN_PAUSE_MS - 100) * 8;
                for (int i = from; i < to; i++) {
                    assertEquals(LoadCaller.MULAW_SILENCE, layout.audio()[i], "at " + i / 8 + " ms, seed " + seed);
                }
            }
        }
    }
}
