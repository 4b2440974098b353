package com.calmline.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.store.Store;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The supervisors' index, counters and alerts on a real Redis (the embedded server the service starts):
 * what a search finds, what each filter leaves out, erasure, retention, the dashboard's figures.
 */
class CallIndexIT {
    private static final ZoneId ZONE = ZoneId.of("America/New_York");
    private static Store store;
    private static String prefix;
    private Supervision.Settings settings;
    private LiveCalls live;
    private CallIndex index;

    @BeforeAll
    static void open() throws Exception {
        store = Store.open(Optional.empty(), Files.createTempDirectory("calmline-index"), "index-it:",
                Duration.ofDays(90));
    }

    @AfterAll
    static void close() throws Exception {
        store.close();
    }

    @BeforeEach
    void fresh() {
        prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
        settings = new Supervision.Settings(0.8, 2, ZONE, Duration.ofDays(90));
        live = new LiveCalls(store.indexes(), settings);
        index = new CallIndex(store.indexes());
    }

    /** A finished call that started {@code agoMs} before now, as the live path records it. */
    private String call(long agoMs, String topic, String queue, double peak, String... said) {
        String sid = "CA" + UUID.randomUUID().toString().replace("-", "");
        long started = System.currentTimeMillis() - agoMs;
        store.calls().createCall(sid, started, Map.of("callSid", sid, "from", "+15555550100",
                "started", Instant.ofEpochMilli(started).toString()));
        long at = 0;
        for (String text : said) {
            at += 3000;
            double anger = text.contains("furious") ? peak : 0.1;
            live.heard(sid, at + (System.currentTimeMillis() - started), "caller", text, anger,
                    anger >= 0.5 ? "angry" : "calm");
        }
        if (!queue.isEmpty()) {
            live.routed(sid, new CallEvent.Route(at, queue, topic, 0.9, "test"));
        }
        store.calls().updateCall(sid, Map.of("angerPeak", Double.toString(peak), "durationMs", Long.toString(at)));
        live.ended(sid, new CallEvent.Summary(at, peak, "calm", "steady", peak >= 0.5 ? 7.5 : 0, 0, 0, 0, 0, "", "",
                ""));
        return sid;
    }

    private List<String> search(String text, String minAnger, String topic) {
        return index.search(new CallIndex.Query(0, Long.MAX_VALUE / 2, minAnger, topic, "", "", "", text, 0, 1000))
                .callSids();
    }

    @Test
    void aWordFindsTheCallsThatSaidItAndEveryWordMustMatch() {
        String word = prefix + "refund";
        String both = call(1000, "refund", "billing", 0.2, "i want my " + word, "the parcel " + prefix + "late");
        String one = call(2000, "refund", "billing", 0.2, "where is my " + word);
        String none = call(3000, "delivery", "orders", 0.2, "my parcel is " + prefix + "late");
        assertEquals(List.of(both, one), search(word.toUpperCase(), "", ""), "newest first, any case");
        assertEquals(List.of(both), search(word + " " + prefix + "late", "", ""));
        assertFalse(search(word, "", "").contains(none));
    }

    @Test
    void angerAtLeastIsExactAtTheFilterSteps() {
        String word = prefix + "bill";
        String below = call(1000, "billing", "billing", 0.749, "furious about the " + word);
        String at = call(2000, "billing", "billing", 0.75, "furious about the " + word);
        String above = call(3000, "billing", "billing", 0.95, "furious about the " + word);
        assertEquals(List.of(at, above), search(word, "0.75", ""));
        assertEquals(List.of(below, at, above), search(word, "0.5", ""));
    }

    @Test
    void facetsFilterAndCombineWithWords() {
        String word = prefix + "router";
        String tech = call(1000, "technical", "tech-support", 0.2, "my " + word + " is down");
        String billing = call(2000, "billing", "billing", 0.2, "charged for a " + word);
        assertEquals(List.of(tech), search(word, "", "technical"));
        Map<String, String> c = store.calls().call(billing);
        new Transcripts(store.calls(), store.indexes(), settings).tagCall(billing, c, "agent", prefix + "ann");
        new Transcripts(store.calls(), store.indexes(), settings).tagCall(billing, c, "outcome", "resolved");
        CallIndex.Page byAgent = index.search(new CallIndex.Query(0, Long.MAX_VALUE / 2, "", "", "", prefix + "ann",
                "resolved", "", 0, 10));
        assertEquals(List.of(billing), byAgent.callSids());
    }

    @Test
    void pagesCountTheWholeMatchAndADateRangeCutsByStart() {
        String word = prefix + "page";
        for (int i = 0; i < 7; i++) {
            call(60_000L * (i + 1), "other", "support", 0.1, "word " + word);
        }
        CallIndex.Page first = index.search(new CallIndex.Query(0, Long.MAX_VALUE / 2, "", "", "", "", "", word, 0, 3));
        CallIndex.Page last = index.search(new CallIndex.Query(0, Long.MAX_VALUE / 2, "", "", "", "", "", word, 6, 3));
        assertEquals(7, first.total());
        assertEquals(3, first.callSids().size());
        assertEquals(1, last.callSids().size());
        long now = System.currentTimeMillis();
        CallIndex.Page recent = index.search(new CallIndex.Query(now - 150_000, now, "", "", "", "", "", word, 0, 10));
        assertEquals(2, recent.total(), "only the calls that started in the last 2.5 minutes");
    }

    @Test
    void anErasedCallLeavesTheStoreAndEveryIndex() {
        String word = prefix + "erase";
        String sid = call(1000, "billing", "billing", 0.9, "furious about " + word);
        store.calls().appendUtterance(sid, "{\"speaker\":\"caller\",\"text\":\"furious about " + word + "\"}", "{}");
        assertEquals(List.of(sid), search(word, "0.75", "billing"));
        store.calls().erase(sid, CallIndex.keysOf(store.calls().call(sid), List.of("furious about " + word),
                java.time.LocalDate.now(ZONE)), java.util.Map.of());
        assertTrue(store.calls().call(sid).isEmpty());
        assertTrue(store.calls().utterances(sid).isEmpty());
        assertTrue(search(word, "", "").isEmpty());
        assertTrue(search(word, "0.75", "billing").isEmpty());
        assertEquals(0, store.indexes().count(CallIndex.word(word), Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY));
        String venting = "stats:" + java.time.LocalDate.now(ZONE) + ":venting";
        assertTrue(store.indexes().newest(venting, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 0, 100_000).stream()
                .noneMatch(sid::equals), "its venting seconds left the dashboard's ranking");

        store.calls().updateCall(sid, java.util.Map.of("outcome", "resolved"));
        store.calls().appendUtterance(sid, "{\"speaker\":\"agent\",\"text\":\"late " + word + "\"}", "{}");
        store.calls().saveCallPart(sid, "screenpop", "{}");
        store.indexes().indexCall(sid, System.currentTimeMillis() - 1000, List.of(CallIndex.word(word)), List.of());
        assertTrue(store.calls().call(sid).isEmpty(), "a write that comes after the erasure does not bring the call back");
        assertTrue(store.calls().utterances(sid).isEmpty() && store.calls().events(sid).isEmpty());
        assertTrue(store.calls().callPart(sid, "screenpop").isEmpty());
        assertEquals(0, store.indexes().count(CallIndex.word(word), Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY));
    }

    @Test
    void retentionDropsIndexEntriesOlderThanItsPeriod() {
        String word = prefix + "old";
        String old = call(Duration.ofDays(91).toMillis(), "other", "support", 0.1, "an " + word + " call");
        String recent = call(1000, "other", "support", 0.1, "a newer " + word + " call");
        try (Retention retention = new Retention(store.indexes(), settings.retention())) {
            retention.prune();
        }
        assertEquals(List.of(recent), search(word, "", ""));
        assertEquals(1, store.indexes().count(CallIndex.word(word), Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY),
                "the old entry left the index itself, not only the results");
        assertEquals(0, store.indexes().count("calls:by-start", 0, System.currentTimeMillis() - Duration.ofDays(90).toMillis()));
        assertFalse(search(word, "", "").contains(old));
    }

    @Test
    void aHotCallAlertsOnceWhenItCrossesAndAgainIfStillAngryAfterAcknowledgements() {
        long since = System.currentTimeMillis();
        String sid = "CA" + UUID.randomUUID().toString().replace("-", "");
        live.heard(sid, 1000, "caller", "this is annoying", 0.6, "angry");
        assertEquals(0, alertsFor(sid, since).size(), "0.6 is below the alert level 0.8");
        live.heard(sid, 4000, "caller", "i am furious", 0.85, "angry");
        live.heard(sid, 8000, "caller", "absolutely furious", 0.9, "angry");
        assertEquals(1, alertsFor(sid, since).size(), "once per crossing");
        live.decided(sid, decision("acknowledge"));
        live.decided(sid, decision("acknowledge"));
        live.heard(sid, 12000, "caller", "still not good enough", 0.6, "angry");
        List<LiveCalls.Alert> alerts = alertsFor(sid, since);
        assertEquals(2, alerts.size());
        assertTrue(alerts.get(0).reason().contains("still angry after 2 acknowledgements"), alerts.get(0).reason());
        live.heard(sid, 16000, "agent", "i am furious too", 0.95, "angry");
        assertEquals(2, alertsFor(sid, since).size(), "an agent's turn never raises a caller alert");
    }

    @Test
    void theDashboardCountsArrivalsCalmingAndMedianVenting() {
        String today = Dashboard.day(System.currentTimeMillis(), ZONE);
        Map<String, String> before = store.indexes().counters("stats:" + today);
        String angry = "CA" + UUID.randomUUID().toString().replace("-", "");
        live.heard(angry, 1000, "caller", "furious", 0.9, "angry");
        live.heard(angry, 5000, "caller", "thanks", 0.2, "calm");
        live.routed(angry, new CallEvent.Route(6000, "billing", "billing", 0.9, "t"));
        live.ended(angry, new CallEvent.Summary(9000, 0.9, "calm", "calming", 4, 0, 0, 1, 0, "", "", ""));
        Map<String, String> after = store.indexes().counters("stats:" + today);
        assertEquals(1, delta(before, after, "calls"));
        assertEquals(1, delta(before, after, "arrivedAngry"));
        assertEquals(1, delta(before, after, "calmedBeforeAgent"));
        assertEquals(1, delta(before, after, "queue:billing"));
        SupervisorViews.Figures figures = new Dashboard(store.indexes(), ZONE).figures();
        assertTrue(figures.today().calls() >= 1);
        assertFalse(Double.isNaN(figures.today().medianVentingSeconds()));
    }

    private static long delta(Map<String, String> before, Map<String, String> after, String field) {
        return Long.parseLong(after.getOrDefault(field, "0")) - Long.parseLong(before.getOrDefault(field, "0"));
    }

    private static CallEvent.Decision decision(String action) {
        return new CallEvent.Decision(0, action, "VENTING", "test", 1500, "I hear you.", "", "demo", "", 0.9, 0, "", "");
    }

    private static List<LiveCalls.Alert> alertsFor(String sid, long since) {
        return store.indexes().newest(LiveCalls.ALERTS, since, Double.POSITIVE_INFINITY, 0, 1000).stream().map(LiveCalls::read)
                .filter(a -> a.callSid().equals(sid)).toList();
    }
}
