package com.calmline.review;

import com.calmline.privacy.Redactor;
import com.calmline.store.CallStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Calls as rows of the supervisors' list (and the head of a call's page): the number masked, times on the
 * operator's clock.
 */
final class CallRows {
    private final CallStore calls;
    private final Moments moments;

    CallRows(CallStore calls, Moments moments) {
        this.calls = calls;
        this.moments = moments;
    }

    /** The rows of these calls, in order, in one round trip; an erased or expired call has none. */
    List<SupervisorViews.Row> rows(List<String> sids) {
        List<Map<String, String>> records = calls.calls(sids);
        List<SupervisorViews.Row> rows = new ArrayList<>();
        for (int i = 0; i < sids.size(); i++) {
            if (!records.get(i).isEmpty()) {
                rows.add(row(sids.get(i), records.get(i)));
            }
        }
        return rows;
    }

    SupervisorViews.Row row(String sid, Map<String, String> c) {
        double peak = number(c.get("angerPeak"));
        String level = peak >= 0.5 ? "angry" : peak >= 0.25 ? "annoyed" : "calm";
        long ms = (long) number(c.get("durationMs"));
        boolean live = !c.containsKey("durationMs");
        return new SupervisorViews.Row(sid, moments.at(Transcripts.started(c)),
                Redactor.phone(c.getOrDefault("from", "")),
                live ? "live" : String.format(Locale.ROOT, "%d:%02d", ms / 60000, ms / 1000 % 60),
                c.getOrDefault("topic", ""), c.getOrDefault("queue", ""), c.getOrDefault("agent", ""),
                c.containsKey("angerPeak") ? String.format(Locale.ROOT, "%.2f", peak) : "", level,
                c.getOrDefault("talkOvers", ""), c.getOrDefault("outcome", ""), live);
    }

    private static double number(String v) {
        try {
            return v == null ? 0 : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
