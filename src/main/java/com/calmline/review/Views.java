package com.calmline.review;

import com.calmline.json.Json;
import com.calmline.store.Store;
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

    private final Store store;

    Views(Store store) {
        this.store = store;
    }

    /**
     * Records a look at a call. Repeated looks of one kind by one person within a minute (a page left open
     * and reloaded, a tool polling the events) are one entry, so the audit stays readable.
     */
    void viewed(Auth.Principal who, String callSid, String what) {
        // Kept among the call's own keys, so erasing the call erases it too.
        if (!what.equals("erase") && !store.putIfAbsent("call:" + callSid + ":seen:" + who.name() + ":" + what, "1",
                REPEAT)) {
            return;
        }
        Supervision.View view = new Supervision.View(who.name(), who.role().label(), callSid, what, System.currentTimeMillis());
        String json = Json.write(view);
        store.log(ALL, view.atMs(), json);
        if (!what.equals("erase")) {
            store.log("call:" + callSid + ":views", view.atMs(), json);
        }
    }

    List<Supervision.View> newest(int max) {
        return read(store.newest(ALL, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 0, max));
    }

    /** The audit's entries of reads of a call, as stored: what erasing it removes from the audit. */
    List<String> entriesOf(String callSid) {
        return store.newest("call:" + callSid + ":views", Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 0,
                Integer.MAX_VALUE);
    }

    List<Supervision.View> of(String callSid, int max) {
        return read(store.newest("call:" + callSid + ":views", Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 0,
                max));
    }

    private static List<Supervision.View> read(List<String> entries) {
        return entries.stream().map(e -> Json.stored(e, Supervision.View.class)).toList();
    }
}
