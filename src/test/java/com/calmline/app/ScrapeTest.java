package com.calmline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The load benchmark's reading of /metrics: its figures are only as right as this. */
class ScrapeTest {
    private static final String BEFORE = """
            # HELP lag_seconds lag
            # TYPE lag_seconds histogram
            lag_seconds_bucket{le="0.1",track="inbound"} 10.0
            lag_seconds_bucket{le="0.2",track="inbound"} 10.0
            lag_seconds_bucket{le="+Inf",track="inbound"} 10.0
            lag_seconds_count{track="inbound"} 10.0
            frames_total{result="accepted"} 100.0
            frames_total{result="backlog-full"} 0.0
            """;
    private static final String AFTER = """
            lag_seconds_bucket{le="0.1",track="inbound"} 50.0
            lag_seconds_bucket{le="0.1",track="outbound"} 20.0
            lag_seconds_bucket{le="0.2",track="inbound"} 90.0
            lag_seconds_bucket{le="0.2",track="outbound"} 20.0
            lag_seconds_bucket{le="+Inf",track="inbound"} 110.0
            lag_seconds_bucket{le="+Inf",track="outbound"} 20.0
            frames_total{result="accepted"} 1.5E3
            frames_total{result="backlog-full"} 7.0
            """;

    @Test
    void countersAreSummedByLabel() {
        Scrape after = Scrape.parse(AFTER);
        assertEquals(1500, after.sum("frames_total", "result", "accepted"));
        assertEquals(7, after.sum("frames_total", "result", "backlog-full"));
        assertEquals(1507, after.sum("frames_total"));
        assertFalse(after.has("calls_overflow_total"));
    }

    @Test
    void quantilesInterpolateInsideTheBucketOfTheDifference() {
        // Between the reads: 60 observations up to 0.1 s, 40 in (0.1, 0.2], 20 beyond.
        Scrape.Histogram step = Scrape.parse(AFTER).histogram("lag_seconds")
                .minus(Scrape.parse(BEFORE).histogram("lag_seconds"));
        assertEquals(120, step.count());
        assertEquals(0.05, step.quantile(0.25), 1e-9);
        assertEquals(0.1 + 0.1 * (72 - 60) / 40.0, step.quantile(0.6), 1e-9);
        assertFalse(step.beyondBuckets(0.8));
        assertEquals(0.2, step.quantile(0.95), 1e-9);
        assertTrue(step.beyondBuckets(0.95));
    }

    @Test
    void nothingObservedHasNoQuantile() {
        Scrape.Histogram none = Scrape.parse(BEFORE).histogram("lag_seconds")
                .minus(Scrape.parse(BEFORE).histogram("lag_seconds"));
        assertTrue(Double.isNaN(none.quantile(0.5)));
    }
}
