package com.calmline.review;

import com.calmline.store.IndexStore;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** The hot-call alerts every supervisor page shows: those of the last hour, newest first. */
final class Alerts {
    private static final Duration SHOWN = Duration.ofHours(1);
    private static final int MAX = 20;

    private final IndexStore indexes;
    private final Moments moments;

    Alerts(IndexStore indexes, Moments moments) {
        this.indexes = indexes;
        this.moments = moments;
    }

    List<SupervisorViews.Alert> recent() {
        long since = System.currentTimeMillis() - SHOWN.toMillis();
        return indexes.newest(LiveCalls.ALERTS, since, Double.POSITIVE_INFINITY, 0, MAX).stream().map(LiveCalls::read)
                .map(a -> new SupervisorViews.Alert(a.callSid(), moments.at(a.atMs()),
                        a.reason(), String.format(Locale.ROOT, "%.2f", a.anger()), a.said())).toList();
    }

    /** Every alert about the call, as stored: what erasing it removes. */
    List<String> entriesAbout(String callSid) {
        return indexes.newest(LiveCalls.ALERTS, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 0,
                Integer.MAX_VALUE).stream().filter(a -> LiveCalls.read(a).callSid().equals(callSid)).toList();
    }
}
