package com.calmline.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A batch cut into the parts each run in one script on one hash slot, as Redis Cluster requires: a part per
 * slot, in the order the batch first names each slot, except that parts holding a guard go first, so nothing
 * is written before every guard of the batch has held. A guard guards the writes of its own slot: a part made
 * only of guards has nothing to guard and is left out (so a guard must be given in every slot whose writes it
 * guards, see {@link Connection#guarded}). Announcements (no key) ride with the last part and are published
 * after it is applied, so a page that hears one reads the whole change.
 */
final class Slices {
    private Slices() {
    }

    static List<List<Write>> of(List<Write> batch) {
        Map<Integer, List<Write>> bySlot = new LinkedHashMap<>();
        List<Write> announcements = new ArrayList<>();
        for (Write w : batch) {
            if (w.keys().isEmpty()) {
                announcements.add(w);
            } else {
                bySlot.computeIfAbsent(slot(w.keys().get(0)), s -> new ArrayList<>()).add(w);
            }
        }
        List<List<Write>> guarded = new ArrayList<>();
        List<List<Write>> rest = new ArrayList<>();
        for (List<Write> part : bySlot.values()) {
            long guards = part.stream().filter(Slices::guard).count();
            if (guards == part.size()) {
                continue;
            }
            (guards > 0 ? guarded : rest).add(part);
        }
        List<List<Write>> parts = new ArrayList<>(guarded);
        parts.addAll(rest);
        if (parts.isEmpty()) {
            if (!announcements.isEmpty()) {
                parts.add(announcements);
            }
        } else {
            parts.get(parts.size() - 1).addAll(announcements);
        }
        return parts;
    }

    static int slot(String key) {
        return JedisClusterCRC16.getSlot(key);
    }

    static boolean guard(Write w) {
        return w instanceof Write.UnlessExists || w instanceof Write.UnlessMember;
    }
}
