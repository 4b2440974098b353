package com.calmline.review;

import com.calmline.json.Json;
import com.calmline.store.CallStore;
import com.calmline.store.IndexStore;
import com.calmline.web.Auth;
import java.util.List;

/**
 * Who looked at which transcript, and when: every page view, export and API read of a call, and every
 * erasure, kept in {@code audit:views} (and per call in {@code call:{sid}:views}) for admins, as long as
 * transcripts are kept.
 */
final class Views {
    static final String ALL = "audit:views";
    private static final java.time.Duration REPEAT = java.time.Duration.ofMinutes(1);

    private final CallStore calls;
    private final IndexStore store;

    Views(CallStore calls, IndexStore store) {
        this.calls = calls;
        this.store = store;
    }

    /**
     * Records a look at a call. Repeated looks of one kind by one person within a minute (a page left open
     * and reloaded, a tool polling the events) are one entry, so the audit stays readable.
     */
    void viewed(Auth.Principal who, String callSid, String what) {
        String seen = "seen:" + who.name() + ":" + what;
        if (!what.equals("erase") && !calls.markOnce(callSid, seen, "1", REPEAT)) {
            return;
        }
        SupervisorViews.View view = new SupervisorViews.View(who.name(), who.role().label(), callSid, what, System.currentTimeMillis());
        String json = Json.write(view);
        store.log(ALL, view.atMs(), json);
        if (!what.equals("erase")) {
            store.log("call:" + callSid + ":views", view.atMs(), json);
        }
    }

    List<SupervisorViews.View> newest(int max) {
        return read(store.newest(ALL, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 0, max));
    }

    /** The audit's entries of reads of a call, as stored: what erasing it removes from the audit. */
    List<String> entriesOf(String callSid) {
        return store.newest("call:" + callSid + ":views", Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 0,
                Integer.MAX_VALUE);
    }

    List<SupervisorViews.View> of(String callSid, int max) {
        return read(store.newest("call:" + callSid + ":views", Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 0,
                max));
    }

    private static List<SupervisorViews.View> read(List<String> entries) {
        return entries.stream().map(e -> Json.stored(e, SupervisorViews.View.class)).toList();
    }
}
