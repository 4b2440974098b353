package com.calmline.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.calmline.emotion.AngerMeter;
import com.calmline.review.Supervision;
import com.calmline.review.Transcripts;
import com.calmline.routing.Router;
import com.calmline.store.CallStore;
import com.calmline.store.Store;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The snapshot every live desk page shares, on a real Redis: what it keeps between changes is what Redis
 * holds once a change is announced, for the callers waiting, an agent's own list (which a take on any
 * instance fills without naming the agent's list), and a caller's summary.
 */
class DeskSnapshotIT {
    private static final int LISTED = 100;
    private Store store;
    private CallStore calls;
    private ScreenPops screenPops;

    @BeforeEach
    void open() throws Exception {
        store = Store.open(Optional.empty(), Files.createTempDirectory("calmline-desk"), "desk-it:", Duration.ofDays(1));
        calls = store.calls();
        Transcripts transcripts = new Transcripts(calls, store.indexes(),
                new Supervision.Settings(0.8, 2, ZoneId.of("UTC"), Duration.ofDays(1)));
        screenPops = new ScreenPops(Router.load(Path.of("routing")), AngerMeter.load(), Path.of("prompts"), calls,
                transcripts, false, new SimpleMeterRegistry());
    }

    @AfterEach
    void close() throws Exception {
        store.close();
    }

    @Test
    void aTakeOnAnotherInstanceMovesTheCallerFromTheWaitingListToTheAgentsOwn() {
        String first = sid(1);
        String second = sid(2);
        for (String sid : List.of(first, second)) {
            calls.createCall(sid, System.currentTimeMillis(), Map.of("callSid", sid, "from", "+14155550142"));
            screenPops.putThrough(sid, "pressed-0");
        }
        DeskSnapshot snapshot = new DeskSnapshot(calls, screenPops);
        assertEquals(List.of(second, first), snapshot.listed(ScreenPops.WAITING, LISTED));
        assertEquals(List.of(), snapshot.listed("agent:ann", LISTED), "ann has taken nothing yet");
        assertEquals("", snapshot.call(first).getOrDefault("agent", ""));

        calls.claimCall(first, "agent", "ann");
        calls.unlistCall(ScreenPops.WAITING, first);
        calls.listCall("agent:ann", System.currentTimeMillis(), first);
        assertEquals(List.of(), snapshot.listed("agent:ann", LISTED), "kept until a change is announced");
        snapshot.changed(Set.of(first));
        assertEquals(List.of(second), snapshot.listed(ScreenPops.WAITING, LISTED));
        assertEquals(List.of(first), snapshot.listed("agent:ann", LISTED), "the list of whoever took the caller");
        assertEquals("ann", snapshot.call(first).get("agent"));

        calls.unlistCall("agent:ann", first);
        snapshot.changed(Set.of(first));
        assertEquals(List.of(), snapshot.listed("agent:ann", LISTED), "wrapped up: off ann's list");
    }

    @Test
    void aChangedCallersSummaryIsReadAgainAndTheOthersAreKept() {
        String changed = sid(3);
        String other = sid(4);
        for (String sid : List.of(changed, other)) {
            calls.createCall(sid, System.currentTimeMillis(), Map.of("callSid", sid, "from", "+14155550143"));
            screenPops.putThrough(sid, "overflow");
        }
        DeskSnapshot snapshot = new DeskSnapshot(calls, screenPops);
        assertEquals("every line that listens was busy", snapshot.waiting(changed).orElseThrow().because());
        assertEquals("every line that listens was busy", snapshot.waiting(other).orElseThrow().because());

        calls.updateCall(changed, Map.of("putThrough", "lost"));
        calls.updateCall(other, Map.of("putThrough", "lost"));
        snapshot.changed(Set.of(changed));
        assertEquals("the line lost their audio", snapshot.waiting(changed).orElseThrow().because());
        assertEquals("every line that listens was busy", snapshot.waiting(other).orElseThrow().because(),
                "no change was announced for it, so it is not read again");
    }

    private static String sid(int n) {
        return String.format("CA%032x", System.nanoTime() + n);
    }
}
