package com.calmline.agent;

import com.calmline.store.CallStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The desk as every live desk page on this instance sees it: the lists, and each call a page shows, read once
 * and kept until a call is announced as changed, so a change costs the same reads whether one page is open or
 * a hundred. On a change the callers waiting are read again (callers join and leave that list all the time),
 * and what was kept about the calls that changed is dropped, with the agents' lists that held them, and the
 * list of whoever took a caller off the waiting list; the next render reads them again. What no page asked for
 * since the last change is dropped too. Confined to the desk feed's thread, so it needs no locks.
 */
final class DeskSnapshot implements DeskReads {
    private final CallStore calls;
    private final ScreenPops screenPops;
    private final Map<String, List<String>> lists = new HashMap<>();
    /** Whether a call is on a list beyond the newest calls {@link #lists} holds, by "list sid". */
    private final Map<String, Boolean> listedBeyond = new HashMap<>();
    private final Map<String, Map<String, String>> records = new HashMap<>();
    private final Map<String, Optional<ScreenPops.Waiting>> waiting = new HashMap<>();
    private final Map<String, Optional<ScreenPops.Waiting>> current = new HashMap<>();
    /** The lists and calls the pages read since the last change. */
    private final Set<String> used = new HashSet<>();
    private final Map<String, Integer> asked = new HashMap<>();

    DeskSnapshot(CallStore calls, ScreenPops screenPops) {
        this.calls = calls;
        this.screenPops = screenPops;
    }

    /** {@code what} was announced as changed: call sids (and log keys, which the desk does not show). */
    void changed(Set<String> what) {
        forgetUnused();
        List<String> waitingBefore = lists.getOrDefault(ScreenPops.WAITING, List.of());
        lists.remove(ScreenPops.WAITING);
        List<String> left = new ArrayList<>();
        for (String sid : what) {
            records.remove(sid);
            waiting.entrySet().removeIf(e -> e.getKey().equals(sid) || follows(e.getValue(), sid));
            current.entrySet().removeIf(e -> e.getKey().equals(sid) || follows(e.getValue(), sid));
            listedBeyond.keySet().removeIf(k -> k.endsWith(" " + sid));
            lists.values().removeIf(l -> l.contains(sid));
            if (waitingBefore.contains(sid)) {
                left.add(sid);
            }
        }
        if (!left.isEmpty()) {
            List<String> waitingNow = listed(ScreenPops.WAITING, asked.getOrDefault(ScreenPops.WAITING, 1));
            for (String sid : left) {
                String holder = waitingNow.contains(sid) ? null : call(sid).get("agent");
                if (holder != null) {
                    lists.remove("agent:" + holder);
                }
            }
        }
    }

    @Override
    public List<String> listed(String list, int max) {
        used.add(list);
        asked.put(list, max);
        return lists.computeIfAbsent(list, l -> calls.listed(l, max));
    }

    @Override
    public boolean isListed(String list, String callSid) {
        List<String> held = lists.get(list);
        if (held != null && (held.contains(callSid) || held.size() < asked.getOrDefault(list, 0))) {
            return held.contains(callSid);
        }
        used.add(callSid);
        return listedBeyond.computeIfAbsent(list + " " + callSid, k -> calls.isListed(list, callSid));
    }

    @Override
    public Map<String, String> call(String callSid) {
        used.add(callSid);
        return records.computeIfAbsent(callSid, calls::call);
    }

    @Override
    public Optional<ScreenPops.Waiting> waiting(String callSid) {
        used.add(callSid);
        return waiting.computeIfAbsent(callSid, screenPops::waiting);
    }

    @Override
    public Optional<ScreenPops.Waiting> current(String callSid) {
        used.add(callSid);
        return current.computeIfAbsent(callSid, screenPops::current);
    }

    /** A caller shown with another call's screen-pop and transcript (one who answered a callback) shows that call. */
    private static boolean follows(Optional<ScreenPops.Waiting> shown, String sid) {
        return shown.map(w -> w.of().equals(sid)).orElse(false);
    }

    private void forgetUnused() {
        lists.keySet().retainAll(used);
        records.keySet().retainAll(used);
        waiting.keySet().retainAll(used);
        current.keySet().retainAll(used);
        listedBeyond.keySet().removeIf(k -> !used.contains(k.substring(k.indexOf(' ') + 1)));
        used.clear();
    }
}
