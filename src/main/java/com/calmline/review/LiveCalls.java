package com.calmline.review;

import com.calmline.json.Json;
import com.calmline.store.IndexStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the supervisors' side needs from each live call, worked out from its events as they are recorded
 * (on the call's own worker thread, so a call's state is touched by one thread at a time): search terms
 * and facets as the call goes, a hot-call alert when the caller's anger crosses the line, and the day's
 * counters when it ends.
 */
final class LiveCalls {
    private static final Logger log = LoggerFactory.getLogger(LiveCalls.class);
    static final String ALERTS = "alerts";

    /** A hot call, as every open supervisor page shows it. */
    record Alert(String callSid, long atMs, String reason, double anger, String said) {
    }

    private static final class Call {
        final long startedMs;
        final Set<String> terms = new HashSet<>();
        String firstLevel;
        String lastLevel = "calm";
        String levelAtRoute;
        String queue = "";
        String topic = "";
        int acknowledgements;
        final Set<String> angerSets = new HashSet<>();
        boolean alerted;
        boolean stillAngryAlerted;

        Call(long startedMs) {
            this.startedMs = startedMs;
        }
    }

    private final IndexStore store;
    private final Supervision.Settings settings;
    private final Map<String, Call> calls = new ConcurrentHashMap<>();

    LiveCalls(IndexStore store, Supervision.Settings settings) {
        this.store = store;
        this.settings = settings;
    }

    void heard(String callSid, long atMs, String speaker, String text, double anger, String level) {
        Call call = call(callSid, atMs);
        List<String> fresh = new ArrayList<>();
        for (String term : CallIndex.terms(text)) {
            if (call.terms.add(term)) {
                fresh.add(CallIndex.word(term));
            }
        }
        if (speaker.equals("caller")) {
            if (call.firstLevel == null) {
                call.firstLevel = level;
            }
            call.lastLevel = level;
            CallIndex.angerSets(anger).stream().filter(call.angerSets::add).forEach(fresh::add);
            alert(callSid, call, anger, level, text);
        }
        store.indexCall(callSid, call.startedMs, fresh, List.of());
    }

    void decided(String callSid, CallEvent.Decision decision) {
        if (decision.action().equals("acknowledge")) {
            call(callSid, decision.atMs()).acknowledgements++;
        }
    }

    void routed(String callSid, CallEvent.Route route) {
        Call call = call(callSid, route.atMs());
        call.queue = route.queue();
        call.topic = route.topic();
        call.levelAtRoute = call.lastLevel;
        List<String> facets = new ArrayList<>();
        CallIndex.facet("queue", route.queue()).ifPresent(facets::add);
        CallIndex.facet("topic", route.topic()).ifPresent(facets::add);
        store.indexCall(callSid, call.startedMs, facets, List.of());
    }

    /** The call is over: its line in the day's counters, which the dashboard reads. */
    void ended(String callSid, CallEvent.Summary summary) {
        Call call = Optional.ofNullable(calls.remove(callSid)).orElseGet(() -> new Call(System.currentTimeMillis()
                - summary.atMs()));
        boolean arrivedAngry = "angry".equals(call.firstLevel);
        Map<String, Long> counts = new HashMap<>();
        counts.put("calls", 1L);
        counts.put("arrivedAngry", arrivedAngry ? 1L : 0L);
        counts.put("calmedBeforeAgent", arrivedAngry && call.levelAtRoute != null
                && !call.levelAtRoute.equals("angry") ? 1L : 0L);
        counts.put("reachedAgentAngry", arrivedAngry && call.levelAtRoute != null ? 1L : 0L);
        counts.put("talkOvers", (long) summary.talkOvers());
        if (!call.queue.isEmpty()) {
            counts.put("queue:" + call.queue, 1L);
            counts.put("topic:" + call.topic, 1L);
        }
        String day = Dashboard.day(call.startedMs, settings.zone());
        boolean vented = summary.ventingSeconds() > 0;
        store.count("stats:" + day, counts, vented ? "stats:" + day + ":venting" : null, summary.ventingSeconds(),
                callSid);
    }

    private Call call(String callSid, long atMs) {
        return calls.computeIfAbsent(callSid, s -> new Call(System.currentTimeMillis() - Math.max(0, atMs)));
    }

    /**
     * Once when the caller's anger first crosses the alert level, and once if they are still angry after the
     * line's acknowledgement rounds: the two moments a supervisor may want to listen in.
     */
    private void alert(String callSid, Call call, double anger, String level, String said) {
        if (!call.alerted && anger >= settings.alertAnger()) {
            call.alerted = true;
            raise(new Alert(callSid, System.currentTimeMillis(), String.format(java.util.Locale.ROOT,
                    "anger %.2f crossed the alert level %.2f", anger, settings.alertAnger()), anger, said));
        } else if (!call.stillAngryAlerted && level.equals("angry")
                && call.acknowledgements >= settings.alertAfterAcknowledgements()) {
            call.stillAngryAlerted = true;
            raise(new Alert(callSid, System.currentTimeMillis(), "still angry after " + call.acknowledgements
                    + " acknowledgements", anger, said));
        }
    }

    private void raise(Alert alert) {
        store.log(alert.callSid(), ALERTS, alert.atMs(), Json.write(alert));
        log.info("call {}: hot call alert: {}", alert.callSid(), alert.reason());
    }

    static Alert read(String json) {
        return Json.stored(json, Alert.class);
    }
}
