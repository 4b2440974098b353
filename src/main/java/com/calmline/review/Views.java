package com.calmline.review;

import com.calmline.json.Json;
import com.calmline.store.CallStore;
import com.calmline.store.IndexStore;
import com.calmline.web.Auth;
import java.util.List;
import java.util.Map;

/**
 * Who looked at which transcript, and when: every page view, export and API read of a call, and every
 * erasure, kept in {@code audit:views} (and per call in {@code call:{sid}:views}) for admins, as long as
 * transcripts are kept.
 */
final class Views {
    static final String ALL = "audit:views";
    private static final java.time.Duration REPEAT = java.time.Duration.ofMinutes(1);

    /** What each kind of look is called on the pages. */
    private static final Map<String, String> WHAT = Map.of("page", "opened its page", "export", "exported it",
            "api", "read it through the API", "desk", "opened it on the desk", "screenpop", "read its screen-pop",
            "erase", "erased it");

    private final CallStore calls;
    private final IndexStore store;
    private final Moments moments;

    Views(CallStore calls, IndexStore store, Moments moments) {
        this.calls = calls;
        this.store = store;
        this.moments = moments;
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
        SupervisorViews.View view = new SupervisorViews.View(who.name(), who.role().label(), callSid, what,
                System.currentTimeMillis(), who.machine());
        String json = Json.write(view);
        store.log(ALL, view.atMs(), json);
        if (!what.equals("erase")) {
            store.log("call:" + callSid + ":views", view.atMs(), json);
        }
    }

    List<SupervisorViews.Seen> newest(int max) {
        return read(store.newest(ALL, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 0, max));
    }

    /** The audit's entries of reads of a call, as stored: what erasing it removes from the audit. */
    List<String> entriesOf(String callSid) {
        return store.newest("call:" + callSid + ":views", Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 0,
                Integer.MAX_VALUE);
    }

    List<SupervisorViews.Seen> of(String callSid, int max) {
        return read(store.newest("call:" + callSid + ":views", Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 0,
                max));
    }

    private List<SupervisorViews.Seen> read(List<String> entries) {
        return entries.stream().map(e -> shown(Json.stored(e, SupervisorViews.View.class))).toList();
    }

    private SupervisorViews.Seen shown(SupervisorViews.View v) {
        return new SupervisorViews.Seen(who(v), WHAT.getOrDefault(v.what(), v.what()), v.callSid(),
                v.what().equals("erase"), moments.at(v.atMs()));
    }

    /** A person by name and role; a machine as what it is, since "api" is only the token's placeholder name. */
    static String who(SupervisorViews.View v) {
        return (v.token() ? "API token" : v.who()) + " (" + v.role() + ")";
    }
}
